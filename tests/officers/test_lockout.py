"""django-axes on the admin's login: a username from one address, a username from anywhere."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from officers.constants import Role
from tests.dossiers.factories import make_officer

pytestmark = pytest.mark.django_db

LOGIN = "/quan-tri/login/"
PASSWORD = "MatKhau@123"


@pytest.fixture
def officers(catalogue):
    return {
        "motcua": make_officer("motcua", Role.RECEIVING, agencies=[catalogue["long_bien"]]),
        "lanhdao": make_officer("lanhdao", Role.LEADER, agencies=[catalogue["long_bien"]]),
    }


def log_in(client, username, password, address="203.0.113.7", **headers):
    client.logout()
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/quan-tri/"},
        REMOTE_ADDR=address,
        **headers,
    )


def assert_locked_out(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "Tạm khóa đăng nhập" in text
    assert "mật khẩu đã bị nhập sai quá nhiều lần" in text
    assert "Vui lòng thử lại sau 30 phút." in text


def assert_logged_in(response):
    assert response.status_code == 302, response.content.decode()[:500]
    assert response.url == "/quan-tri/"


def test_five_failures_lock_the_username_out_from_that_address(client, officers):
    for _ in range(4):
        assert log_in(client, "motcua", "sai-mat-khau").status_code == 200
    # The fifth failure locks out at once, and the right password is refused after it.
    assert_locked_out(log_in(client, "motcua", "sai-mat-khau"))
    assert_locked_out(log_in(client, "motcua", PASSWORD))
    assert not client.session.get("_auth_user_id")
    # Another officer at the same address, and the same officer elsewhere, still sign in.
    assert_logged_in(log_in(client, "lanhdao", PASSWORD))
    assert_logged_in(log_in(client, "motcua", PASSWORD, address="198.51.100.20"))


def test_guessing_spread_over_addresses_locks_the_username_out_everywhere(client, officers):
    for n in range(19):
        assert log_in(client, "motcua", "sai", address=f"192.0.2.{n + 1}").status_code == 200
    assert_locked_out(log_in(client, "motcua", "sai", address="192.0.2.100"))
    assert_locked_out(log_in(client, "motcua", PASSWORD, address="198.51.100.20"))
    assert_logged_in(log_in(client, "lanhdao", PASSWORD, address="192.0.2.1"))


def test_a_success_before_the_limit_clears_the_count(client, officers):
    for _ in range(4):
        log_in(client, "motcua", "sai")
    assert_logged_in(log_in(client, "motcua", PASSWORD))
    for _ in range(4):
        assert log_in(client, "motcua", "sai").status_code == 200


def test_an_administrator_unlocks_with_the_command(client, officers):
    for _ in range(5):
        log_in(client, "motcua", "sai")
    assert_locked_out(log_in(client, "motcua", PASSWORD))
    call_command("axes_reset_username", "motcua")
    assert_logged_in(log_in(client, "motcua", PASSWORD))


def test_an_administrator_unlocks_in_the_admin(client, officers, django_user_model):
    for _ in range(5):
        log_in(client, "motcua", "sai")
    admin = django_user_model.objects.create_superuser("quantri", password="QuanTriHeThong@2026")
    client.force_login(admin)
    attempts = client.get("/quan-tri/axes/accessattempt/")
    assert attempts.status_code == 200 and "motcua" in attempts.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = client.post(
        "/quan-tri/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert_logged_in(log_in(client, "motcua", PASSWORD))


def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, officers):
    # No trusted proxy (TRUSTED_PROXY_COUNT=0): the address is REMOTE_ADDR, whatever the header.
    for n in range(5):
        log_in(client, "motcua", "sai", HTTP_X_FORWARDED_FOR=f"10.9.8.{n}")
    assert_locked_out(log_in(client, "motcua", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.8.77"))


def test_behind_a_trusted_proxy_the_client_is_the_address_it_saw(client, officers, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "172.18.0.5"
    for _ in range(5):
        log_in(client, "motcua", "sai", address=proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert_locked_out(
        log_in(client, "motcua", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    )
    # Another citizen behind the same proxy is not locked out by the username + address rule.
    assert_logged_in(
        log_in(client, "motcua", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4")
    )
