"""Two web nodes share nothing but PostgreSQL and the bucket: an attachment uploaded through one
gunicorn is served by the other.

Two `gunicorn -c portal/gunicorn.conf.py portal.wsgi` processes (as docker-compose's web1 and
web2) on the test database, each with a MEDIA_ROOT of its own, store their files in moto's S3
server (tests/objectstorage.py, the stand-in for MinIO). A citizen goes through the wizard over
HTTP on node 1 with a cookie of their session, then downloads on node 2: the permission check
there answers a redirect to a signed URL, followed like a browser would, and the bytes are the
ones uploaded. The captcha is answered as django-simple-captcha's test mode allows
(CAPTCHA_TEST_MODE=1: "passed").
"""

import contextlib
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dossiers.models import Dossier, DossierDocument, DraftFile
from tests.dossiers.helpers import CONTACT, KHAI_SINH, pdf_bytes, png_bytes
from tests.notifications.helpers import (
    database_url,
    free_port,
    stop_process_group,
    wait_until,
)
from tests.objectstorage import BUCKET, CREDENTIALS, LOOPBACK, MotoServer, fetch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Node:
    """One web node: gunicorn on a free loopback port, always stopped on exit."""

    def __init__(self, name: str, *, env: dict[str, str], folder: Path):
        self.name = name
        self.port = free_port()
        self.base_url = f"http://{LOOPBACK}:{self.port}"
        self.media_root = folder / f"{name}-media"
        self.log_path = folder / f"{name}.log"
        self.env = {
            **env,
            "GUNICORN_BIND": f"{LOOPBACK}:{self.port}",
            "MEDIA_ROOT": str(self.media_root),
        }
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 90) -> None:
        gunicorn = Path(sys.prefix) / "bin" / "gunicorn"
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                [str(gunicorn), "-c", "portal/gunicorn.conf.py", "portal.wsgi"],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                return Browser(self.base_url).get("/healthz")[0] == 200
            return False

        wait_until(ready, timeout=timeout, interval=0.2, what=f"{self.name} ready")

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process_group(self.process, timeout=15)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stored_files(self) -> list[Path]:
        if not self.media_root.exists():
            return []
        return [path for path in self.media_root.rglob("*") if path.is_file()]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A browser's session against one node: its cookies (moved to another node at will), the
    CSRF token from its cookie, no redirect followed unless asked."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        self.base_url = base_url
        self.cookies = cookies if cookies is not None else {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def on(self, node: Node) -> "Browser":
        """The same browser session, talking to `node`."""
        return Browser(node.base_url, self.cookies)

    def request(self, path: str, *, data: bytes | None = None, content_type: str = ""):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if data is not None:
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        url = self.base_url + path  # http://127.0.0.1:port
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.headers, response.read()

    def get(self, path: str):
        return self.request(path)

    def post(self, path: str, fields: dict):
        return self.request(path, data=urllib.parse.urlencode(fields).encode())

    def post_files(self, path: str, fields: dict, files: dict[str, tuple[str, str, bytes]]):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content_type, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            path, data=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
        )


def path_of(location: str) -> str:
    return urllib.parse.urlsplit(location).path


@pytest.fixture
def nodes(catalogue, tmp_path):
    """moto's S3 server and two gunicorn nodes on the test database and its bucket."""
    if connection.vendor != "postgresql":
        pytest.skip("two nodes share a PostgreSQL database")
    with MotoServer(port=free_port(), log_path=tmp_path / "moto.log") as s3:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("REDIS_", "CACHE_", "CELERY_", "EMAIL_", "STORAGE_"))
            and k not in {"REDIS_URL", "WEB_CONCURRENCY", "FILES_INTERNAL_REDIRECT"}
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "DEBUG": "0",
                "SECRET_KEY": "two-web-nodes-test",
                "ALLOWED_HOSTS": LOOPBACK,
                "SECURE_SSL_REDIRECT": "0",
                "SESSION_COOKIE_SECURE": "0",
                "CSRF_COOKIE_SECURE": "0",
                "OTP_REQUIRED": "0",
                "SITE_URL": "http://127.0.0.1",
                "DATABASE_URL": database_url(connection.settings_dict),
                "STORAGE_URL": s3.storage_url(),
                "CAPTCHA_TEST_MODE": "1",
                # Static files from the source folders: no collectstatic manifest needed here.
                "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "WEB_CONCURRENCY": "1",
                "GUNICORN_ACCESSLOG": "",
                "PYTHONUNBUFFERED": "1",
                **CREDENTIALS,
            }
        )
        first, second = (
            Node("web1", env=env, folder=tmp_path),
            Node("web2", env=env, folder=tmp_path),
        )
        try:
            first.start()
            second.start()
            yield s3, first, second
        except BaseException:
            for node in (first, second):
                print(f"--- {node.name} ---\n{node.log_tail()}")
            raise
        finally:
            first.stop()
            second.stop()


def test_an_attachment_uploaded_through_one_node_is_served_by_the_other(nodes, catalogue):
    s3, web1, web2 = nodes
    citizen = Browser(web1.base_url)
    uploaded = pdf_bytes(padding=5000)  # one of a kind: its bytes prove which file came back

    # Node 1: the wizard up to the attachments.
    status, _, _ = citizen.get("/thu-tuc/1.001193/nop-ho-so/")
    assert status == 200 and "csrftoken" in citizen.cookies
    status, headers, _ = citizen.post("/thu-tuc/1.001193/nop-ho-so/", {})
    assert status == 302, headers
    step = path_of(headers["Location"])
    token = step.split("/")[2]
    status, headers, _ = citizen.post(step, {"co_quan": "000.01.00.H26", "tiep_tuc": "1"})
    assert status == 302
    status, headers, _ = citizen.post(path_of(headers["Location"]), {**KHAI_SINH, "tiep_tuc": "1"})
    assert status == 302
    documents = list(catalogue["khai_sinh"].documents.all())
    status, headers, body = citizen.post_files(
        path_of(headers["Location"]),
        {"tiep_tuc": "1"},
        {
            f"tep_{documents[0].pk}": ("to-khai.pdf", "application/pdf", uploaded),
            f"tep_{documents[1].pk}": ("anh.png", "image/png", png_bytes()),
        },
    )
    assert status == 302, body.decode(errors="replace")[-2000:]
    contact = path_of(headers["Location"])
    attached = DraftFile.objects.get(draft__token=token, document=documents[0])
    assert attached.file.name in s3.stored_names()

    # Node 2, same session: the check passes, the answer is a redirect to the bucket.
    on_web2 = citizen.on(web2)
    status, headers, body = on_web2.get(f"/nop-ho-so/{token}/tep/{attached.pk}/")
    assert status == 302, body[:500]
    location = headers["Location"]
    assert location.startswith(f"{s3.url}/{BUCKET}/")
    assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in headers["Cache-Control"]
    status, bucket_headers, content = fetch(location)
    assert status == 200 and content == uploaded
    assert bucket_headers["Content-Disposition"] == (
        f'attachment; filename="tep-dinh-kem-{attached.pk}.pdf"'
    )

    # Another browser session (on either node): 404, and no URL of the bucket leaks.
    for node in (web1, web2):
        status, headers, body = Browser(node.base_url).get(f"/nop-ho-so/{token}/tep/{attached.pk}/")
        assert status == 404
        assert "Location" not in headers
        assert s3.url.encode() not in body and b"X-Amz-" not in body

    # Back on node 1: contact, review, the final submit with the captcha.
    status, headers, _ = citizen.post(contact, {**CONTACT, "tiep_tuc": "1"})
    assert status == 302
    review = path_of(headers["Location"])
    status, _, page = citizen.get(review)
    hashkey = re.search(rb'name="captcha_0" value="([0-9a-f]+)"', page).group(1).decode()
    status, headers, body = citizen.post(review, {"captcha_0": hashkey, "captcha_1": "passed"})
    assert status == 302, body.decode(errors="replace")[-2000:]
    success = path_of(headers["Location"])
    dossier = Dossier.objects.get()
    assert success == f"/ho-so/{dossier.code}/da-nop/"

    # Node 2 knows the session and serves the dossier's files: the attachment (second factor on
    # the lookup page) and the confirmation, stored by node 1 or rendered now by node 2.
    assert on_web2.get(success)[0] == 200
    status, _, _ = on_web2.post(
        "/tra-cuu/xac-thuc/", {"ma": dossier.code, "dien_thoai": CONTACT["dien_thoai"]}
    )
    assert status == 302
    document = DossierDocument.objects.get(dossier=dossier, document=documents[0])
    status, headers, _ = on_web2.get(f"/tra-cuu/{dossier.code}/tep/{document.pk}/")
    assert status == 302
    status, bucket_headers, content = fetch(headers["Location"])
    assert status == 200 and content == uploaded
    assert bucket_headers["Content-Disposition"].startswith(
        f'attachment; filename="{dossier.code}-'
    )
    status, headers, _ = on_web2.get(f"/ho-so/{dossier.code}/xac-nhan-nop-ho-so.pdf")
    assert status == 302
    status, _, content = fetch(headers["Location"])
    assert status == 200 and content.startswith(b"%PDF-")
    # Another session on node 2: neither the confirmation nor the attachment.
    stranger = Browser(web2.base_url)
    assert stranger.get(f"/ho-so/{dossier.code}/xac-nhan-nop-ho-so.pdf")[0] == 404
    status, headers, _ = stranger.get(f"/tra-cuu/{dossier.code}/tep/{document.pk}/")
    assert status in (302, 404) and "X-Amz-" not in headers.get("Location", "")

    # Nothing was kept on either node's disk.
    assert web1.stored_files() == [] and web2.stored_files() == []
