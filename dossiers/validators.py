"""Validators for what citizens type: citizen ID numbers, Vietnamese mobile numbers, dates."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CITIZEN_ID = re.compile(r"^\d{12}$")
# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
# A postal item number as VNPost prints it (UPU S10): two letters, nine digits, "VN".
POSTAL_ITEM = re.compile(r"^[A-Z]{2}\d{9}VN$")
MOBILE = re.compile(r"^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$")


def validate_citizen_id(value: str) -> None:
    """A 12-digit personal identification number (số định danh cá nhân / CCCD).

    Its first three digits are the province of birth registration (001–096), the fourth the
    century and sex (0–9).
    """
    if not CITIZEN_ID.match(value):
        raise ValidationError(
            _("Số định danh cá nhân gồm đúng 12 chữ số."), code="citizen_id_format"
        )
    if not 1 <= int(value[:3]) <= 96:
        raise ValidationError(
            _("Số định danh cá nhân không hợp lệ: 3 chữ số đầu là mã tỉnh nơi đăng ký khai sinh."),
            code="citizen_id_province",
        )


def normalize_phone(value: str) -> str:
    """Return a mobile number as 10 digits starting with 0 (accepts +84, spaces, dots, dashes)."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_mobile(value: str) -> None:
    if not MOBILE.match(normalize_phone(value)):
        raise ValidationError(
            _("Số điện thoại di động không hợp lệ. Ví dụ đúng: 0912 345 678."), code="mobile"
        )


def validate_not_future(value) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("Ngày này không thể ở tương lai."), code="future_date")


def postal_item(value: str) -> str:
    """Return the VNPost item number in `value` as printed (two letters, nine digits, "VN", e.g.
    EB123456789VN), in capitals and without spaces; raise if there is none or it is malformed."""
    number = re.sub(r"[\s.\-]", "", value or "").upper()
    if not number:
        raise ValidationError(
            _("Vui lòng nhập số hiệu bưu gửi khi trả kết quả qua bưu chính."), code="postal_item"
        )
    if not POSTAL_ITEM.match(number):
        raise ValidationError(
            _("Số hiệu bưu gửi gồm 2 chữ cái, 9 chữ số và “VN”, ví dụ EB123456789VN."),
            code="postal_item_format",
        )
    return number
