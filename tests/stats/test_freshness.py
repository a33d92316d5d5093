"""A status change shows on the statistics page within the refresh period, cache or not."""

import datetime

import pytest
from django.core.cache import caches

from dossiers.constants import DossierStatus as S
from dossiers.constants import EventAction as A
from stats import services
from stats.models import MonthlyRefresh
from tests.stats.conftest import DECEMBER, HCM, NOVEMBER, NOW, step

pytestmark = pytest.mark.django_db
LONG_BIEN_DECEMBER = {
    "tinh": "000.00.00.H26",
    "co_quan": "000.01.00.H26",
    "nam": "2026",
    "thang": "12",
}


def page(client) -> str:
    return client.get("/thong-ke/", LONG_BIEN_DECEMBER).content.decode()


def minutes(n: float) -> datetime.datetime:
    return NOW + datetime.timedelta(minutes=n)


def test_a_status_change_shows_after_the_refresh_period_and_not_before(
    client, history, clock, settings, django_assert_num_queries
):
    settings.CATALOGUE_CACHE_SECONDS = 3600  # longer than the figures stay current
    body = page(client)  # nothing computed yet: the page computes November and December
    assert "Số liệu tính lúc 09:00 10/12/2026, cập nhật mỗi 15 phút." in body
    assert 'id="stat-resolved">0<' in body and 'id="pending-late">1<' in body  # A5

    clock.move_to(minutes(5))
    step(history["A5"], A.RESOLVE, minutes(5), to_status=S.RESOLVED, resolved_at=minutes(5))
    clock.move_to(minutes(14.99))
    with django_assert_num_queries(0):  # the cached page: the figures are still current
        assert page(client) == body

    clock.move_to(minutes(15))
    body = page(client)
    assert "Số liệu tính lúc 09:15 10/12/2026" in body
    assert 'id="stat-resolved">1<' in body and 'id="pending-late">0<' in body
    assert set(MonthlyRefresh.objects.values_list("month", "computed_at")) == {
        (NOVEMBER, NOW),  # computed after its end: final, not recomputed
        (DECEMBER, minutes(15)),
    }


def test_the_beat_refresh_shows_at_once(
    client, computed, clock, django_capture_on_commit_callbacks
):
    """The beat task's refresh drops the freshness: the next request keys its page anew."""
    assert 'id="stat-resolved">0<' in page(client)
    clock.move_to(minutes(1))
    step(computed["A5"], A.RESOLVE, minutes(1), to_status=S.RESOLVED, resolved_at=minutes(1))
    with django_capture_on_commit_callbacks(execute=True):
        services.stats_refresh_recent()
    assert 'id="stat-resolved">1<' in page(client)


def test_last_month_is_recomputed_once_after_its_end(history, clock):
    before_end = datetime.datetime(2026, 11, 30, 23, 50, tzinfo=HCM)
    services.stats_refresh_month(month=NOVEMBER, now=before_end)
    clock.move_to(datetime.datetime(2026, 12, 1, 0, 10, tzinfo=HCM))
    services.stats_refresh_if_stale()
    november = MonthlyRefresh.objects.get(month=NOVEMBER)
    assert november.computed_at == datetime.datetime(2026, 12, 1, 0, 10, tzinfo=HCM)
    clock.move_to(datetime.datetime(2026, 12, 1, 0, 30, tzinfo=HCM))
    services.stats_refresh_if_stale()
    assert MonthlyRefresh.objects.get(month=NOVEMBER).computed_at == november.computed_at
    assert MonthlyRefresh.objects.get(month=DECEMBER).computed_at == datetime.datetime(
        2026, 12, 1, 0, 30, tzinfo=HCM
    )


def test_while_another_request_recomputes_the_page_shows_the_figures_uncached(
    client, computed, clock
):
    clock.move_to(minutes(20))
    caches["default"].add(services.LOCK_KEY, 1, 60)
    assert services.stats_refresh_if_stale() is None
    assert "Số liệu tính lúc 09:00 10/12/2026" in page(client)
    assert MonthlyRefresh.objects.get(month=DECEMBER).computed_at == NOW
    caches["default"].delete(services.LOCK_KEY)
    assert "Số liệu tính lúc 09:20 10/12/2026" in page(client)


def test_with_a_worker_the_page_queues_the_recompute_and_never_waits_for_it(
    client, computed, clock, monkeypatch
):
    """At a million dossiers a recompute takes seconds (docs/benchmarks.md): a visitor who finds
    the figures stale gets those in force while a worker computes the new ones."""
    from stats import tasks

    queued = []
    monkeypatch.setattr(tasks.stats_refresh_stale, "delay", queued.append)
    clock.move_to(minutes(20))
    assert "Số liệu tính lúc 09:00 10/12/2026" in page(client)
    assert queued == [["2026-12-01"]]
    assert MonthlyRefresh.objects.get(month=DECEMBER).computed_at == NOW  # not computed here
    page(client)
    assert len(queued) == 1  # one recompute at a time (the lock the task releases)
    tasks.stats_refresh_stale(queued[0])
    assert "Số liệu tính lúc 09:20 10/12/2026" in page(client)


def test_with_the_broker_down_the_page_still_answers(client, computed, clock, monkeypatch):
    from stats import tasks

    def down(months):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.stats_refresh_stale, "delay", down)
    clock.move_to(minutes(20))
    response = client.get("/thong-ke/", LONG_BIEN_DECEMBER)
    assert response.status_code == 200
    assert "Số liệu tính lúc 09:00 10/12/2026" in response.content.decode()
    assert caches["default"].get(services.LOCK_KEY) is None  # the next visit tries again
