"""The statistics as a CSV file, for the auditor of the 766 scorecard.

Every text cell is neutralised against spreadsheet formulas (core.exports), though all of them
come from the catalogue or from this module, none typed by a citizen.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import csv_bytes
from stats.constants import DEFINITIONS


def _counts(f, stocks: str) -> list[tuple[str, int]]:
    return [
        (_("Hồ sơ tiếp nhận"), f.received),
        (_("Trong đó trực tuyến"), f.received_online),
        (_("Từ chối tiếp nhận"), f.refused),
        (_("Đã giải quyết"), f.resolved),
        (_("Đã giải quyết trước hạn"), f.resolved_early),
        (_("Đã giải quyết đúng hạn"), f.resolved_on_time),
        (_("Đã giải quyết quá hạn"), f.resolved_late),
        (_("Đã giải quyết có tệp kết quả điện tử"), f.resolved_e_result),
        (_("Đã trả kết quả"), f.returned),
        (_("Trong đó trả kết quả trực tuyến"), f.returned_online),
        (_("Lượt đánh giá"), f.ratings),
        (_("Đánh giá hài lòng"), f.ratings_satisfied),
        (_("Đang giải quyết trong hạn (%(at)s)") % {"at": stocks}, f.pending_on_time),
        (_("Đang giải quyết quá hạn (%(at)s)") % {"at": stocks}, f.pending_overdue),
        (
            _("Tạm dừng, chờ công dân bổ sung / nộp phí (%(at)s)") % {"at": stocks},
            f.pending_paused,
        ),
        (_("Chưa tiếp nhận (%(at)s)") % {"at": stocks}, f.not_accepted),
    ]


def statistics_csv(*, scope: str, period_label: str, data: dict, stocks: str) -> HttpResponse:
    """The figures, the 766 indicators with their definitions, and the top procedures."""
    rows: list[list] = [[_("Phạm vi"), scope], [_("Kỳ"), period_label]]
    computed_at = data["computed_at"]
    if computed_at is None:
        rows.append([_("Chưa có số liệu cho kỳ này.")])
    else:
        f = data["figures"]
        at = timezone.localtime(computed_at).strftime("%H:%M %d/%m/%Y")
        rows += [[_("Số liệu tính lúc"), at], []]
        rows += [list(row) for row in _counts(f, stocks)]
        rows += [[], [_("Chỉ số (Quyết định 766/QĐ-TTg)"), _("Tỷ lệ (%)"), _("Tử số"), _("Mẫu số")]]
        for row in f.indicators():
            if row["unavailable"]:
                rows.append([row["label"], row["unavailable"]])
            else:
                rate = "" if row["percent"] is None else row["percent"]
                rows.append([row["label"], rate, row["part"], row["whole"]])
        rows += [[], [_("Mã thủ tục"), _("Thủ tục"), _("Hồ sơ tiếp nhận")]]
        rows += [
            [row["procedure__code"], row["procedure__name"], row["received"]] for row in data["top"]
        ]
        rows += [[], [_("Cách tính")]]
        rows += [[definition] for definition in DEFINITIONS.values()]
        rows += [[_("%(label)s: %(definition)s") % row] for row in f.indicators()]
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="thong-ke.csv"'
    return response
