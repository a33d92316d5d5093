"""Issue 16: the browser enforces the policy, and every browser test (tests/conftest.py's `page`
and `phone_page`) fails on a violation; this checks that the watch works and walks the admin
pages no other browser test opens."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_blocked_and_reported(page, catalogue, request):
    page.goto("/")
    with pytest.raises(Exception):  # noqa: B017 (Playwright's error when the script is refused)
        page.add_script_tag(content="window.injected = true;")
    assert page.evaluate("window.injected === undefined")
    violations = request.node.__dict__.pop("csp_violations", [])
    assert any("script-src" in text for text in violations), violations


def test_admin_pages_run_under_the_policy(page, catalogue, desk, live_server):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("quantri", password="QuanTri@2026")
    page.goto("/quan-tri/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", "QuanTri@2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/quan-tri/")
    for url in [
        "/quan-tri/",
        "/quan-tri/calendars/calendarday/",
        "/quan-tri/procedures/procedure/",
        f"/quan-tri/procedures/procedure/{catalogue['khai_sinh'].pk}/change/",
        "/quan-tri/procedures/agency/add/",
        "/quan-tri/notifications/message/",
        "/quan-tri/dossiers/dossier/",
        "/quan-tri/dossiers/dossier/so-theo-doi/",
        "/quan-tri/auth/user/add/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
