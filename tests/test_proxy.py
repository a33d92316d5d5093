"""deploy/nginx.conf, docker-compose's proxy, in front of the portal: a checked download of a file
on the local disk leaves through nginx's internal location (X-Accel-Redirect), and the proxy's
headers give the portal the client's address (TRUSTED_PROXY_COUNT=1).

Debian's nginx runs in a subprocess with the project's own configuration (bench/nginx.py), its
upstreams and paths pointed at the live test server and the test's MEDIA_ROOT.
"""

import contextlib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit.models import AccessRecord
from bench import nginx as debian_nginx
from tests.conftest import skip_or_fail
from tests.dossiers.factories import submitted

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def nginx(*, upstream: str, media_root: Path, work: Path):
    if debian_nginx.binary() is None:
        skip_or_fail("nginx is not installed (apt-get install nginx)")
    with debian_nginx.nginx(upstream=upstream, media_root=media_root, work=work) as url:
        yield url


def get(url: str, *, cookie: str = "", forwarded_for: str = ""):
    headers = {"Cookie": cookie} if cookie else {}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_a_checked_download_leaves_through_nginx_internal_location(
    live_server, catalogue, desk, settings, tmp_path
):
    settings.FILES_INTERNAL_REDIRECT = "/_protected/"
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    document = dossier.documents.all()[0]
    with document.file.open("rb") as handle:
        stored = handle.read()
    url = reverse("admin:dossiers_dossier_file", args=[dossier.pk, document.pk])
    work = tmp_path / "nginx"
    work.mkdir()
    upstream = live_server.url.removeprefix("http://")
    with nginx(upstream=upstream, media_root=settings.MEDIA_ROOT, work=work) as proxy:
        status, headers, body = get(
            proxy + url, cookie=session_cookie(desk["receiving"]), forwarded_for="198.51.100.66"
        )
        assert status == 200 and body == stored  # sent by nginx from the disk
        assert headers["Content-Disposition"] == f'attachment; filename="{dossier.code}-1.pdf"'
        assert headers["Content-Type"] == "application/pdf"
        assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in headers["Cache-Control"]
        assert "X-Accel-Redirect" not in headers
        # The access log names the address nginx saw, not the one the client wrote.
        [record] = AccessRecord.objects.all()
        assert record.address == "127.0.0.1"

        # The internal location is not reachable from outside, nor the file for another ward.
        assert get(f"{proxy}/_protected/{document.file.name}")[0] == 404
        status, headers, body = get(proxy + url, cookie=session_cookie(desk["other_ward"]))
        assert status == 404 and body != stored
        assert AccessRecord.objects.count() == 1
