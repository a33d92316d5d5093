"""Turn stored declaration and contact values into rows a person reads (labels, dd/mm/yyyy)."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.constants import FieldType, ResultDelivery

CONTACT_LABELS = {
    "ho_ten": gettext_lazy("Họ và tên người nộp"),
    "email": gettext_lazy("Thư điện tử"),
    "dien_thoai": gettext_lazy("Số điện thoại di động"),
    "dia_chi": gettext_lazy("Địa chỉ liên hệ"),
    "nhan_ket_qua": gettext_lazy("Cách nhận kết quả"),
}


def format_value(field_type: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field_type == FieldType.BOOLEAN:
        return _("Có") if value else _("Không")
    if field_type == FieldType.DATE:
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def declaration_rows(definitions, declaration: dict) -> list[dict]:
    """Return [{section, label, value}] in the form's order."""
    return [
        {
            "section": definition.section,
            "label": definition.label,
            "value": format_value(definition.field_type, declaration.get(definition.name)),
        }
        for definition in definitions
    ]


def contact_rows(contact: dict) -> list[dict]:
    deliveries = dict(ResultDelivery.choices)
    rows = []
    for key, label in CONTACT_LABELS.items():
        value = contact.get(key, "")
        if key == "nhan_ket_qua":
            value = deliveries.get(value, value)
        rows.append({"label": label, "value": value or "—"})
    return rows
