import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.CATALOGUE_CACHE_SECONDS = 300


def test_second_visit_is_served_from_the_cache(client, catalogue, django_assert_num_queries):
    url = catalogue["khai_sinh"].get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content


def test_editing_the_catalogue_shows_at_once(client, catalogue):
    procedure = catalogue["khai_sinh"]
    client.get(procedure.get_absolute_url())
    procedure.name = "Đăng ký khai sinh (sửa đổi)"
    procedure.save()
    assert (
        "Đăng ký khai sinh (sửa đổi)" in client.get(procedure.get_absolute_url()).content.decode()
    )
    client.get("/")
    catalogue["ho_tich"].name = "Hộ tịch, quốc tịch"
    catalogue["ho_tich"].save()
    assert "Hộ tịch, quốc tịch" in client.get("/").content.decode()


def test_a_visitor_with_a_session_gets_a_fresh_page(client, catalogue, django_assert_num_queries):
    url = catalogue["khai_sinh"].get_absolute_url()
    client.get(url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    with django_assert_num_queries(7):  # the page is rendered afresh: its own seven queries
        client.get(url)


def test_each_query_string_is_its_own_page(client, catalogue):
    one = client.get("/thu-tuc/", {"q": "khai sinh"}).content.decode()
    other = client.get("/thu-tuc/", {"q": "chung thuc"}).content.decode()
    assert "Tìm thấy 1 thủ tục" in one and "Đăng ký khai sinh" in one
    assert "Chứng thực bản sao" in other and "Đăng ký khai sinh</a>" not in other
