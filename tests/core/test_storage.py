"""Stored files: where they live (core.storage: the local folder, or object storage from
STORAGE_URL) and how a download leaves the portal after its permission check (core.headers
.file_response): a redirect to a signed URL of the bucket, the proxy's X-Accel-Redirect, or
streamed. The bucket is moto's S3 server in a subprocess (tests/objectstorage.py), the stand-in
for MinIO."""

import datetime
import json
import os
import subprocess
import sys
import urllib.parse

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from audit.constants import AccessAction
from audit.models import AccessRecord
from core.storage import FILESYSTEM, OBJECT_STORAGE, storage_backend
from dossiers.models import Dossier
from tests.dossiers.factories import submitted
from tests.notifications.helpers import free_port
from tests.objectstorage import BUCKET, CREDENTIALS, MotoServer, fetch

SANDBOX = "sandbox; default-src 'none'"


def file_url(dossier, document):
    return reverse("admin:dossiers_dossier_file", args=[dossier.pk, document.pk])


def assert_private_download_headers(response):
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- Which storage the settings choose ------------------------------------------------------


def test_without_storage_url_files_stay_in_the_local_folder():
    assert storage_backend("") == {"BACKEND": FILESYSTEM}


def test_storage_url_selects_the_bucket_with_signed_urls_of_a_minute():
    backend = storage_backend(
        "s3://portal/ho-so?endpoint_url=http://minio:9000&region=us-east-1"
        "&public_endpoint_url=http://localhost:9000"
    )
    assert backend["BACKEND"] == OBJECT_STORAGE
    assert backend["OPTIONS"] == {
        "bucket_name": "portal",
        "location": "ho-so",
        "endpoint_url": "http://minio:9000",
        "public_endpoint_url": "http://localhost:9000",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
    }
    assert storage_backend("s3://portal?expire=30")["OPTIONS"]["querystring_expire"] == 30
    # On AWS itself, no endpoint: boto3 chooses the addressing.
    assert "addressing_style" not in storage_backend("s3://portal")["OPTIONS"]


@pytest.mark.parametrize(
    "url",
    [
        "minio://portal",  # another scheme
        "s3://?endpoint_url=http://minio:9000",  # no bucket
        "s3://key:secret@portal",  # keys belong in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
        "s3://portal?endpoint=http://minio:9000",  # a misspelt parameter
        "s3://portal?expire=soon",  # seconds, a positive number
        "s3://portal?expire=0",
    ],
)
def test_a_storage_url_it_cannot_read_in_full_stops_the_portal(url):
    with pytest.raises(ImproperlyConfigured):
        storage_backend(url)


def _default_storage_in_a_fresh_process(**env) -> dict:
    """What a portal process started with `env` stores its files in (settings read anew)."""
    script = (
        "import json, django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(json.dumps({'class': type(s).__name__, 'bucket': getattr(s, 'bucket_name', None),"
        " 'endpoint': getattr(s, 'endpoint_url', None),"
        " 'expire': getattr(s, 'querystring_expire', None),"
        " 'location': str(getattr(s, 'location', ''))}))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"STORAGE_URL", "MEDIA_ROOT"}}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_settings_read_storage_url_from_the_environment(tmp_path):
    local = _default_storage_in_a_fresh_process(MEDIA_ROOT=str(tmp_path))
    assert local["class"] == "FileSystemStorage" and local["location"] == str(tmp_path)
    bucket = _default_storage_in_a_fresh_process(
        STORAGE_URL="s3://dossiers?endpoint_url=http://minio:9000&region=us-east-1&expire=45",
        **CREDENTIALS,
    )
    assert bucket == {
        "class": "ObjectStorage",
        "bucket": "dossiers",
        "endpoint": "http://minio:9000",
        "expire": 45,
        "location": "",
    }


# --- The local folder behind nginx: X-Accel-Redirect -----------------------------------------


@pytest.mark.django_db
def test_behind_the_proxy_a_checked_download_is_handed_to_its_internal_location(
    client, catalogue, desk, settings
):
    settings.FILES_INTERNAL_REDIRECT = "/_protected/"
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    document = dossier.documents.all()[0]
    client.force_login(desk["receiving"])
    response = client.get(file_url(dossier, document))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/{document.file.name}"
    assert response.content == b""  # the proxy sends the file
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.code}-1.pdf"'
    assert_private_download_headers(response)
    [record] = AccessRecord.objects.all()  # the access log is written all the same
    assert record.action == AccessAction.ATTACHMENT and record.subject_id == dossier.pk
    # Out of scope: 404, no header pointing at the file.
    client.force_login(desk["other_ward"])
    response = client.get(file_url(dossier, document))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response
    assert AccessRecord.objects.count() == 1


@pytest.mark.django_db
def test_without_the_internal_location_the_worker_streams_the_file(client, catalogue, desk):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    document = dossier.documents.all()[0]
    client.force_login(desk["receiving"])
    response = client.get(file_url(dossier, document))
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    with document.file.open("rb") as handle:
        assert response.getvalue() == handle.read()
    assert_private_download_headers(response)


# --- Object storage: a redirect to a signed URL ----------------------------------------------


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    with MotoServer(port=free_port(), log_path=tmp_path_factory.mktemp("s3") / "moto.log") as s3:
        yield s3


@pytest.fixture
def use_bucket(moto, settings, monkeypatch):
    """Put the default storage in moto's bucket, as STORAGE_URL (with these parameters) would."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)

    def use(**parameters):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": storage_backend(moto.storage_url(**parameters)),
        }
        return moto

    return use


@pytest.fixture
def object_storage(use_bucket):
    return use_bucket()


def signed_parameters(location: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


@pytest.mark.django_db
def test_an_officer_in_scope_is_redirected_to_a_signed_url_and_the_access_is_logged(
    client, catalogue, desk, object_storage
):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    document = dossier.documents.all()[0]
    assert document.file.name in object_storage.stored_names()  # stored in the bucket, not on disk
    assert not (django_settings.MEDIA_ROOT / "uploads").exists()
    client.force_login(desk["receiving"])
    response = client.get(file_url(dossier, document))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{object_storage.url}/{BUCKET}/{document.file.name}?")
    assert_private_download_headers(response)  # on the portal's own answer
    [record] = AccessRecord.objects.all()
    assert record.action == AccessAction.ATTACHMENT and record.user == desk["receiving"]

    status, headers, body = fetch(location)
    assert status == 200
    with document.file.open("rb") as handle:
        assert body == handle.read()
    assert headers["Content-Disposition"] == f'attachment; filename="{dossier.code}-1.pdf"'
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_out_of_scope_gets_404_and_no_signed_url(client, catalogue, desk, object_storage):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    document = dossier.documents.all()[0]
    client.force_login(desk["other_ward"])  # Phường Hà Đông's one-stop officer
    response = client.get(file_url(dossier, document))
    assert response.status_code == 404
    assert "Location" not in response
    assert object_storage.url.encode() not in response.content
    assert b"X-Amz-" not in response.content
    assert not AccessRecord.objects.exists()
    # Another browser session, on the citizen's side: not its dossier.
    stranger = Client()
    for url in [
        f"/ho-so/{dossier.code}/xac-nhan-nop-ho-so.pdf",
        f"/tra-cuu/{dossier.code}/tep/{document.pk}/",
    ]:
        response = stranger.get(url)
        assert response.status_code in (302, 404) and "X-Amz-" not in response.get("Location", "")


@pytest.mark.django_db
def test_the_signed_url_lives_a_minute_and_forces_a_download(client, catalogue, desk, use_bucket):
    """moto does not enforce expiry (MinIO and S3 do): the test reads what the URL is signed
    with. The response-* parameters are inside the signature, so they cannot be edited."""
    use_bucket()
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    client.force_login(desk["receiving"])
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    location = client.get(file_url(dossier, dossier.documents.all()[0]))["Location"]
    signed = signed_parameters(location)
    assert signed["X-Amz-Expires"] == "60"
    assert signed["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    signed_at = datetime.datetime.strptime(signed["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.UTC
    )
    assert before <= signed_at <= before + datetime.timedelta(seconds=5)
    assert signed["response-content-disposition"] == f'attachment; filename="{dossier.code}-1.pdf"'
    assert signed["response-content-type"] == "application/pdf"
    assert signed["response-cache-control"] == "no-store, private"
    assert "X-Amz-Signature" in signed and "X-Amz-Credential" in signed
    # STORAGE_URL's expire= shortens or lengthens it.
    use_bucket(expire="15")
    dossier = Dossier.objects.get(pk=dossier.pk)
    location = client.get(file_url(dossier, dossier.documents.all()[0]))["Location"]
    assert signed_parameters(location)["X-Amz-Expires"] == "15"


@pytest.mark.django_db
def test_the_url_is_signed_for_the_address_browsers_reach_the_bucket_at(
    client, catalogue, desk, moto, use_bucket
):
    """In docker-compose the portal stores through http://minio:9000; a browser downloads from
    the public address (public_endpoint_url): the signature covers the host."""
    use_bucket(public_endpoint_url=f"http://localhost:{moto.port}")
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    client.force_login(desk["receiving"])
    location = client.get(file_url(dossier, dossier.documents.all()[0]))["Location"]
    assert location.startswith(f"http://localhost:{moto.port}/{BUCKET}/uploads/")
    assert fetch(location)[0] == 200


@pytest.mark.django_db
def test_the_stored_confirmation_is_a_redirect_for_its_session(
    client, catalogue, object_storage, django_capture_on_commit_callbacks
):
    from tests.dossiers.helpers import fill_until_review, submit

    submit(client, fill_until_review(client, catalogue))
    dossier = Dossier.objects.get()
    url = f"/ho-so/{dossier.code}/xac-nhan-nop-ho-so.pdf"
    name = f"xac-nhan-nop-ho-so-{dossier.code}.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)  # the first download renders it, answers it, stores it
    pdf = first.getvalue()
    assert first.status_code == 200 and pdf.startswith(b"%PDF-")
    assert first["Content-Disposition"] == f'attachment; filename="{name}"'
    assert_private_download_headers(first)
    dossier.refresh_from_db()
    assert dossier.confirmation.name in object_storage.stored_names()

    response = client.get(url)  # stored: a redirect, no render
    assert response.status_code == 302
    assert_private_download_headers(response)
    status, headers, body = fetch(response["Location"])
    assert status == 200 and body == pdf
    assert headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert Client().get(url).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_downloads_the_confirmation_through_the_signed_url(
    page, live_server, catalogue, object_storage
):
    """A real browser follows the portal's redirect to the bucket (another origin) and saves the
    file under the portal's name: no page of the bucket is shown, no policy is broken."""
    from django.contrib.sessions.backends.db import SessionStore

    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    session = SessionStore()
    session["dossiers"] = [dossier.code]
    session.create()
    page.context.add_cookies(
        [{"name": "sessionid", "value": session.session_key, "url": live_server.url}]
    )
    page.goto(f"/ho-so/{dossier.code}/da-nop/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải xác nhận nộp hồ sơ (PDF)").click()
    assert download.value.suggested_filename == f"xac-nhan-nop-ho-so-{dossier.code}.pdf"
    assert download.value.url.startswith(f"{object_storage.url}/{BUCKET}/receipts/")
    with open(download.value.path(), "rb") as handle:
        assert handle.read().startswith(b"%PDF-")
