"""The figures, checked against those computed by hand on the history in conftest.py."""

import dataclasses
import datetime
from collections import Counter

import pytest

from dossiers import timeliness
from dossiers.models import Dossier
from stats import counting, selectors, services
from stats.constants import FLOWS, STOCKS
from stats.forms import StatsForm
from stats.models import MonthlyFigure, MonthlyRefresh
from tests.dossiers.factories import DossierFactory
from tests.stats.conftest import DECEMBER, HCM, NOVEMBER, NOW, at

pytestmark = pytest.mark.django_db


def figures(agency, year=2026, month=None):
    return selectors.figures_for(agency=agency, year=year, month=month)["figures"]


def values(f, *names):
    return tuple(getattr(f, name) for name in names)


RESOLVED = ("resolved_early", "resolved_on_time", "resolved_late")
# In a savepoint (2): get and lock the month's row (2), count the flows (5) and the stocks (1),
# replace the agencies' figures (2), count and replace the procedures' (3).
REFRESH_QUERIES = 15
STOCK = ("pending_on_time", "pending_overdue", "pending_paused", "not_accepted")


def test_flows_and_stocks_are_all_the_counters():
    assert set(FLOWS).isdisjoint(STOCKS)
    assert {field.name for field in dataclasses.fields(selectors.Figures)} == {*FLOWS, *STOCKS}


def test_a_ward_in_a_past_month(catalogue, computed):
    f = figures(catalogue["long_bien"], month=11)
    # Accepted: A1–A5, A8, A9 (A6 in December, A7 refused); all online but the walk-in A2.
    assert (f.received, f.received_online, f.refused) == (7, 6, 1)
    # A1 early; A2 on time; A3 late by its apology, A4 ten minutes after the due time.
    assert values(f, *RESOLVED) == (1, 1, 2)
    assert f.on_time_rate == pytest.approx(2 / 4)
    assert (f.resolved_e_result, f.returned, f.returned_online) == (3, 3, 1)
    assert (f.ratings, f.ratings_satisfied) == (2, 1)
    # At 30/11 24:00: A5 overdue; A8 (supplement) and A9 (fee) paused, though past their due
    # dates; A6 submitted and not yet accepted.
    assert values(f, *STOCK) == (0, 1, 2, 1)
    assert f.pending == 3


def test_a_past_month_end_is_judged_from_the_history(catalogue, computed):
    f = figures(catalogue["ha_dong"], month=11)
    assert (f.received, f.received_online, f.refused, f.resolved) == (3, 2, 0, 0)
    # B1 within time then; B2 resolved only on 01/12, so in progress within time; B4's fee
    # does not stop its clock: overdue; B5 asked for a supplement at intake: not accepted; the
    # withdrawn B3 is nowhere.
    assert values(f, *STOCK) == (2, 1, 0, 1)


def test_the_current_month_is_judged_now(catalogue, computed):
    lb = figures(catalogue["long_bien"], month=12)
    assert (lb.received, lb.resolved, lb.ratings_satisfied) == (1, 0, 1)
    # A6 and A8 (supplement given, due moved to 20/12) within time, A5 overdue, A9 paused.
    assert values(lb, *STOCK) == (2, 1, 1, 0)
    hd = figures(catalogue["ha_dong"], month=12)
    assert values(hd, *RESOLVED, "resolved_e_result") == (1, 0, 0, 1)  # B2
    # B1 (due 03/12) and B4 overdue now; B5 still not accepted.
    assert values(hd, *STOCK) == (0, 2, 0, 1)


def test_a_month_end_before_the_result(catalogue, computed):
    f = figures(catalogue["hatinh"], month=10)
    assert (f.received, f.received_online, f.resolved) == (1, 1, 0)
    assert values(f, *STOCK) == (1, 0, 0, 0)  # C1, resolved on 03/11


def test_the_province_adds_up_its_wards_and_the_766_indicators(catalogue, computed):
    f = figures(catalogue["hanoi"], month=11)
    assert (f.received, f.received_online, f.refused) == (10, 8, 1)
    assert values(f, *RESOLVED) == (1, 1, 2)
    assert values(f, *STOCK) == (2, 2, 2, 2)
    rows = {row["key"]: row for row in f.indicators()}
    assert {key: (row["part"], row["whole"], row["percent"]) for key, row in rows.items()} == {
        "online_share": (8, 10, 80.0),
        "on_time_rate": (2, 4, 50.0),
        "satisfaction_rate": (1, 2, 50.0),
        "e_result_rate": (3, 4, 75.0),
        "online_return_rate": (1, 3, 33.3),
        "online_payment": (None, None, None),
    }
    assert str(rows["online_payment"]["unavailable"]) == (
        "chưa có (thanh toán trực tuyến chưa triển khai)"
    )
    portal = figures(None, month=11)
    assert values(portal, *RESOLVED) == (1, 2, 2)  # and C1 at Bắc Hồng Lĩnh
    assert portal.on_time_rate == pytest.approx(3 / 5)
    assert (portal.e_result_rate, portal.online_return_rate) == (4 / 5, 2 / 4)
    assert portal.satisfaction_rate == pytest.approx(2 / 3)


def test_a_year_sums_its_flows_and_takes_its_stocks_at_its_end(catalogue, computed):
    f = figures(catalogue["hanoi"])
    assert (f.received, f.received_online, f.refused) == (11, 9, 1)
    assert values(f, *RESOLVED) == (2, 1, 2)
    assert (f.resolved_e_result, f.returned, f.returned_online) == (4, 3, 1)
    assert (f.ratings, f.ratings_satisfied) == (3, 2)
    # December's, not November's and December's added up (4, 5, 3, 3).
    assert values(f, *STOCK) == (2, 3, 1, 1)
    portal = figures(None)
    assert (portal.received, portal.resolved, portal.on_time_rate) == (12, 6, 4 / 6)
    assert (portal.ratings, portal.satisfaction_rate) == (4, 3 / 4)
    assert values(portal, *STOCK) == (2, 3, 1, 1)


def test_a_year_takes_its_last_month_with_figures(catalogue, computed):
    MonthlyFigure.objects.filter(month=DECEMBER).delete()
    MonthlyRefresh.objects.filter(month=DECEMBER).delete()
    data = selectors.figures_for(agency=catalogue["hanoi"], year=2026)
    assert values(data["figures"], *STOCK) == (2, 2, 2, 2)  # November's
    assert data["stock_final"] and data["stock_at"] == datetime.datetime(2026, 12, 1, tzinfo=HCM)


def test_no_figures_are_not_zeros(catalogue, computed):
    data = selectors.figures_for(agency=None, year=2025)
    assert data["computed_at"] is None and data["stock_at"] is None


def test_a_month_computed_with_nothing_to_count_has_figures(catalogue, clock):
    services.stats_refresh_month(month=NOVEMBER, now=NOW)
    data = selectors.figures_for(agency=None, year=2026, month=11)
    assert data["computed_at"] == NOW and data["figures"] == selectors.Figures()


def test_the_history_at_now_agrees_with_the_queues_and_the_lookup(computed):
    """Judged from the history at this moment, or from the dossiers' fields as the queues and the
    lookup judge them (timeliness.judge, one dossier at a time), the stocks are the same."""
    from_history, from_fields = counting.Tally(), counting.Tally()
    counting.count_stocks_at(from_history, NOW)
    counting.count_stocks_now(from_fields, NOW)
    assert from_history.by_agency == from_fields.by_agency
    judged = Counter(
        timeliness.judge(dossier, now=NOW) for dossier in Dossier.objects.exclude(received_at=None)
    )
    assert judged == {
        timeliness.EARLY: 2,  # A1, B2
        timeliness.ON_TIME: 2,  # A2, C1
        timeliness.LATE: 2,  # A3, A4
        timeliness.IN_TIME: 2,  # A6, A8
        timeliness.OVERDUE: 3,  # A5, B1, B4
        timeliness.PAUSED: 1,  # A9
    }
    stocks = Counter()
    for counters in from_fields.by_agency.values():
        stocks.update(counters)
    assert (stocks["pending_on_time"], stocks["pending_overdue"], stocks["pending_paused"]) == (
        judged[timeliness.IN_TIME] + judged[timeliness.DUE_SOON],
        judged[timeliness.OVERDUE],
        judged[timeliness.PAUSED],
    )


def test_refresh_is_idempotent(computed):
    before = figures(None)
    services.stats_refresh_month(month=NOVEMBER, now=NOW)
    assert figures(None) == before


def test_refresh_takes_the_same_queries_whatever_the_data(
    catalogue, clock, django_assert_num_queries
):
    for month in (NOVEMBER, DECEMBER):
        services.stats_refresh_month(month=month, now=NOW)
    DossierFactory.create_batch(
        3, processing=True, receiving_agency=catalogue["long_bien"], submitted_at=NOW
    )
    DossierFactory.create_batch(
        2, returned=True, receiving_agency=catalogue["ha_dong"], submitted_at=at(2)
    )
    for month in (NOVEMBER, DECEMBER):  # the month's end from the history, and now
        with django_assert_num_queries(REFRESH_QUERIES):
            services.stats_refresh_month(month=month, now=NOW)


def test_a_legacy_agency_counts_in_its_province_but_is_not_a_filter(
    catalogue, legacy_agency, clock
):
    june = datetime.datetime(2025, 6, 2, 9, tzinfo=HCM)
    # Received by the district before the 2025 reform, resolved on time.
    DossierFactory(
        returned=True,
        receiving_agency=legacy_agency,
        procedure=catalogue["khai_sinh"],
        submitted_at=june,
        due_at=june.replace(hour=17),
    )
    services.stats_refresh_month(month=datetime.date(2025, 6, 1), now=NOW)
    f = figures(catalogue["hatinh"], year=2025, month=6)
    assert (f.received, f.resolved_on_time) == (1, 1)

    form = StatsForm({"tinh": "000.00.00.H30", "co_quan": legacy_agency.code, "nam": "2025"})
    assert legacy_agency not in form.fields["co_quan"].queryset
    assert list(form.errors) == ["co_quan"]


def test_stocks_say_when_they_were_taken(computed):
    october = selectors.figures_for(agency=None, year=2026, month=10)
    assert october["stock_final"] and october["stock_at"] == at(1, 0)
    december = selectors.figures_for(agency=None, year=2026, month=12)
    assert not december["stock_final"] and december["stock_at"] == NOW
