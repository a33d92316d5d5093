"""A ward's administrator manages its own officers only, and cannot grant more than roles."""

import pytest
from django.urls import reverse

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
