"""Officers' two-factor: required where OTP_REQUIRED, the enrolment page, backup codes, reset."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from officers.constants import Role
from tests.dossiers.factories import make_officer

pytestmark = pytest.mark.django_db

LOGIN = "/quan-tri/login/"
ENROL = "/quan-tri/xac-thuc-hai-lop/"
PASSWORD = "MatKhau@123"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED = True


@pytest.fixture
def officer(catalogue):
    return make_officer("motcua", Role.RECEIVING, agencies=[catalogue["long_bien"]])


@pytest.fixture
def enrolled(officer):
    """The officer with a confirmed app and two backup codes."""
    app = TOTPDevice.objects.create(user=officer, name="Ứng dụng xác thực", confirmed=True)
    backup = StaticDevice.objects.create(user=officer, name="Mã dự phòng", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd2345")
    StaticToken.objects.create(device=backup, token="efgh6723")
    return app


def token(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def log_in(client, otp_token="", username="motcua", password=PASSWORD):
    client.logout()
    return client.post(
        LOGIN,
        {"username": username, "password": password, "otp_token": otp_token, "next": "/quan-tri/"},
    )


def index(client):
    return client.get("/quan-tri/")


def test_an_officer_without_a_device_can_only_enrol(client, officer, required):
    response = log_in(client)
    assert response.status_code == 302
    response = index(client)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    response = client.get(response.url)
    assert response.status_code == 302 and response.url == ENROL
    for url in ["/quan-tri/dossiers/dossier/", "/quan-tri/auth/user/"]:
        assert client.get(url).status_code == 302


def test_enrolment_shows_a_qr_code_and_confirms_with_a_first_token(client, officer, required):
    log_in(client)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert 'id="otp-qr" src="data:image/png;base64,' in html
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/")
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', html).group(1)
    assert len(secret) == 32
    # Reloading shows the same key: the officer may have scanned it already.
    assert secret in client.get(ENROL).content.decode()

    wrong = client.post(ENROL, {"token": "000000" if token(device) != "000000" else "111111"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert index(client).status_code == 302

    done = client.post(ENROL, {"token": token(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert "Các mã chỉ hiển thị lần này" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(
        StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    ) == sorted(codes)
    # The session that enrolled is verified.
    assert index(client).status_code == 200


def test_the_admin_needs_the_token_of_an_enrolled_officer(client, enrolled, required):
    response = log_in(client)
    assert response.status_code == 200
    assert "Nhập mã xác thực 6 số từ ứng dụng, hoặc một mã dự phòng." in response.content.decode()
    assert index(client).status_code == 302

    start = timezone.now()
    with time_machine.travel(start, tick=False):  # the throttle below waits a second
        response = log_in(client, otp_token="123456" if token(enrolled) != "123456" else "654321")
        assert "Mã xác thực không đúng." in response.content.decode()
        assert index(client).status_code == 302
        # django-otp throttles the device after a miss: the right token must wait a little.
        response = log_in(client, otp_token=token(enrolled))
        assert "vui lòng chờ một lát rồi thử lại" in response.content.decode()

    with time_machine.travel(start + timedelta(seconds=60)):
        assert log_in(client, otp_token=token(enrolled)).status_code == 302
        assert index(client).status_code == 200


def test_a_backup_code_works_once(client, enrolled, required):
    assert log_in(client, otp_token="ABCD 2345").status_code == 302
    assert index(client).status_code == 200
    response = log_in(client, otp_token="abcd2345")
    assert "Mã xác thực không đúng." in response.content.decode()
    assert index(client).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        assert log_in(client, otp_token="efgh6723").status_code == 302
        assert index(client).status_code == 200


def test_a_password_session_is_not_verified(client, officer, required):
    client.force_login(officer)
    response = index(client)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_an_enrolled_officer_proves_the_token_before_enrolling_again(client, enrolled, required):
    client.force_login(enrolled.user)
    response = client.get(ENROL)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert not TOTPDevice.objects.filter(confirmed=False).exists()


def test_re_enrolment_replaces_the_old_devices(client, enrolled, required):
    log_in(client, otp_token=token(enrolled))
    client.get(ENROL)
    new = TOTPDevice.objects.get(confirmed=False)
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        response = client.post(ENROL, {"token": token(new)})
    assert response.status_code == 200
    assert list(TOTPDevice.objects.values_list("pk", flat=True)) == [new.pk]
    assert not StaticToken.objects.filter(token__in=["abcd2345", "efgh6723"]).exists()


def test_anonymous_visitors_are_sent_to_the_login(client, required):
    response = client.get(ENROL)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_without_otp_required_a_password_is_enough_but_an_enrolled_officer_gives_the_token(
    client, officer, catalogue
):
    # make run's demo: DEBUG on, OTP_REQUIRED off; enrolment optional.
    assert log_in(client).status_code == 302
    assert index(client).status_code == 200
    assert "Xác thực hai lớp chưa bắt buộc" in client.get(ENROL).content.decode()

    other = make_officer("lanhdao", Role.LEADER, agencies=[catalogue["long_bien"]])
    TOTPDevice.objects.create(user=other, name="Ứng dụng xác thực", confirmed=True)
    assert log_in(client, username="lanhdao").status_code == 200


def test_an_administrator_resets_a_lost_device(client, enrolled, required, capsys):
    call_command("otp_reset", "motcua")
    assert "Đã xóa 2 thiết bị xác thực của motcua." in capsys.readouterr().out
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    log_in(client)
    assert client.get(client.get(index(client).url).url).status_code == 200  # the enrolment


def test_the_superuser_manages_devices_in_the_admin(client, enrolled, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password="QuanTriHeThong@2026")
    client.force_login(admin)
    response = client.get("/quan-tri/otp_totp/totpdevice/")
    assert response.status_code == 200 and "motcua" in response.content.decode()


def test_the_enrolment_page_offers_to_sign_out(client, officer, required):
    log_in(client)
    assert 'id="otp-logout"' in client.get(ENROL).content.decode()
    response = client.post(ENROL + "dang-xuat/")
    assert response.status_code == 302 and response.url == LOGIN
    assert client.get(ENROL).status_code == 302
