"""An agency's office hours, written as an officer reads them: "08:00-12:00, 13:00-17:00"."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Session = tuple[datetime.time, datetime.time]

_SESSION = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


def parse_sessions(text: str) -> tuple[Session, ...]:
    """Return the sessions in `text` ("08:00-12:00, 13:00-17:00"), in order; raise if malformed."""
    sessions = []
    for part in filter(str.strip, text.split(",")):
        match = _SESSION.match(part)
        if match is None:
            raise ValidationError(
                _("Viết mỗi buổi theo dạng 08:00-12:00, các buổi cách nhau bằng dấu phẩy."),
                code="sessions_format",
            )
        try:
            h1, m1, h2, m2 = map(int, match.groups())
            start, end = datetime.time(h1, m1), datetime.time(h2, m2)
        except ValueError:
            raise ValidationError(
                _("Giờ không hợp lệ: %(part)s.") % {"part": part.strip()}, code="sessions_time"
            ) from None
        if end <= start or (sessions and start < sessions[-1][1]):
            raise ValidationError(
                _("Các buổi phải theo thứ tự, giờ kết thúc sau giờ bắt đầu: %(part)s.")
                % {"part": part.strip()},
                code="sessions_order",
            )
        sessions.append((start, end))
    return tuple(sessions)


def validate_sessions(text: str) -> None:
    parse_sessions(text)


def format_sessions(sessions: tuple[Session, ...]) -> str:
    return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in sessions)
