"""The dashboard: cached numbers, Chart.js charts, and each chart's table as CSV or XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pelatis.core import tabular
from pelatis.customers.models import Interaction
from pelatis.helpdesk.models import Team

from .metrics.base import Filters
from .metrics.overview import summary_rows
from .models import Segment
from .services import dashboard_for, dashboard_for_page, dashboard_refresh_start, dashboard_refreshing
from .tables import CHARTS, download_table, localised

# The channels a request can come by (the timeline's, less orders, notes and system entries): a fixed
# list, so the page does not scan every ticket for the distinct ones.
CHANNELS = [
    (code, label) for code, label in Interaction.Channel.choices if code not in ("order", "note", "system")
]


def _filters(request: HttpRequest) -> tuple[Filters, str]:
    try:
        return Filters.parse(request.GET), ""
    except ValueError as exc:
        return Filters.default(), str(exc)


@require_GET
@login_required
@permission_required("analytics.view_metricsnapshot", raise_exception=True)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    filters, error = _filters(request)
    snapshot, refreshing = dashboard_for_page(filters)
    if refreshing:
        messages.info(
            request, _("These numbers are being recomputed; reload the page in a moment for the new ones.")
        )
    data = localised(snapshot.data)
    query = request.GET.urlencode()
    return render(
        request,
        "analytics/dashboard.html",
        {
            "filters": filters,
            "error": error,
            "snapshot": snapshot,
            "data": data,
            "summary": summary_rows(data),
            "teams": Team.objects.order_by("name"),
            "channels": CHANNELS,
            "segments": Segment.choices,
            "charts": [(name, str(title)) for name, (title, _table) in CHARTS.items()],
            "query": query,
            "grid_rows": [(r, data["value"]["rfm_grid"][r - 1]) for r in range(5, 0, -1)],
            "just_now": (timezone.now() - snapshot.computed_at).total_seconds() < 60,
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
@permission_required("analytics.view_metricsnapshot", raise_exception=True)
def refresh_view(request: HttpRequest) -> HttpResponse:
    filters, error = _filters(request)
    if not error:
        started = dashboard_refresh_start(filters)
        if dashboard_refreshing(filters):  # in a background task: ours, or the one already running
            messages.info(
                request,
                _("The numbers are being recomputed; reload the page in a moment for the new ones.")
                if started
                else _("The numbers are already being recomputed."),
            )
        else:
            messages.success(request, _("The numbers were recomputed."))
    query = request.GET.urlencode()
    return redirect(f"{request.path.removesuffix('refresh/')}{'?' + query if query else ''}")


@require_GET
@login_required
@permission_required("analytics.view_metricsnapshot", raise_exception=True)
def chart_csv_view(request: HttpRequest, chart: str) -> HttpResponseBase:
    """A chart's table as CSV: for people in the page's language, or ``?format=machine``."""
    return _chart_download(request, chart, "csv")


@require_GET
@login_required
@permission_required("analytics.view_metricsnapshot", raise_exception=True)
def chart_xlsx_view(request: HttpRequest, chart: str) -> HttpResponseBase:
    """A chart's table as XLSX (numbers as numbers, months and days as dates)."""
    return _chart_download(request, chart, "xlsx")


def _chart_download(request: HttpRequest, chart: str, fmt: str) -> HttpResponseBase:
    if chart not in CHARTS:
        raise Http404(chart)
    filters, error = _filters(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    layout = tabular.layout_from_request(request)
    columns, rows = download_table(chart, dashboard_for(filters).data, machine=layout.machine)
    title = str(CHARTS[chart][0])
    return tabular.table_response(
        fmt,
        columns,
        rows,
        layout,
        name=f"{title} {filters.start} {filters.end}",
        ascii_name=f"pelatis-{chart}-{filters.start}-{filters.end}",
        title=title,
        stream=False,
    )  # a dashboard table is small: a few hundred rows at most
