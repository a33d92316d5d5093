"""Public statistics per province and per agency, with SVG charts and a CSV download."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from stats import selectors
from stats.constants import DEFINITIONS
from stats.exports import statistics_csv
from stats.forms import StatsForm, month_label
from stats.pagecache import statistics_page
from stats.services import refresh_seconds


def _bars(parts: list[tuple[str, int, str]]) -> list[dict]:
    """Segments of a 100%-wide stacked bar: label, value, css class, x and width in percent."""
    total = sum(value for _, value, _ in parts)
    segments, x = [], 0.0
    for label, value, css in parts:
        width = 100 * value / total if total else 0
        segments.append({"label": label, "value": value, "css": css, "x": x, "width": width})
        x += width
    return segments


def stock_label(data: dict) -> str:
    """The moment the stocks describe: a past month's end, or when they were computed."""
    stock_at = data["stock_at"]
    if stock_at is None:
        return ""
    if data["stock_final"]:
        day = timezone.localdate(stock_at - datetime.timedelta(microseconds=1))
        return _("tính đến hết ngày %(day)s") % {"day": day.strftime("%d/%m/%Y")}
    moment = timezone.localtime(stock_at).strftime("%H:%M %d/%m/%Y")
    return _("tính đến %(moment)s") % {"moment": moment}


@require_GET
@statistics_page
def statistics(request):
    form = StatsForm(request.GET or None)
    period = form.period()
    data = selectors.figures_for(**period)
    figures = data["figures"]
    scope = period["agency"].name if period["agency"] else _("Toàn cổng")
    label = month_label(period["year"], period["month"])
    if request.GET.get("dinh_dang") == "csv":
        return statistics_csv(scope=scope, period_label=label, data=data, stocks=stock_label(data))
    top_max = max([row["received"] for row in data["top"]] or [1])
    return render(
        request,
        "stats/statistics.html",
        {
            "form": form,
            "scope": scope,
            "period_label": label,
            "f": figures,
            "top": [{**row, "width": 100 * row["received"] / top_max} for row in data["top"]],
            "computed_at": data["computed_at"],
            "refresh_minutes": refresh_seconds() // 60,
            "stock_label": stock_label(data),
            "indicators": figures.indicators(),
            "definitions": DEFINITIONS,
            "resolved_bar": _bars(
                [
                    (_("Trước hạn"), figures.resolved_early, "early"),
                    (_("Đúng hạn"), figures.resolved_on_time, "on-time"),
                    (_("Quá hạn"), figures.resolved_late, "late"),
                ]
            ),
            "pending_bar": _bars(
                [
                    (_("Trong hạn"), figures.pending_on_time, "on-time"),
                    (_("Quá hạn"), figures.pending_overdue, "late"),
                    (
                        _("Tạm dừng, chờ công dân bổ sung / nộp phí"),
                        figures.pending_paused,
                        "paused",
                    ),
                ]
            ),
            "csv_query": request.GET.urlencode(),
        },
    )
