"""core.sessions: the database's sessions read from a copy in Redis that never hides a newer save,
against a redis-server of the test's own (stopped and restarted with its data, as a Redis that
comes back from its dump does) and the intake wizard's real pages."""

import shutil
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from core.sessions import CACHE_SECONDS, SessionStore
from core.tasks import sessions_purge_expired
from tests.dossiers.helpers import start
from tests.notifications.helpers import RedisServer

pytestmark = pytest.mark.django_db

PROCEDURE = "1.001193"  # khai sinh, online


@pytest.fixture
def redis_server(tmp_path, settings):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    data = tmp_path / "redis-data"
    data.mkdir()
    with RedisServer(log_path=tmp_path / "redis.log", data_dir=data) as server:
        settings.CACHES = {
            **settings.CACHES,
            "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": server.url},
        }
        settings.SESSION_ENGINE = "core.sessions"
        caches["default"]._outage.retry_seconds = 0.0  # use Redis again as soon as it answers
        yield server


def copy_of(session_key: str):
    return caches["default"].get(SessionStore.cache_key_prefix + session_key)


def test_a_draft_started_while_redis_is_down_is_seen_once_it_returns_with_an_older_copy(
    catalogue, redis_server
):
    client = Client()
    first = start(client, PROCEDURE)
    old_key = client.cookies["sessionid"].value
    [first_token] = copy_of(old_key)["drafts"]
    assert first_token in first

    redis_server.persist()  # Redis goes down holding the copy that knows one draft
    redis_server.stop()
    second = start(client, PROCEDURE)
    assert client.get(second).status_code == 200
    redis_server.start()  # back, with its dump
    assert copy_of(old_key) == {"drafts": [first_token]}  # the old copy is there

    # The save Redis missed moved the session to a new key: the old copy is nobody's.
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.get(second).status_code == 200
    assert client.get(first).status_code == 200
    drafts = SessionStore(new_key).load()["drafts"]
    assert len(drafts) == 2 and drafts[0] == first_token and drafts[1] in second
    assert copy_of(new_key) == {"drafts": drafts}  # copied again on that read


def test_a_save_while_redis_answers_keeps_the_key_and_refreshes_the_copy(catalogue, redis_server):
    client = Client()
    start(client, PROCEDURE)
    key = client.cookies["sessionid"].value
    start(client, PROCEDURE)
    assert client.cookies["sessionid"].value == key
    assert len(copy_of(key)["drafts"]) == 2
    ttl = (
        caches["default"]
        ._cache.get_client()
        .ttl(caches["default"].make_key(SessionStore.cache_key_prefix + key))
    )
    assert CACHE_SECONDS - 5 <= ttl <= CACHE_SECONDS


def test_a_signed_in_session_is_never_copied(redis_server, django_user_model):
    user = django_user_model.objects.create_user("can.bo", password="x" * 12)
    client = Client()
    client.force_login(user)
    key = client.cookies["sessionid"].value
    assert client.session[SESSION_KEY] == str(user.pk)
    assert copy_of(key) is None
    session = SessionStore(key)
    session.load()  # read from the database, not copied either
    assert copy_of(key) is None


@pytest.mark.django_db
def test_the_daily_purge_deletes_expired_sessions_only():
    now = timezone.now()
    Session.objects.create(
        session_key="a" * 32, session_data="", expire_date=now - timedelta(seconds=1)
    )
    Session.objects.create(
        session_key="b" * 32, session_data="", expire_date=now + timedelta(days=1)
    )
    sessions_purge_expired()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
