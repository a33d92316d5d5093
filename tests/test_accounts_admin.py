"""A ward's administrator manages its own officers only, and cannot grant more than roles."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from officers.constants import Role
from tests.dossiers.factories import make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward_admin(desk, catalogue):
    return make_officer("quantri.lb", Role.ADMINISTRATOR, agencies=[catalogue["long_bien"]])


def test_sees_only_officers_of_their_ward(client, ward_admin, desk, admin_user):
    client.force_login(ward_admin)
    response = client.get(reverse("admin:auth_user_changelist"))
    names = {user.username for user in response.context["cl"].result_list}
    assert names == {"motcua", "chuyenvien", "lanhdao", "quantri.lb"}
    for other in [desk["other_ward"], admin_user]:
        change = reverse("admin:auth_user_change", args=[other.pk])
        assert client.get(change).status_code == 302  # not in their list: redirected away


def test_cannot_make_anyone_superuser(client, ward_admin, desk):
    client.force_login(ward_admin)
    page = client.get(reverse("admin:auth_user_change", args=[desk["receiving"].pk]))
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {
        "Cán bộ một cửa",
        "Chuyên viên",
        "Lãnh đạo",
        "Quản trị",
    }


LOGIN = "/quan-tri/login/"
CHANGELIST = "admin:auth_user_changelist"


def fail_logins(client, username, times, address="203.0.113.7"):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "sai"}, REMOTE_ADDR=address)


def run_action(client, action, users):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [user.pk for user in users]},
        follow=True,
    )


def test_unlocks_a_locked_out_officer_of_their_ward_not_another(client, ward_admin, desk):
    fail_logins(client, "motcua", 5)
    fail_logins(client, "motcua.hadong", 5)
    assert AccessAttempt.objects.filter(username="motcua").exists()

    client.force_login(ward_admin)
    listing = client.get(reverse(CHANGELIST))
    failures = {user.username: user.failed_logins for user in listing.context["cl"].result_list}
    assert failures["motcua"] == 5 and failures["lanhdao"] == 0
    assert "Đăng nhập sai" in listing.content.decode()

    # Another ward's officer is not among the rows the action runs on: nothing happens to them.
    response = run_action(client, "unlock", [desk["receiving"], desk["other_ward"]])
    assert "Đã mở khóa đăng nhập cho 1 tài khoản." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="motcua").exists()
    assert AccessAttempt.objects.get(username="motcua.hadong").failures_since_start == 5
    assert LogEntry.objects.get(object_id=str(desk["receiving"].pk)).get_change_message() == (
        "Mở khóa đăng nhập."
    )

    client.logout()
    response = client.post(
        LOGIN, {"username": "motcua", "password": "MatKhau@123"}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302  # signed in again
    response = client.post(
        LOGIN, {"username": "motcua.hadong", "password": "MatKhau@123"}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 429  # still locked out


def test_resets_the_two_factor_of_their_ward_not_another(client, ward_admin, desk):
    for user in [desk["receiving"], desk["other_ward"]]:
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        StaticDevice.objects.create(user=user, name="codes", confirmed=True)

    client.force_login(ward_admin)
    response = run_action(client, "otp_reset", [desk["receiving"], desk["other_ward"]])
    assert "Đã đặt lại xác thực hai lớp cho 1 tài khoản." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=desk["receiving"]).exists()
    assert not StaticDevice.objects.filter(user=desk["receiving"]).exists()
    assert TOTPDevice.objects.filter(user=desk["other_ward"]).count() == 1
    assert StaticDevice.objects.filter(user=desk["other_ward"]).count() == 1


def test_officers_without_the_account_permission_have_neither_action(client, desk):
    client.force_login(desk["leader"])
    assert client.get(reverse(CHANGELIST)).status_code == 403
    response = run_action(client, "unlock", [desk["receiving"]])
    assert response.status_code == 403
