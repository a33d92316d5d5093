"""Public statistics per province and per agency, with SVG charts and a CSV download."""

import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.pagecache import cached_page
from stats import selectors
from stats.forms import StatsForm, month_label


def _bars(parts: list[tuple[str, int, str]]) -> list[dict]:
    """Segments of a 100%-wide stacked bar: label, value, css class, x and width in percent."""
    total = sum(value for _, value, _ in parts)
    segments, x = [], 0.0
    for label, value, css in parts:
        width = 100 * value / total if total else 0
        segments.append({"label": label, "value": value, "css": css, "x": x, "width": width})
        x += width
    return segments


@require_GET
@cached_page
def statistics(request):
    form = StatsForm(request.GET or None)
    period = form.period()
    data = selectors.figures_for(**period)
    figures = data["figures"]
    scope = period["agency"].name if period["agency"] else _("Toàn cổng")
    label = month_label(period["year"], period["month"])
    if request.GET.get("dinh_dang") == "csv":
        return _csv(scope, label, figures, data["top"])
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
                ]
            ),
            "csv_query": request.GET.urlencode(),
        },
    )


def _csv(scope, label, figures, top) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Phạm vi"), scope])
    writer.writerow([_("Kỳ"), label])
    rows = [
        (_("Hồ sơ tiếp nhận"), figures.received),
        (_("Trong đó trực tuyến"), figures.received_online),
        (_("Đã giải quyết trước hạn"), figures.resolved_early),
        (_("Đã giải quyết đúng hạn"), figures.resolved_on_time),
        (_("Đã giải quyết quá hạn"), figures.resolved_late),
        (_("Đang giải quyết trong hạn"), figures.pending_on_time),
        (_("Đang giải quyết quá hạn"), figures.pending_overdue),
        (_("Lượt đánh giá"), figures.ratings),
        (_("Đánh giá hài lòng"), figures.ratings_satisfied),
    ]
    writer.writerows(rows)
    writer.writerow([])
    writer.writerow([_("Mã thủ tục"), _("Thủ tục"), _("Hồ sơ tiếp nhận")])
    writer.writerows(
        [row["procedure__code"], row["procedure__name"], row["received"]] for row in top
    )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="thong-ke.csv"'
    return response
