"""Public statistics checked against figures computed by hand on a small fixture."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest

from dossiers.constants import DossierStatus as S
from dossiers.models import Dossier, DossierEvent
from stats import selectors, services
from stats.forms import StatsForm
from tracking.models import Rating

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=HCM)
numbers = itertools.count(1)


def at(day, hour=9, month=11):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=HCM)


def dossier(
    agency, procedure, *, status, submitted, received=None, due=None, resolved=None, channel=2
):
    return Dossier.objects.create(
        code=f"{agency.code}-2611{next(numbers):02d}-0001",
        procedure=procedure,
        receiving_agency=agency,
        status=status,
        channel=channel,
        applicant_name="A",
        applicant_phone="0912345678",
        applicant_address="x",
        submitted_at=submitted,
        received_at=received,
        due_at=due,
        resolved_at=resolved,
    )


@pytest.fixture
def november(catalogue):
    """Long Biên and Hà Đông (Hà Nội), Bắc Hồng Lĩnh (Hà Tĩnh); November 2026."""
    lb, hd, bhl = catalogue["long_bien"], catalogue["ha_dong"], catalogue["bac_hong_linh"]
    ks, ct = catalogue["khai_sinh"], catalogue["chung_thuc"]
    # Long Biên: 4 received (3 online); resolved early, on time, late; one in progress overdue.
    dossier(
        lb, ks, status=S.RETURNED, submitted=at(2), received=at(2), due=at(4, 17), resolved=at(3)
    )  # early: the day before the due day
    dossier(
        lb,
        ks,
        status=S.RESOLVED,
        submitted=at(5),
        received=at(5),
        due=at(5, 17),
        resolved=at(5, 16),
    )  # on time: the due day, before the due time
    dossier(
        lb,
        ct,
        status=S.RETURNED,
        submitted=at(9),
        received=at(9),
        due=at(10, 17),
        resolved=at(12),
        channel=1,
    )  # late
    dossier(lb, ct, status=S.PROCESSING, submitted=at(20), received=at(20), due=at(25, 17))
    # Hà Đông: 1 received, in progress within time at the end of November (due in December).
    dossier(hd, ks, status=S.PROCESSING, submitted=at(28), received=at(28), due=at(3, 17, 12))
    # Hà Đông: refused at intake and withdrawn: received but neither resolved nor in progress.
    refused = dossier(hd, ks, status=S.REFUSED, submitted=at(11))
    withdrawn = dossier(
        hd, ks, status=S.WITHDRAWN, submitted=at(12), received=at(12), due=at(30, 17)
    )
    for closed, when, status in [
        (refused, at(11, 10), S.REFUSED),
        (withdrawn, at(13), S.WITHDRAWN),
    ]:
        DossierEvent.objects.create(
            dossier=closed, action="withdraw", to_status=status, actor_name="x", created_at=when
        )
    # Bắc Hồng Lĩnh (another province): 1 received in October, resolved on time in November.
    dossier(
        bhl,
        ks,
        status=S.RETURNED,
        submitted=at(30, 9, 10),
        received=at(30, 9, 10),
        due=at(3, 17),
        resolved=at(3, 10),
    )
    # Ratings in November: Long Biên very satisfied and dissatisfied; Bắc Hồng Lĩnh satisfied.
    returned = Dossier.objects.filter(status=S.RETURNED).order_by("pk")
    for item, score in zip(returned, [3, 1, 2], strict=True):
        Rating.objects.create(dossier=item, score=score)
    Rating.objects.update(created_at=at(25))
    services.stats_refresh_month(month=datetime.date(2026, 11, 1), now=NOW)
    services.stats_refresh_month(month=datetime.date(2026, 10, 1), now=NOW)
    return catalogue


def test_ward_figures(november):
    data = selectors.figures_for(agency=november["long_bien"], year=2026, month=11)
    f = data["figures"]
    assert (f.received, f.received_online) == (4, 3)
    assert (f.resolved_early, f.resolved_on_time, f.resolved_late) == (1, 1, 1)
    assert (f.pending_on_time, f.pending_overdue) == (0, 1)
    assert f.on_time_rate == pytest.approx(2 / 3)
    assert (f.ratings, f.ratings_satisfied) == (2, 1)
    # Two of each; a tie is broken by name ("Chứng thực…" before "Đăng ký…").
    assert [(row["procedure__code"], row["received"]) for row in data["top"]] == [
        ("2.000815", 2),
        ("1.001193", 2),
    ]


def test_province_adds_up_its_wards(november):
    f = selectors.figures_for(agency=november["hanoi"], year=2026, month=11)["figures"]
    assert (f.received, f.received_online) == (7, 6)
    assert (f.resolved_early, f.resolved_on_time, f.resolved_late) == (1, 1, 1)
    # Hà Đông's first dossier is within time; the withdrawn one is not in progress any more.
    assert (f.pending_on_time, f.pending_overdue) == (1, 1)
    hatinh = selectors.figures_for(agency=november["hatinh"], year=2026, month=11)["figures"]
    assert (hatinh.received, hatinh.resolved_on_time, hatinh.ratings_satisfied) == (0, 1, 1)


def test_year_sums_its_months(november):
    f = selectors.figures_for(agency=None, year=2026)["figures"]
    assert f.received == 8  # 7 in November, 1 in October
    assert f.resolved == 4
    assert f.satisfaction_rate == pytest.approx(2 / 3)


def test_refresh_is_idempotent(november):
    before = selectors.figures_for(agency=None, year=2026)["figures"]
    services.stats_refresh_month(month=datetime.date(2026, 11, 1), now=NOW)
    assert selectors.figures_for(agency=None, year=2026)["figures"] == before


def test_page_chart_and_csv(client, november, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/thong-ke/", {"tinh": "000.00.00.H26", "nam": "2026", "thang": "11"})
    body = response.content.decode()
    assert 'id="stat-received">7<' in body
    assert 'id="stat-on-time">67%<' in body
    assert "Trước hạn: <strong>1</strong>" in body and "Quá hạn: <strong>1</strong>" in body
    assert "<svg" in body and 'id="bar-resolved"' in body
    csv_text = client.get(
        "/thong-ke/", {"tinh": "000.00.00.H26", "nam": "2026", "thang": "11", "dinh_dang": "csv"}
    ).content.decode("utf-8-sig")
    assert "Hồ sơ tiếp nhận,7" in csv_text and "Đã giải quyết quá hạn,1" in csv_text
    assert "1.001193,Đăng ký khai sinh,5" in csv_text  # 2 at Long Biên, 3 at Hà Đông


def test_a_legacy_agency_counts_in_its_province_but_is_not_a_filter(catalogue, legacy_agency):
    def june_2025(day, hour):
        return datetime.datetime(2025, 6, day, hour, 0, tzinfo=HCM)

    # Received by the district before the 2025 reform, resolved on time.
    dossier(
        legacy_agency,
        catalogue["khai_sinh"],
        status=S.RETURNED,
        submitted=june_2025(2, 9),
        received=june_2025(2, 9),
        due=june_2025(3, 17),
        resolved=june_2025(3, 10),
    )
    services.stats_refresh_month(month=datetime.date(2025, 6, 1), now=NOW)
    f = selectors.figures_for(agency=catalogue["hatinh"], year=2025, month=6)["figures"]
    assert (f.received, f.resolved_on_time) == (1, 1)

    form = StatsForm({"tinh": "000.00.00.H30", "co_quan": legacy_agency.code, "nam": "2025"})
    assert legacy_agency not in form.fields["co_quan"].queryset
    assert list(form.errors) == ["co_quan"]
