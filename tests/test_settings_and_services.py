"""The settings module, the deployment checklist, and the real services CI provides."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app

# What a deployment must set with DEBUG off (portal/settings.py refuses to start without it).
DEPLOYED = {"SECRET_KEY": "k3y-" + "x9Q!vZ2#" * 8, "ALLOWED_HOSTS": "dichvucong.example.gov.vn"}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"DEBUG": "0", **DEPLOYED, "SITE_URL": "https://dichvucong.example.gov.vn"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY, ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "dichvucong.example.gov.vn"}, "SECRET_KEY"),
        ({"SECRET_KEY": DEPLOYED["SECRET_KEY"]}, "ALLOWED_HOSTS"),
        ({**DEPLOYED, "SECRET_KEY": ""}, "SECRET_KEY"),
    ],
)
def test_the_portal_refuses_to_start_without_a_key_or_hosts_when_debug_is_off(env, missing):
    result = run_manage("check", env={"DEBUG": "0", **env})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        "django.core.exceptions.ImproperlyConfigured: "
        f"DEBUG=0 mà thiếu {missing}: đặt trong biến môi trường hoặc tệp .env."
    )


def test_the_wsgi_application_refuses_too():
    # gunicorn imports portal.wsgi: no system check runs there, the settings' import refuses.
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "DEBUG": "0", "ALLOWED_HOSTS": "x.gov.vn"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DEBUG=0 mà thiếu SECRET_KEY" in result.stderr


def test_debug_runs_on_the_development_defaults():
    result = run_manage("check", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_flags_the_development_defaults():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env={"DEBUG": "1"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr + result.stdout


def test_environment_switches_database_and_broker():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER,"
        " s.EMAIL_BACKEND)"
    )
    embedded = run_manage("shell", "-v", "0", "-c", code, env=DEPLOYED)
    assert embedded.stdout.split() == [
        "django.db.backends.sqlite3",
        "memory://",
        "True",
        "django.core.mail.backends.filebased.EmailBackend",
    ]
    real = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env={
            **DEPLOYED,
            "DATABASE_URL": "postgres://u@db:5432/portal",
            "REDIS_URL": "redis://redis:6379/0",
            "EMAIL_HOST": "mailpit",
        },
    )
    assert real.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://redis:6379/0",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_defaults_are_vietnamese():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.redis
def test_cache_and_broker_use_redis():
    from django.core.cache import cache

    cache.set("ci-probe", "đã kết nối", 10)
    assert cache.get("ci-probe") == "đã kết nối"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.transport_cls == "redis"


@pytest.mark.parametrize("hook", ["gunicorn", "celery"])
def test_workers_render_a_receipt_and_freeze_the_heap_before_their_work(hook):
    import gc
    import runpy

    from portal import celery

    assert gc.get_freeze_count() == 0
    try:
        if hook == "gunicorn":  # docker-compose's web: gunicorn -c portal/gunicorn.conf.py
            config = runpy.run_path(str(settings.BASE_DIR / "portal" / "gunicorn.conf.py"))
            config["post_worker_init"](None)  # no database access: pytest-django would refuse it
        else:
            # A pool process starts at once (Celery kills one not up within 4 s), and prepares
            # itself before its first task, then never again.
            celery.prepare_worker_process()
            assert gc.get_freeze_count() == 0
            celery.prepare_before_first_task()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000
        if hook == "celery":
            gc.unfreeze()
            celery.prepare_before_first_task()
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        celery._unprepared = False  # no later eager task of this session prepares the process


@pytest.mark.parametrize("hook", ["gunicorn", "celery"])
def test_worker_warm_up_is_optional(hook, settings):
    import gc
    import runpy

    from portal import celery

    settings.WORKER_WARM_UP = False
    if hook == "gunicorn":
        runpy.run_path(str(settings.BASE_DIR / "portal" / "gunicorn.conf.py"))["post_worker_init"](
            None
        )
    else:
        celery.prepare_worker_process()
        celery.prepare_before_first_task()
        assert not celery._unprepared
    assert gc.get_freeze_count() == 0


def test_collectstatic_works_with_the_production_storage(tmp_path):
    result = run_manage(
        "collectstatic",
        "--noinput",
        "-v",
        "0",
        env={**DEPLOYED, "STATIC_ROOT": str(tmp_path / "static")},
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "css/portal.css" in manifest and "vendor/bootstrap-5.3.9/bootstrap.min.css" in manifest


def test_docker_compose_keeps_the_secure_defaults():
    text = (settings.BASE_DIR / "docker-compose.yml").read_text()
    for name in ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]:
        assert f"{name}: ${{{name}:-1}}" in text
    assert "OTP_REQUIRED: ${OTP_REQUIRED:-1}" in text
    assert "SECURE_PROXY_SSL_HEADER: ${SECURE_PROXY_SSL_HEADER:-HTTP_X_FORWARDED_PROTO}" in text
    # One proxy, nginx, in front of the web nodes and the only way in (issue 17): it overwrites
    # X-Forwarded-Proto and appends the client's address to X-Forwarded-For.
    assert "TRUSTED_PROXY_COUNT: ${TRUSTED_PROXY_COUNT:-1}" in text
    assert text.count('- "8000:8000"') == 1 and "./deploy/nginx.conf:" in text
    proxy = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy


@pytest.mark.django_db
def test_the_https_redirect_spares_only_the_health_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    response = client.get("/thu-tuc/")
    assert response.status_code == 301 and response.url.startswith("https://")
    assert client.get("/thu-tuc/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
