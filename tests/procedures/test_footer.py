"""The footer names the receiving agency on the pages about one dossier or draft (its address,
phone, email and hours), and the portal operator everywhere else."""

import re

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers import services
from dossiers.models import Dossier
from dossiers.receipts import RATING_SALT
from procedures.models import Agency
from procedures.templatetags.agency_footer import footer_contact
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import fill_until_review, start, submit

pytestmark = pytest.mark.django_db
HOURS = "Thứ Hai đến thứ Sáu: 07:30–11:30, 13:30–17:00; sáng thứ Bảy: 07:30–11:30"


@pytest.fixture(autouse=True)
def _smtp_outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def long_bien(catalogue):
    agency = catalogue["long_bien"]
    agency.address = "Số 2 phố Vũ Xuân Thiều, Phường Long Biên, Hà Nội"
    agency.phone = "024 3827 1234"
    agency.email = "motcua.longbien@hanoi.gov.vn"
    agency.weekday_sessions = "07:30-11:30, 13:30-17:00"
    agency.saturday_sessions = "07:30-11:30"
    agency.save()
    return agency


def footer(html: str) -> str:
    return html.split('<footer class="site-footer')[1].split("</footer>")[0]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def shows_agency(html: str) -> bool:
    part = text(footer(html))
    return (
        "Cơ quan tiếp nhận hồ sơ Phường Long Biên" in part
        and "Số 2 phố Vũ Xuân Thiều, Phường Long Biên, Hà Nội" in part
        and "Điện thoại: 024 3827 1234" in part
        and "Thư điện tử: motcua.longbien@hanoi.gov.vn" in part
        and f"Giờ tiếp nhận hồ sơ trực tiếp {HOURS}" in part
        and settings.PORTAL_OPERATOR["phone"] not in part
    )


def shows_operator(html: str) -> bool:
    part = text(footer(html))
    operator = settings.PORTAL_OPERATOR
    return (
        f"{operator['name']} {operator['address']}" in part
        and f"Điện thoại: {operator['phone']}" in part
        and operator["hours"] in part
        and "Cơ quan tiếp nhận hồ sơ" not in part
    )


def agency_contact_reads(queries) -> list:
    """The queries that read an agency's phone: the page's own selectors, or the footer's."""
    return [q for q in queries if '"procedures_agency"."phone"' in q["sql"]]


def test_home_page_shows_the_operator(client, long_bien):
    assert shows_operator(client.get("/").content.decode())


def test_wizard_shows_the_agency_once_chosen(client, catalogue, long_bien):
    location = start(client, "1.001193")  # three receiving agencies: the citizen chooses
    assert shows_operator(client.get(location).content.decode())
    declaration = client.post(location, {"co_quan": long_bien.code, "tiep_tuc": "1"})["Location"]
    assert shows_agency(client.get(declaration).content.decode())


def test_success_page_shows_the_agency_without_a_query(
    client, catalogue, long_bien, django_assert_num_queries
):
    response = submit(client, fill_until_review(client, catalogue))
    dossier = Dossier.objects.get()
    # The dossier with its agency (dossiers.selectors.dossier_for_session), its documents (the
    # session from the cache, core.sessions): the footer reads the agency already loaded.
    with django_assert_num_queries(2):
        html = client.get(response["Location"]).content.decode()
    assert dossier.code in html and shows_agency(html)


def test_lookup_pages_show_the_agency(client, catalogue, long_bien, desk):
    dossier = submitted(catalogue["khai_sinh"], long_bien)
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    with CaptureQueriesContext(connection) as progress:
        html = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
    assert shows_agency(html)
    # The progress page's lean selector reads the contacts with the dossier: no query of its own.
    reads = agency_contact_reads(progress.captured_queries)
    assert len(reads) == 1 and '"dossiers_dossier"' in reads[0]["sql"]
    client.post("/tra-cuu/xac-thuc/", {"ma": dossier.code, "dien_thoai": "0912345678"})
    with CaptureQueriesContext(connection) as detail:
        html = client.get(f"/tra-cuu/{dossier.code}/chi-tiet/").content.decode()
    assert shows_agency(html)
    # The detail's dossier comes with its agency: nothing more is read for the footer.
    reads = agency_contact_reads(detail.captured_queries)
    assert reads and all('"dossiers_dossier"' in read["sql"] for read in reads)
    assert shows_agency(client.get(f"/tra-cuu/{dossier.code}/rut-ho-so/").content.decode())
    # The rating link of the "result returned" email is about the dossier too.
    token = signing.dumps(dossier.pk, salt=RATING_SALT)
    assert shows_agency(client.get(f"/danh-gia/{token}/").content.decode())


def test_lookup_without_a_dossier_shows_the_operator(client, db):
    assert shows_operator(client.get("/tra-cuu/").content.decode())
    missing = client.get("/tra-cuu/", {"ma": "000.01.00.H26-260101-9999"})
    assert missing.status_code == 404 and shows_operator(missing.content.decode())


def test_footer_contact_reads_nothing_when_the_agency_is_loaded(
    long_bien, django_assert_num_queries
):
    agency = Agency.objects.get(pk=long_bien.pk)
    with django_assert_num_queries(0):
        contact = footer_contact(agency)
    assert contact == {
        "name": "Phường Long Biên",
        "address": "Số 2 phố Vũ Xuân Thiều, Phường Long Biên, Hà Nội",
        "phone": "024 3827 1234",
        "email": "motcua.longbien@hanoi.gov.vn",
        "hours": HOURS,
        "is_agency": True,
    }
    lean = Agency.objects.only("name").get(pk=long_bien.pk)
    with django_assert_num_queries(1):  # the deferred contacts, together
        assert footer_contact(lean) == contact
    with django_assert_num_queries(0):
        assert footer_contact(None) == {**settings.PORTAL_OPERATOR, "is_agency": False}
        assert footer_contact("") == {**settings.PORTAL_OPERATOR, "is_agency": False}
