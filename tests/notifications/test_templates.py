"""Every message renders in Vietnamese, as HTML with a plain-text part, with the code and links."""

import pytest
from django.conf import settings

from notifications.constants import MessageChannel
from notifications.models import Message
from notifications.services import message_render

TEMPLATES_DIR = settings.BASE_DIR / "templates" / "notifications"
EMAILS = sorted(
    path.name.removesuffix(".subject.txt")
    for path in (TEMPLATES_DIR / "email").glob("*.subject.txt")
)
SMS = sorted(path.stem for path in (TEMPLATES_DIR / "sms").glob("*.txt"))
CONTEXT = {
    # dossiers.receipts.dossier_summary
    "code": "000.01.00.H26-261122-0001",
    "procedure": "Đăng ký khai sinh",
    "procedure_code": "1.001193",
    "agency": "Phường Long Biên",
    "agency_address": "Số 1 phố Ngọc Lâm",
    "agency_phone": "024 3872 0000",
    "agency_hours": "Sáng 7:30–11:30",
    "applicant_name": "Nguyễn Văn <An>",
    "submitted_at": "08:00 ngày 20/11/2026",
    "due_at": "17:00 ngày 01/12/2026",
    "delivery": "Nhận trực tiếp",
    "originals": ["Giấy chứng sinh"],
    "lookup_url": "http://127.0.0.1:8000/tra-cuu/?ma=000.01.00.H26-261122-0001",
    # what the officers' actions add
    "reason": "Ảnh <mờ> & thiếu trang",
    "documents": ["Giấy chứng sinh", {"name": "Tờ khai", "note": "ký đủ"}],
    "supplement_url": "http://127.0.0.1:8000/bo-sung/8d2d3d74/",
    "note": "Mang theo lệ phí",
    "returned_via": "Trực tiếp",
    "postal_item": "EB123456789VN",
    "number": "125/QĐ-UBND",
    "old_due_at": "17:00 ngày 01/12/2026",
    "new_due_at": "17:00 ngày 04/12/2026",
}


def render(template, channel=MessageChannel.EMAIL, attachments=()):
    message = Message(
        channel=channel, template=template, context=CONTEXT, attachments=list(attachments)
    )
    return message_render(message)


def test_every_message_has_its_templates():
    assert (
        EMAILS
        == SMS
        == [
            "apology",
            "dossier_accepted",
            "dossier_ended",
            "dossier_refused",
            "dossier_stopped",
            "dossier_submitted",
            "fee_paid",
            "fee_requested",
            "postal_returned",
            "result_ready",
            "result_returned",
            "result_revoked",
            "supplement_requested",
        ]
    )


@pytest.mark.parametrize("template", EMAILS)
def test_email_has_code_link_and_escapes_only_html(template):
    rendered = render(template, attachments=[{"provider": "p", "id": 1}])
    assert CONTEXT["code"] in rendered["subject"] and "\n" not in rendered["subject"]
    for part in ("text", "html"):
        assert CONTEXT["code"] in rendered[part]
        assert CONTEXT["lookup_url"] in rendered[part]
        assert settings.SITE_URL in rendered[part]
        assert "{{" not in rendered[part] and "{%" not in rendered[part]
    assert rendered["text"].startswith("Kính gửi ông/bà Nguyễn Văn <An>,")
    assert rendered["html"].startswith("<!doctype html>")
    assert "Nguyễn Văn &lt;An&gt;" in rendered["html"] and "<An>" not in rendered["html"]
    if "reason" in rendered["text"] or CONTEXT["reason"] in rendered["text"]:
        assert "Ảnh &lt;mờ&gt; &amp; thiếu trang" in rendered["html"]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("supplement_requested", ["Giấy chứng sinh", "Tờ khai: ký đủ", CONTEXT["supplement_url"]]),
        ("dossier_accepted", ["Hẹn trả kết quả: 17:00 ngày 01/12/2026", "Giấy chứng sinh"]),
        ("dossier_refused", [CONTEXT["reason"], "Mẫu 03"]),
        ("dossier_stopped", [CONTEXT["reason"]]),
        ("dossier_ended", [CONTEXT["reason"], "đã kết thúc hồ sơ", "nộp hồ sơ mới"]),
        ("result_ready", ["Cách nhận kết quả: Nhận trực tiếp", "Mang theo lệ phí", "Ngọc Lâm"]),
        ("result_returned", ["Hình thức trả kết quả: Trực tiếp", "Số hiệu bưu gửi: EB123456789VN"]),
        ("result_revoked", ["thu hồi kết quả số 125/QĐ-UBND", CONTEXT["reason"]]),
        ("postal_returned", ["EB123456789VN", "chuyển hoàn về Phường Long Biên", "Ngọc Lâm"]),
        ("apology", ["trước đây: 17:00 ngày 01/12/2026", "mới: 17:00 ngày 04/12/2026", "Mẫu 04"]),
        # Mẫu 01 comes at acceptance: the submission is confirmed, and waits for the desk.
        ("dossier_submitted", ["Xác nhận nộp hồ sơ trực tuyến được đính kèm", "chờ cán bộ"]),
        ("dossier_accepted", ["Giấy tiếp nhận hồ sơ và hẹn trả kết quả được đính kèm"]),
    ],
)
def test_email_says_what_the_citizen_needs(template, expected):
    text = render(template, attachments=[{"provider": "p", "id": 1}])["text"]
    for fragment in expected:
        assert fragment in text


def test_attachment_note_only_when_something_is_attached():
    assert "Mẫu 03" not in render("dossier_refused")["text"]
    assert "Mẫu 03" in render("dossier_refused", attachments=[{"provider": "p", "id": 1}])["html"]


@pytest.mark.parametrize("template", SMS)
def test_sms_is_one_line_with_the_code(template):
    text = render(template, MessageChannel.SMS)["text"]
    assert CONTEXT["code"] in text and "\n" not in text and "{" not in text
    assert "&lt;" not in text and len(text) < 320
