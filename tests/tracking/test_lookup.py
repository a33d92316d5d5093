"""The public lookup: progress without personal data; details after the second factor."""

import logging

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dossiers import services
from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier
from dossiers.uploads import inspect
from tests.dossiers.factories import submitted
from tests.dossiers.helpers import PDF_BYTES, captcha_answer
from tracking.models import Rating

pytestmark = pytest.mark.django_db
PHONE = "0912345678"


@pytest.fixture
def dossier(catalogue, desk):
    dossier = submitted(catalogue["khai_sinh"], catalogue["long_bien"])
    services.dossier_accept(dossier_id=dossier.pk, actor=desk["receiving"])
    services.dossier_forward(
        dossier_id=dossier.pk,
        actor=desk["receiving"],
        department=desk["justice"],
        assignee=desk["specialist"],
    )
    return Dossier.objects.get(pk=dossier.pk)


def verify(client, code, phone=PHONE):
    return client.post("/tra-cuu/xac-thuc/", {"ma": code, "dien_thoai": phone})


def test_progress_by_code_shows_where_it_is_and_no_personal_data(client, dossier, desk):
    body = client.get("/tra-cuu/", {"ma": dossier.code.lower()}).content.decode()
    assert "Đang xử lý" in body and "phòng chuyên môn thẩm định" in body
    assert "Phòng Tư pháp" in body  # which department holds it
    assert "Cán bộ, Chuyên viên" in body  # who handles it, with their title
    assert "Chuyển xử lý" in body and "Tiếp nhận" in body  # the history
    for private in [
        "Nguyễn Văn An",
        PHONE,
        "an.nguyen@example.vn",
        "ngõ 12 phố Ngọc Lâm",
        "giay-to.pdf",
    ]:
        assert private not in body, private


def test_unknown_code_says_not_found(client, db):
    response = client.get("/tra-cuu/", {"ma": "000.01.00.H26-260101-9999"})
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ" in response.content.decode()


def test_progress_is_served_from_the_cache_until_the_dossier_changes(
    client, dossier, desk, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = client.get("/tra-cuu/", {"ma": dossier.code})
    assert not first.cookies  # nothing of this visitor's in the page: no CSRF token either
    # Only the address's count: in Redis, else one UPDATE of its row (core.ratelimits).
    with django_assert_num_queries(0 if settings.REDIS_URL else 1):
        again = client.get("/tra-cuu/", {"ma": f" {dossier.code.lower()} "})
    assert again.content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_request_supplement(
            dossier_id=dossier.pk,
            actor=desk["specialist"],
            documents=["Bản sao giấy chứng sinh"],
            reason="Ảnh chụp không rõ",
        )
    changed = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
    assert "Yêu cầu bổ sung giấy tờ" in changed  # the status badge, no longer "Đang xử lý"


@pytest.mark.redis
def test_a_repeat_lookup_is_one_round_trip_to_redis(client, dossier, monkeypatch):
    """The count against the address's limit and the cached page come back together."""
    import redis

    client.get("/tra-cuu/", {"ma": dossier.code})
    commands = []
    execute = redis.Redis.execute_command

    def spy(self, *args, **options):
        commands.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", spy)
    assert client.get("/tra-cuu/", {"ma": dossier.code}).status_code == 200
    assert commands == ["EVALSHA"]


def test_the_second_factor_has_its_own_page(client, dossier):
    body = client.get("/tra-cuu/", {"ma": dossier.code}).content.decode()
    assert f'href="/tra-cuu/xac-thuc/?ma={dossier.code}"' in body
    assert "csrfmiddlewaretoken" not in body
    form = client.get("/tra-cuu/xac-thuc/", {"ma": dossier.code})
    assert form.status_code == 200
    content = form.content.decode()
    assert "csrfmiddlewaretoken" in content and 'name="dien_thoai"' in content
    assert f'value="{dossier.code}"' in content
    assert client.get("/tra-cuu/xac-thuc/").status_code == 302  # no code: back to the lookup


def test_second_factor_opens_the_details(client, dossier):
    response = verify(client, dossier.code, "+84 912 345 678")
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn An" in body and "Ngọc Lâm" in body and "giay-to.pdf" in body
    document = dossier.documents.first()
    download = client.get(f"/tra-cuu/{dossier.code}/tep/{document.pk}/")
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert client.get(f"/ho-so/{dossier.code}/xac-nhan-nop-ho-so.pdf").status_code == 200


def test_details_need_the_second_factor(client, dossier):
    document = dossier.documents.first()
    for url in [
        f"/tra-cuu/{dossier.code}/chi-tiet/",
        f"/tra-cuu/{dossier.code}/tep/{document.pk}/",
        f"/tra-cuu/{dossier.code}/rut-ho-so/",
        f"/ho-so/{dossier.code}/xac-nhan-nop-ho-so.pdf",
        f"/ho-so/{dossier.code}/giay-tiep-nhan.pdf",
    ]:
        assert client.get(url).status_code == 404, url


def test_unknown_code_and_wrong_phone_get_the_same_answer(client, dossier, caplog):
    caplog.set_level(logging.INFO, logger="portal.lookup")
    wrong_phone = verify(client, dossier.code, "0987654321")
    unknown = verify(Client(), "000.01.00.H26-260101-9999", PHONE)
    assert wrong_phone.status_code == unknown.status_code == 400
    message = "Mã hồ sơ hoặc số điện thoại không đúng."
    assert message in wrong_phone.content.decode() and message in unknown.content.decode()
    assert sum("verification failed" in r.getMessage() for r in caplog.records) == 2


def test_captcha_after_three_misses(client, dossier, settings):
    settings.LOOKUP_CAPTCHA_AFTER = 3
    for _ in range(2):
        assert "captcha_1" not in verify(client, dossier.code, "0987654321").content.decode()
    third = verify(client, dossier.code, "0987654321").content.decode()
    assert "captcha_1" in third
    # Now even the right number needs the captcha.
    response = verify(client, dossier.code)
    assert response.status_code == 400
    assert "Vui lòng nhập mã xác nhận." in response.content.decode()


def test_rate_limits_per_address_and_per_code(client, dossier, settings):
    settings.VERIFY_RATE_PER_CODE = "3/hour"
    settings.LOOKUP_CAPTCHA_AFTER = 100
    for _ in range(3):
        assert verify(Client(REMOTE_ADDR="10.0.0.9"), dossier.code, "0987654321").status_code == 400
    # A fourth try on the same dossier from the same address is refused, even the right number.
    assert verify(Client(REMOTE_ADDR="10.0.0.9"), dossier.code).status_code == 429
    # The owner, elsewhere, is not locked out by it.
    assert verify(Client(REMOTE_ADDR="10.0.0.7"), dossier.code).status_code == 302
    settings.LOOKUP_RATE_PER_IP = "2/minute"
    client.get("/tra-cuu/", {"ma": dossier.code})
    client.get("/tra-cuu/", {"ma": dossier.code})
    limited = client.get("/tra-cuu/", {"ma": dossier.code})
    assert limited.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần" in limited.content.decode()


def test_withdrawal_needs_confirmation(client, dossier):
    verify(client, dossier.code)
    response = client.post(f"/tra-cuu/{dossier.code}/rut-ho-so/", {"ly_do": "Nộp nhầm"})
    assert "Vui lòng đánh dấu để xác nhận rút hồ sơ." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == S.PROCESSING
    client.post(f"/tra-cuu/{dossier.code}/rut-ho-so/", {"ly_do": "Nộp nhầm", "xac_nhan": "on"})
    withdrawn = Dossier.objects.get(pk=dossier.pk)
    assert withdrawn.status == S.WITHDRAWN
    assert withdrawn.events.last().note == "Nộp nhầm"
    assert "Rút hồ sơ</a>" not in client.get(f"/tra-cuu/{dossier.code}/chi-tiet/").content.decode()


def finish(dossier, desk, *, issue=True):
    draft = inspect(SimpleUploadedFile("kq.pdf", PDF_BYTES), max_mb=10)
    services.dossier_propose(dossier_id=dossier.pk, actor=desk["specialist"], draft_file=draft)
    services.dossier_approve(dossier_id=dossier.pk, actor=desk["leader"])
    if issue:
        services.dossier_issue_result(
            dossier_id=dossier.pk,
            actor=desk["receiving"],
            number="15/QĐ-UBND",
            signed_on=timezone.localdate(),
        )
    services.dossier_return_result(dossier_id=dossier.pk, actor=desk["receiving"], via="online")


def test_rating_once_after_the_result(client, dossier, desk):
    verify(client, dossier.code)
    assert (
        "Đánh giá mức độ hài lòng"
        not in client.get(f"/tra-cuu/{dossier.code}/chi-tiet/").content.decode()
    )
    finish(dossier, desk)
    client.post(f"/tra-cuu/{dossier.code}/chi-tiet/", {"muc_do": "3", "y_kien": "Nhanh, gọn"})
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (3, "Nhanh, gọn")
    body = client.get(f"/tra-cuu/{dossier.code}/chi-tiet/").content.decode()
    assert "Cảm ơn bạn đã đánh giá: Rất hài lòng." in body


def test_rating_by_the_emailed_link(client, dossier, desk):
    from notifications.models import Message

    finish(dossier, desk)
    link = Message.objects.get(template="result_returned").context["feedback_url"]
    path = link.split("//", 1)[1].split("/", 1)[1]
    client.post(f"/{path}", {"muc_do": "1", "y_kien": "Phải chờ lâu"})
    client.post(f"/{path}", {"muc_do": "3"})
    assert list(Rating.objects.values_list("score", flat=True)) == [1]
    assert client.get("/danh-gia/gia-mao/").status_code == 404


def test_result_file_online_only_when_delivered_online(client, dossier, desk):
    finish(dossier, desk)
    verify(client, dossier.code)
    assert client.get(f"/tra-cuu/{dossier.code}/ket-qua/").status_code == 200


def test_an_online_result_is_downloadable_only_once_issued(client, dossier, desk):
    finish(dossier, desk, issue=False)
    verify(client, dossier.code)
    assert client.get(f"/tra-cuu/{dossier.code}/ket-qua/").status_code == 404
    assert (
        'id="result-link"' not in client.get(f"/tra-cuu/{dossier.code}/chi-tiet/").content.decode()
    )


def test_a_cached_progress_page_expires_at_the_due_time(dossier, settings):
    from datetime import timedelta

    from tracking.cache import fresh_for

    settings.LOOKUP_CACHE_SECONDS = 3600
    assert dossier.status == S.PROCESSING
    assert fresh_for(dossier, now=dossier.due_at - timedelta(minutes=10)) == 600
    assert fresh_for(dossier, now=dossier.due_at - timedelta(days=2)) == 3600
    assert fresh_for(dossier, now=dossier.due_at + timedelta(minutes=1)) == 3600  # overdue stays


def test_a_rate_the_limiter_cannot_read_fails_the_system_checks(settings):
    from tracking.apps import rates_check

    assert rates_check() == []
    settings.VERIFY_RATE_PER_CODE = "10/h"
    assert [error.id for error in rates_check()] == ["tracking.E001"]


def test_a_stranger_cannot_lock_the_owner_out(dossier, settings):
    """Ten wrong numbers for a code from one address: that address is refused, and the owner,
    from a new address, answers a captcha instead of a 429, and gets in."""
    settings.VERIFY_CAPTCHA_AFTER_PER_CODE = 5
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    answers = [verify(stranger, dossier.code, f"09{n:08d}").status_code for n in range(11)]
    assert answers[:10] == [400] * 10 and answers[10] == 429
    # After three misses the stranger met the captcha; guesses from more addresses add up on
    # the code: two more make five.
    for n, address in enumerate(["203.0.113.10", "203.0.113.11"]):
        assert verify(Client(REMOTE_ADDR=address), dossier.code, f"08{n:08d}").status_code == 400
    owner = Client(REMOTE_ADDR="198.51.100.20")
    page = owner.get("/tra-cuu/xac-thuc/", {"ma": dossier.code}).content.decode()
    assert 'name="captcha_1"' in page  # misses on the code bring a captcha, from anywhere
    missing = verify(owner, dossier.code)
    assert missing.status_code == 400 and 'name="captcha_1"' in missing.content.decode()
    answer = captcha_answer(page)
    response = owner.post("/tra-cuu/xac-thuc/", {"ma": dossier.code, "dien_thoai": PHONE, **answer})
    assert response.status_code == 302 and response["Location"].endswith("/chi-tiet/")


def test_the_client_address_behind_trusted_proxies(dossier, settings):
    """Behind one trusted proxy, each citizen has their own count; a forged header in front
    of the proxy's entry changes nothing, and without a trusted proxy the header is ignored."""
    settings.VERIFY_RATE_PER_IP = "2/hour"
    settings.LOOKUP_CAPTCHA_AFTER = 100
    settings.VERIFY_CAPTCHA_AFTER_PER_CODE = 100
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def attempt(forwarded):
        client = Client(HTTP_X_FORWARDED_FOR=forwarded, **proxy)
        return verify(client, dossier.code, "0987654321").status_code

    settings.TRUSTED_PROXY_COUNT = 1
    assert [attempt("198.51.100.1"), attempt("1.2.3.4, 198.51.100.1")] == [400, 400]
    assert attempt("5.6.7.8, 198.51.100.1") == 429  # the same citizen, whatever they forge
    assert attempt("198.51.100.2") == 400  # another citizen behind the same proxy
    settings.TRUSTED_PROXY_COUNT = 0
    assert attempt("198.51.100.3") == 400 and attempt("198.51.100.4") == 400
    assert attempt("198.51.100.5") == 429  # all of them are the proxy's address now
