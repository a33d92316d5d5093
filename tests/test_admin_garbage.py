"""Property test: whatever reaches an admin list's parameters, never a 500 (issue 16)."""

import pytest
from django.contrib import admin
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from officers.constants import Role
from tests.dossiers.factories import make_officer
from tests.dossiers.test_garbage import PROPERTY

pytestmark = pytest.mark.django_db

PARAMETERS = [
    "created_at__year",
    "created_at__month",
    "created_at__day",
    "submitted_at__gte",
    "submitted_at__lt",
    "due_at__gte",
    "state__exact",
    "status__exact",
    "channel__exact",
    "tier__exact",
    "province__id__exact",
    "province__pk__exact",
    "is_active__exact",
    "level__exact",
    "field__id__exact",
    "receiving_agency__id__exact",
    "hang",
    "tinh",
    "nam",
    "q",
    "o",
    "p",
    "e",
    "all",
    "_to_field",
    "_popup",
]
VALUES = st.text(max_size=40) | st.sampled_from(
    ["", "0", "-1", "9" * 23, "2026", "13", "abc", "1.5", "\x00", "2999-02-30", "1e9", "id"]
)
GARBAGE = st.dictionaries(
    st.sampled_from(PARAMETERS) | st.text(min_size=1, max_size=15), VALUES, max_size=4
)
LISTS = [
    f"/quan-tri/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry
]


@pytest.fixture
def ward_admin(catalogue):
    return make_officer("quantri.lb", Role.ADMINISTRATOR, agencies=[catalogue["long_bien"]])


@PROPERTY
@given(parameters=GARBAGE)
def test_garbage_list_parameters_are_never_a_500(admin_user, ward_admin, parameters):
    for user in [admin_user, ward_admin]:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for url in LISTS:
            try:
                response = client.get(url, parameters)
            except ValueError:  # the test client refuses some characters before any request
                continue
            assert response.status_code < 500, (user.username, url, parameters)


@pytest.mark.parametrize("parameter", ["q", "tier__exact", "state__exact", "status__exact", "nam"])
def test_nul_in_a_list_parameter_is_not_a_500(admin_user, parameter):
    # Found on PostgreSQL, which refuses NUL in a query (a 500 before).
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    for url in LISTS:
        assert client.get(url, {parameter: "a\x00"}).status_code < 500, url


@pytest.mark.parametrize("year", ["0", "99999999999999999999999"])
def test_a_year_out_of_range_on_every_admin_list_is_not_a_500(admin_user, year):
    """Found by the property test above on the libraries' lists (django-otp's devices): every
    admin registered on the portal's site, its own or a library's, gets the safe parameters."""
    from django.contrib import admin
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.date_hierarchy:
            continue
        url = f"/quan-tri/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url, {f"{model_admin.date_hierarchy}__year": year})
        assert response.status_code in (200, 302, 400), (url, response.status_code)
