"""Availability (issue 17): the portal with its cache down, a double click on the final submit,
/readyz, and a database that does not answer.

The outages are real where they can be: a Redis URL nothing listens on, a redis-server of the
test's own that it stops, Django's own backend connecting to a closed port (PostgreSQL) or to a
file it cannot open (SQLite).
"""

import contextlib
import logging
import shutil
import threading
from unittest import mock

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from dossiers.models import Dossier, Draft
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import KHAI_SINH, captcha_answer, fill_until_review, start, step_url
from tests.notifications.helpers import LOOPBACK, RedisServer, free_port, wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _smtp_outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def cache_down(settings) -> None:
    """Point the shared cache at a Redis URL nothing listens on (a fresh port per test)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://{LOOPBACK}:{free_port()}/0",
        },
    }


def test_with_the_cache_down_the_citizen_pages_answer_and_one_warning_is_logged(
    client, catalogue, desk, settings, caplog
):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    cache_down(settings)
    with caplog.at_level(logging.INFO, logger="core.outages"):
        for url in (
            "/",
            "/thu-tuc/",
            "/thu-tuc/?truc_tuyen=on",
            "/thu-tuc/1.001193/",
            "/thu-tuc/1.001193/nop-ho-so/",
            f"/tra-cuu/?ma={dossier.code}",
            "/thong-ke/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
        assert dossier.code in client.get(f"/tra-cuu/?ma={dossier.code}").content.decode()
        # The wizard's start, and its first step.
        location = start(client, "1.001193")
        assert client.get(location).status_code == 200
        # The back-office's counts (dossiers.selectors, kept in the cache).
        client.force_login(desk["receiving"])
        assert client.get("/quan-tri/").status_code == 200
        assert client.get("/quan-tri/dossiers/dossier/").status_code == 200
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "unreachable" in warnings[0].getMessage()


def test_a_submission_whose_after_commit_work_fails_still_shows_its_code(
    client, catalogue, django_capture_on_commit_callbacks, caplog
):
    """Whatever an after-commit callback meets (here the back-office counts' cache raising),
    the citizen gets the success page, at once and again by its URL."""
    review = fill_until_review(client, catalogue)
    answer = captcha_answer(client.get(review).content.decode())
    broken = mock.patch(
        "dossiers.selectors.dossiers_changed", side_effect=ConnectionError("Redis is gone")
    )
    with broken, django_capture_on_commit_callbacks(execute=True):
        response = client.post(review, answer)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    assert any("on_commit" in record.getMessage() for record in caplog.records)
    # The session remembered the code; and a session that knows only the draft finds it too
    # (a request that failed after the commit never got to remember the code).
    session = client.session
    session["dossiers"] = []
    session.save()
    page = client.get(dossier.get_absolute_url())
    assert page.status_code == 200 and dossier.code in page.content.decode()
    assert dossier.code in client.session["dossiers"]
    assert Client().get(dossier.get_absolute_url()).status_code == 404  # another session


def test_a_replayed_final_post_shows_the_code_again(client, catalogue):
    review = fill_until_review(client, catalogue)
    answer = captcha_answer(client.get(review).content.decode())
    first = client.post(review, answer)
    second = client.post(review, answer)  # the same captcha, spent by the first
    assert second.status_code == 302 and second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert Dossier.objects.get().code in page and "Mã xác nhận không đúng" not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_shows_the_code_on_both_answers(catalogue):
    """Two POSTs of the same captcha at once (a double click): both wait for the draft, one
    submits, the other is given the dossier; neither says the captcha was wrong.

    The draft's row is held locked here until both requests wait on it, so the interleaving is
    the same on every run: before the fix, the second request spent no captcha, found the draft
    not yet submitted and answered "Mã xác nhận không đúng" without waiting."""
    first = Client()
    review = fill_until_review(first, catalogue)
    answer = captcha_answer(first.get(review).content.decode())
    second = Client()
    second.cookies = first.cookies
    token = review.split("/")[2]
    responses = {}

    def post(name, client):
        try:
            responses[name] = client.post(review, answer)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=item) for item in (("a", first), ("b", second))]
    with transaction.atomic():
        Draft.objects.select_for_update().get(token=token)
        for thread in threads:
            thread.start()

        def waiting() -> bool:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                return cursor.fetchone()[0] >= 2

        with contextlib.suppress(TimeoutError):  # the assertions below say what went wrong
            wait_until(waiting, timeout=10, what="both requests waiting for the draft")
    for thread in threads:
        thread.join(timeout=30)
    dossier = Dossier.objects.get()
    for name, response in responses.items():
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        assert response["Location"] == dossier.get_absolute_url()
    assert len(responses) == 2
    page = second.get(dossier.get_absolute_url()).content.decode()
    assert dossier.code in page and "Mã xác nhận không đúng" not in page


# --- /readyz --------------------------------------------------------------------------------


@contextlib.contextmanager
def database_unreachable():
    """Every query of this thread meets a database that does not answer: Django's own backend
    connecting to a closed port (PostgreSQL) or opening a file that cannot be (SQLite)."""
    default = connections["default"]
    settings_dict = {**default.settings_dict}
    if default.vendor == "postgresql":
        settings_dict.update(HOST=LOOPBACK, PORT=free_port())
    else:
        settings_dict["NAME"] = "/nonexistent/portal.sqlite3"
    unreachable = type(default)(settings_dict, alias="unreachable")
    try:
        with mock.patch.object(default, "ensure_connection", unreachable.ensure_connection):
            yield
    finally:
        unreachable.close()


def test_readyz_answers_200_with_the_database_and_503_without(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    with database_unreachable():
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "down"}
        assert client.get("/healthz").status_code == 200  # liveness: no I/O


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_readyz_answers_503_while_redis_is_down(client, settings, tmp_path):
    with RedisServer(log_path=tmp_path / "redis.log") as server:
        settings.REDIS_URL = server.url
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
        server.stop()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "ok", "redis": "down"}


def test_the_health_checks_are_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    client = Client()  # builds its middleware with the redirect on
    assert client.get("/thu-tuc/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


# --- The database down ----------------------------------------------------------------------


def test_a_database_outage_says_nothing_was_lost_and_the_draft_is_intact(client, catalogue):
    location = start(client, "1.001193")
    declaration = client.post(location, {"co_quan": "000.01.00.H26"})["Location"]
    assert client.post(declaration, {**KHAI_SINH, "tiep_tuc": "1"}).status_code == 302
    client.raise_request_exception = False
    with database_unreachable():
        for response in (
            client.get(declaration),
            client.post(step_url(declaration, "lien-he"), {"ho_ten": "Nguyễn Văn An"}),
            client.get("/thu-tuc/"),
        ):
            assert response.status_code == 503
            body = response.content.decode()
            assert "không bị mất" in body and "thử lại sau khoảng một phút" in body
            assert "Hệ thống đang gặp sự cố" not in body  # not the generic 500 page
            assert response["Retry-After"] == "60"
            assert "no-store" in response["Cache-Control"]
    page = client.get(declaration)
    assert page.status_code == 200 and KHAI_SINH["ho_ten"] in page.content.decode()


def test_another_failure_is_still_the_500_page(client, catalogue):
    client.raise_request_exception = False
    with mock.patch("procedures.views.selectors.procedure_detail", side_effect=RuntimeError):
        response = client.get("/thu-tuc/1.001193/")
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()
