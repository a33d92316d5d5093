"""The statistics page and its CSV, on the history in conftest.py."""

import csv
import io

import pytest

from procedures.models import Procedure
from stats import services
from stats.constants import DEFINITIONS, INDICATORS
from tests.stats.conftest import NOVEMBER, NOW

pytestmark = pytest.mark.django_db
HANOI_NOVEMBER = {"tinh": "000.00.00.H26", "nam": "2026", "thang": "11"}


def test_the_page_shows_the_figures_their_definitions_and_when_computed(
    client, computed, django_assert_num_queries
):
    # Whether the figures are fresh (the recent months' computation times; then the cache knows),
    # the province chosen, the figures (months, agencies, totals, top procedures) and the form's
    # two lists.
    with django_assert_num_queries(8):
        body = client.get("/thong-ke/", HANOI_NOVEMBER).content.decode()
    assert "Số liệu tính lúc 09:00 10/12/2026, cập nhật mỗi 15 phút." in body
    assert 'id="stat-received">10<' in body and "8 trực tuyến (80%)" in body
    assert 'id="stat-refused">10<' not in body and 'id="stat-refused">1<' in body
    assert "Chưa tiếp nhận, tính đến hết ngày 30/11/2026" in body
    assert 'id="stat-not-accepted">2<' in body
    assert 'id="stat-resolved">4<' in body and 'id="stat-on-time">50%<' in body
    assert 'id="resolved-early">1<' in body and 'id="resolved-late">2<' in body
    assert "Hồ sơ đang giải quyết, tính đến hết ngày 30/11/2026: 6" in body
    assert "Tạm dừng, chờ công dân bổ sung / nộp phí: <strong" in body
    assert 'id="pending-paused">2<' in body
    assert ">33,3%</strong>" in body and "kết quả trong kỳ. (1/3)" in body  # returned online
    assert "chưa có (thanh toán trực tuyến chưa triển khai)" in body
    for definition in [*DEFINITIONS.values(), *INDICATORS.values()]:
        assert str(definition) in body
    assert "<svg" in body and 'id="bar-resolved"' in body and 'id="bar-pending"' in body
    with django_assert_num_queries(0):  # the same page again, from the cache
        assert client.get("/thong-ke/", HANOI_NOVEMBER).content.decode() == body
    with django_assert_num_queries(7):  # another page: the freshness is in the cache
        client.get("/thong-ke/", {**HANOI_NOVEMBER, "thang": "10"})


def test_a_year_shows_its_backlog_at_its_end(client, computed):
    body = client.get("/thong-ke/", {"tinh": "000.00.00.H26", "nam": "2026"}).content.decode()
    assert 'id="stat-received">11<' in body
    assert "Hồ sơ đang giải quyết, tính đến 09:00 10/12/2026: 6" in body  # December's 2 + 3 + 1


def test_no_figures_say_so_rather_than_zeros(client, computed):
    body = client.get("/thong-ke/", {"nam": "2025"}).content.decode()
    assert "Chưa có số liệu cho kỳ này: số liệu chưa được tính." in body
    assert 'id="stat-received"' not in body and "Số liệu tính lúc" not in body
    rows = list(csv.reader(io.StringIO(_csv(client, {"nam": "2025"}))))
    assert rows == [["Phạm vi", "Toàn cổng"], ["Kỳ", "2025"], ["Chưa có số liệu cho kỳ này."]]


def _csv(client, query) -> str:
    response = client.get("/thong-ke/", {**query, "dinh_dang": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode("utf-8-sig")


def test_csv_has_the_figures_the_indicators_and_no_formula(client, history):
    # A catalogue name is trusted, but a cell that a spreadsheet would run stays text anyway.
    Procedure.objects.filter(code="2.000815").update(name="=1+2 Chứng thực bản sao")
    services.stats_refresh_month(month=NOVEMBER, now=NOW)
    rows = list(csv.reader(io.StringIO(_csv(client, HANOI_NOVEMBER))))
    assert rows[:3] == [
        ["Phạm vi", "Thành phố Hà Nội"],
        ["Kỳ", "11/2026"],
        ["Số liệu tính lúc", "09:00 10/12/2026"],
    ]
    counts = {row[0]: row[1] for row in rows if len(row) == 2}
    assert counts["Hồ sơ tiếp nhận"] == "10" and counts["Trong đó trực tuyến"] == "8"
    assert counts["Từ chối tiếp nhận"] == "1" and counts["Đã giải quyết"] == "4"
    assert counts["Đã giải quyết quá hạn"] == "2"
    assert counts["Đã giải quyết có tệp kết quả điện tử"] == "3"
    assert counts["Đang giải quyết quá hạn (tính đến hết ngày 30/11/2026)"] == "2"
    assert counts["Tạm dừng, chờ công dân bổ sung / nộp phí (tính đến hết ngày 30/11/2026)"] == (
        "2"
    )
    assert counts["Chưa tiếp nhận (tính đến hết ngày 30/11/2026)"] == "2"
    indicators = {row[0]: row[1:] for row in rows if len(row) == 4}
    assert indicators["Tỷ lệ hồ sơ trực tuyến"] == ["80.0", "8", "10"]
    assert indicators["Tỷ lệ giải quyết đúng hạn"] == ["50.0", "2", "4"]
    assert indicators["Mức độ hài lòng"] == ["50.0", "1", "2"]
    assert indicators["Tỷ lệ số hóa kết quả giải quyết"] == ["75.0", "3", "4"]
    assert indicators["Tỷ lệ trả kết quả trực tuyến"] == ["33.3", "1", "3"]
    assert counts["Tỷ lệ thanh toán trực tuyến"] == (
        "chưa có (thanh toán trực tuyến chưa triển khai)"
    )
    assert ["2.000815", "'=1+2 Chứng thực bản sao", "3"] in rows  # A3, A4, A5
    assert ["1.001193", "Đăng ký khai sinh", "6"] in rows
    assert [str(DEFINITIONS["timeliness"])] in rows
