"""Password rules: Django's validators with 12 characters at least; the demo accounts meet them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from officers.management.commands.load_demo import ADMIN

pytestmark = pytest.mark.django_db


def test_every_demo_account_meets_the_rules(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    users = get_user_model().objects.all()
    assert users.count() > 10
    for user in users:
        password = ADMIN["password"] if user.is_superuser else "DichVuCong@2026"
        assert user.check_password(password), user.username
        validate_password(password, user)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ngan@2026", "password_too_short"),  # 9 characters
        ("839201746352", "password_entirely_numeric"),
        ("password1234", "password_too_common"),
        ("nguyenvanan@1", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    user = get_user_model()(username="nguyenvanan", first_name="An", last_name="Nguyễn Văn")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert code in [error.code for error in refused.value.error_list]


def test_the_minimum_is_twelve(settings):
    with pytest.raises(ValidationError) as refused:
        validate_password("Abcdefgh#1x", get_user_model()(username="a"))  # 11
    assert "12" in refused.value.messages[0]
    validate_password("Abcdefgh#1xy", get_user_model()(username="a"))
