"""Issue 16: the Content-Security-Policy and Permissions-Policy on every kind of response, the
files people uploaded served as sandboxed downloads under generated names, and no cache keeping
a page or a file that carries personal data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier
from dossiers.uploads import inspect
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import PDF_BYTES, fill_until_review, submit

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def assert_strict(response):
    policy = response["Content-Security-Policy"]
    directives = {part.strip() for part in policy.split(";")}
    assert directives >= STRICT, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def test_every_kind_of_response_carries_the_strict_policy(client, catalogue, settings, desk):
    assert_strict(client.get("/"))  # a page
    assert_strict(client.get("/thu-tuc/1.000656/to-khai.pdf"))  # a generated PDF
    assert_strict(client.get("/khong-co-trang-nay/"))  # 404
    assert_strict(client.get("/quan-tri/login/"))  # the admin
    client.force_login(desk["receiving"])
    assert_strict(client.get("/quan-tri/"))
    # A static file, as WhiteNoise serves it (the middleware runs before it).
    settings.WHITENOISE_USE_FINDERS = True
    static = Client().get("/static/css/portal.css")
    assert static.status_code == 200
    assert_strict(static)


@pytest.fixture
def dossier(catalogue, desk):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    document = dossier.documents.first()
    document.original_name = "a.pdf.exe"
    document.save()
    draft = inspect(SimpleUploadedFile("kq.html", PDF_BYTES), max_mb=10)
    services.dossier_forward(
        dossier_id=dossier.pk,
        actor=desk["receiving"],
        department=desk["justice"],
        assignee=desk["specialist"],
    )
    services.dossier_propose(dossier_id=dossier.pk, actor=desk["specialist"], draft_file=draft)
    services.dossier_approve(dossier_id=dossier.pk, actor=desk["leader"])
    services.dossier_issue_result(
        dossier_id=dossier.pk,
        actor=desk["receiving"],
        number="15/QĐ-UBND",
        signed_on=timezone.localdate(),
    )
    services.dossier_return_result(dossier_id=dossier.pk, actor=desk["receiving"], via="online")
    return Dossier.objects.get(pk=dossier.pk)


def citizen(dossier) -> Client:
    client = Client()
    client.post("/tra-cuu/xac-thuc/", {"ma": dossier.code, "dien_thoai": "0912345678"})
    return client


def assert_sandboxed_download(response, filename):
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_no_store(response)


def assert_no_store(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]


def test_files_are_sandboxed_downloads_under_generated_names(dossier, desk):
    document = dossier.documents.first()
    client = citizen(dossier)
    response = client.get(f"/tra-cuu/{dossier.code}/tep/{document.pk}/")
    assert_sandboxed_download(response, f"{dossier.code}-1.pdf")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert_sandboxed_download(
        client.get(f"/tra-cuu/{dossier.code}/ket-qua/"), f"ket-qua-{dossier.code}.pdf"
    )
    officer = Client()
    officer.force_login(desk["receiving"])
    assert_sandboxed_download(
        officer.get(reverse("admin:dossiers_dossier_file", args=[dossier.pk, document.pk])),
        f"{dossier.code}-1.pdf",
    )
    assert_sandboxed_download(
        officer.get(reverse("admin:dossiers_dossier_result", args=[dossier.pk])),
        f"ket-qua-{dossier.code}.pdf",
    )
    proposal = dossier.proposals.get()
    assert_sandboxed_download(
        officer.get(reverse("admin:dossiers_dossier_draft", args=[dossier.pk, proposal.pk])),
        f"du-thao-{dossier.code}-{proposal.pk}.pdf",
    )


def test_pages_and_files_with_personal_data_are_never_stored(dossier, desk, catalogue):
    document = dossier.documents.first()
    client = citizen(dossier)
    personal = [
        f"/tra-cuu/{dossier.code}/chi-tiet/",
        f"/tra-cuu/{dossier.code}/rut-ho-so/",
        f"/tra-cuu/{dossier.code}/tep/{document.pk}/",
        f"/tra-cuu/{dossier.code}/ket-qua/",
    ]
    for url in personal:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)
    # The wizard after the declaration, the success page, the confirmation and the receipt.
    wizard = Client()
    review = fill_until_review(wizard, catalogue)
    for step in ("to-khai", "giay-to", "lien-he", "xem-lai"):
        response = wizard.get(review.replace("xem-lai", step))
        assert response.status_code == 200, step
        assert_no_store(response)
    success = submit(wizard, review)
    code = success["Location"].split("/")[2]
    for url in [success["Location"], f"/ho-so/{code}/xac-nhan-nop-ho-so.pdf"]:
        response = wizard.get(url)
        assert response.status_code == 200, url
        assert_no_store(response)
    receipt = Client()
    receipt.post("/tra-cuu/xac-thuc/", {"ma": dossier.code, "dien_thoai": "0912345678"})
    response = receipt.get(f"/ho-so/{dossier.code}/giay-tiep-nhan.pdf")
    assert response.status_code == 200
    assert_no_store(response)
    # Every admin page: lists, the dossier, its slips, the register, even a 404 and the login.
    officer = Client()
    assert_no_store(officer.get("/quan-tri/login/"))
    officer.force_login(desk["receiving"])
    for url in [
        "/quan-tri/",
        reverse("admin:dossiers_dossier_changelist"),
        reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
        reverse("admin:dossiers_dossier_slip", args=[dossier.pk, "mau-01"]),
        reverse("admin:dossiers_dossier_slip", args=[dossier.pk, "mau-05"]),
        reverse("admin:dossiers_dossier_register") + "?start=2020-01-01&end=2030-01-01&format=csv",
        "/quan-tri/khong-co/",
    ]:
        response = officer.get(url)
        assert response.status_code in (200, 404), url
        assert_no_store(response)


def test_public_pages_stay_cacheable(client, catalogue):
    assert "no-store" not in client.get("/thu-tuc/1.001193/").get("Cache-Control", "")


def test_captcha_refresh_is_limited_per_address(client, db, settings):
    settings.CAPTCHA_REFRESH_RATE = "3/hour"
    ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    answers = [client.get("/captcha/refresh/", **ajax).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert "quá nhiều lần" in client.get("/captcha/refresh/", **ajax).json()["error"]
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/captcha/refresh/", **ajax).status_code == 200
