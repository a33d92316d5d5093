"""Walk-in and postal intake (issue 14): the desk registers a paper dossier, which is accepted at
once with Mẫu 01, from the same code sequence as online dossiers."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import receipts, services
from dossiers.constants import Channel
from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier
from dossiers.uploads import inspect
from procedures.constants import CopyType
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import PDF_BYTES
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/quan-tri/dossiers/dossier/tiep-nhan-truc-tiep/"
CONTACT = {
    "ho_ten": "Phạm Thị Lan",
    "dien_thoai": "0987654321",
    "email": "",
    "dia_chi": "Số 8 phố Ngọc Thụy, Phường Long Biên, Hà Nội",
    "nhan_ket_qua": "in_person",
}


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=HCM)


def papers(procedure, *, scans=False):
    return [
        services.PaperDocument(
            document=document,
            copy_type=CopyType.ORIGINAL,
            copies=2 if index else 1,
            scans=[inspect(SimpleUploadedFile("quet.pdf", PDF_BYTES), max_mb=10)] if scans else [],
        )
        for index, document in enumerate(procedure.documents.all())
    ]


def receive(catalogue, officer, **overrides):
    procedure = catalogue["khai_sinh"]
    arguments = {
        "actor": officer,
        "procedure": procedure,
        "agency": catalogue["long_bien"],
        "channel": Channel.IN_PERSON,
        "declaration": {"ho_ten": "Phạm Thị Lan", "gioi_tinh": "Nam", "ngay_sinh": "2026-12-01"},
        "contact": CONTACT,
        "documents": papers(procedure),
    }
    return services.dossier_receive_paper(**{**arguments, **overrides})


def test_a_paper_dossier_is_accepted_at_once_from_the_same_sequence(catalogue, desk):
    with time_machine.travel(local("2026-12-07 08:30"), tick=False):
        online = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    with time_machine.travel(local("2026-12-07 09:10"), tick=False):
        event = receive(catalogue, desk["receiving"])
    dossier = Dossier.objects.get(pk=event.dossier.pk)
    assert online.code.endswith("-0001") and dossier.code == online.code[:-4] + "0002"
    assert (dossier.status, dossier.channel) == (S.ACCEPTED, Channel.IN_PERSON)
    assert dossier.received_at == dossier.submitted_at == local("2026-12-07 09:10")
    assert dossier.due_at == local("2026-12-07 17:00")  # same-day, before 15:00
    assert dossier.assignee == desk["receiving"]
    assert (event.action, event.from_status, event.to_status) == ("accept", None, S.ACCEPTED)
    assert [
        (d.document_name, d.paper_copy_type, d.paper_copies, bool(d.file))
        for d in dossier.documents.all()
    ] == [
        ("Tờ khai đăng ký khai sinh", CopyType.ORIGINAL, 1, False),
        ("Giấy chứng sinh", CopyType.ORIGINAL, 2, False),
    ]
    text = " ".join(pdf_text(receipts.dossier_receipt_pdf(dossier=dossier)).split())
    assert "Hình thức nộp: Trực tiếp" in text
    assert "Thời gian nhận hồ sơ: 09 giờ 10 phút, ngày 07/12/2026" in text
    assert re.search(r"Giấy chứng sinh Bản chính 2", text)


def test_scans_are_kept_with_their_paper(catalogue, desk):
    event = receive(
        catalogue, desk["receiving"], documents=papers(catalogue["khai_sinh"], scans=True)
    )
    documents = list(event.dossier.documents.all())
    assert all(d.file and d.is_paper for d in documents)


@pytest.mark.parametrize(
    ("who", "overrides", "code"),
    [
        ("specialist", {}, "forbidden"),
        ("other_ward", {}, "not_found"),
        ("receiving", {"channel": Channel.ONLINE}, "channel"),
        ("receiving", {"contact": {**CONTACT, "ho_ten": ""}, "declaration": {}}, "applicant"),
    ],
)
def test_paper_intake_refused(catalogue, desk, who, overrides, code):
    with pytest.raises(ValidationError) as error:
        receive(catalogue, desk[who], **overrides)
    assert error.value.code == code
    assert not Dossier.objects.exists()


def test_the_agency_must_receive_the_procedure(catalogue, desk):
    with pytest.raises(ValidationError) as error:
        receive(catalogue, desk["receiving"], procedure=catalogue["chung_thuc"], documents=[])
    assert error.value.code == "agency"


def start_params(catalogue, channel=Channel.IN_PERSON):
    return {"thu_tuc": "1.001193", "co_quan": catalogue["long_bien"].code, "kenh": channel}


def form_data(catalogue, **changes):
    procedure = catalogue["khai_sinh"]
    data = {
        "tk-ho_ten": "Phạm Thị Lan",
        "tk-gioi_tinh": "Nam",
        "tk-ngay_sinh": "2026-12-01",
        **{f"lh-{key}": value for key, value in CONTACT.items()},
    }
    for document in procedure.documents.all():
        data.update(
            {
                f"gt-nhan_{document.pk}": "on",
                f"gt-loai_{document.pk}": CopyType.ORIGINAL,
                f"gt-so_{document.pk}": "1",
            }
        )
    data.update(changes)
    return data


def test_the_desk_registers_a_postal_dossier_and_prints_mau_01(client, catalogue, desk):
    client.force_login(desk["receiving"])
    assert client.get(reverse("admin:dossiers_dossier_changelist")).status_code == 200
    start = client.get(URL)
    assert start.status_code == 200 and "Thủ tục" in start.content.decode()
    url = f"{URL}?thu_tuc=1.001193&co_quan={catalogue['long_bien'].code}&kenh=3"
    page = client.get(url)
    assert "Tờ khai: Đăng ký khai sinh (1.001193)" in page.content.decode()
    response = client.post(url, form_data(catalogue))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    assert dossier.channel == Channel.POST
    follow = client.get(response["Location"]).content.decode()
    assert "Bưu chính" in follow and 'id="print-mau-01"' in follow
    slip = client.get(reverse("admin:dossiers_dossier_slip", args=[dossier.pk, "mau-01"]))
    assert "Hình thức nộp: Bưu chính" in " ".join(pdf_text(slip.content).split())


def test_a_missing_required_paper_keeps_everything_entered(client, catalogue, desk):
    client.force_login(desk["receiving"])
    url = f"{URL}?thu_tuc=1.001193&co_quan={catalogue['long_bien'].code}&kenh=1"
    certificate = catalogue["khai_sinh"].documents.get(name="Giấy chứng sinh")
    data = form_data(catalogue)
    del data[f"gt-nhan_{certificate.pk}"]
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Thiếu giấy tờ bắt buộc “Giấy chứng sinh”" in body
    assert 'value="Phạm Thị Lan"' in body and 'value="0987654321"' in body
    assert not Dossier.objects.exists()


def test_only_one_stop_officers_and_only_their_agencies(client, catalogue, desk):
    client.force_login(desk["specialist"])
    assert client.get(URL).status_code == 403
    client.force_login(desk["other_ward"])  # Hà Đông's desk: Long Biên is not offered
    response = client.get(URL, start_params(catalogue))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tờ khai" not in body
    assert "Cơ quan này không thuộc phạm vi của bạn." in body
    assert "Cơ quan của bạn không tiếp nhận thủ tục này." not in body  # Hà Đông receives it


def test_the_walk_in_page_reads_a_fixed_number_of_queries(
    client, catalogue, desk, django_assert_num_queries
):
    client.force_login(desk["receiving"])
    url = f"{URL}?thu_tuc=1.001193&co_quan={catalogue['long_bien'].code}&kenh=1"
    client.get(url)  # the procedure's parts are kept per worker
    # Session, user, roles, scope; the choice, the agency and their match; the admin's two
    # permission reads; the two lists of choices. None per procedure or per document.
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_walk_in_list_in_a_fixed_number_of_queries(
    client, catalogue, desk, django_assert_num_queries
):
    paper = receive(catalogue, desk["receiving"]).dossier
    submitted(catalogue["khai_sinh"], catalogue["long_bien"])  # online: not in the list
    client.force_login(desk["receiving"])
    url = f"/quan-tri/dossiers/dossier/?channel__exact={Channel.IN_PERSON}"
    client.get(url)  # the session, the counts and the list's total kept
    # Session, user, roles, scope, the page, the filters' agencies, the permissions: the same
    # as every list (tests/dossiers/test_admin.py); the total is kept.
    with django_assert_num_queries(9) as queries:
        response = client.get(url)
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert [d.code for d in response.context["cl"].result_list] == [paper.code]
    assert response.context["cl"].result_count == 1
