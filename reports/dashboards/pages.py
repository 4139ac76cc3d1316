"""What the dashboard views share: the plan from the URL, the period chosen, exports."""

import datetime
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone

from kpis.models import Kpi
from kpis.rules.judgement import View
from plans.models import Plan
from reports.dashboards import caching
from reports.dashboards.forecasts import forecasts_beside, published_forecasts, shows_forecasts
from reports.dashboards.preliminary import may_include_preliminary, scope_token, submitted_figures
from reports.dashboards.selectors import default_fiscal_year, judge_indicators, plan_indicators
from reports.display.exports import export_response, requested_format, sheet_name
from reports.display.filters import IndicatorFilter
from reports.display.labels import fiscal_period_label


@dataclass(frozen=True)
class Period:
    fiscal_year: int
    half: str | None
    # 速報: submitted figures not yet approved are included (only for those who may see them)
    preliminary: bool = False

    @property
    def label(self) -> str:
        return fiscal_period_label(self.fiscal_year, self.half)

    @property
    def view(self) -> View:
        """The rule's view of the period chosen: a half (上期, 下期) or the fiscal year (a calendar-year
        indicator is judged in the 年 of the same number)."""
        if self.half:
            return View.fiscal_half(self.fiscal_year, self.half)
        return View.fiscal_year(self.fiscal_year)


def plan_from_url(plan_number: int) -> Plan:
    return get_object_or_404(Plan, number=plan_number)


def dashboard_filter(
    request, plan: Plan, queryset, today: datetime.date, only: tuple[str, ...]
) -> IndicatorFilter:
    return IndicatorFilter(
        request.GET,
        plan=plan,
        default_year=default_fiscal_year(plan, today),
        queryset=queryset,
        only=filter_names(request, only),
    )


def chosen_period(filters: IndicatorFilter, plan: Plan, today: datetime.date) -> Period:
    return Period(
        fiscal_year=filters.choice("fiscal_year", default_fiscal_year(plan, today)),
        half=filters.choice("half"),
        # the filter exists only for users who may see submitted reports (see `filter_names`)
        preliminary="preliminary" in filters.filters and bool(filters.choice("preliminary")),
    )


def filter_names(request, names: tuple[str, ...]) -> tuple[str, ...]:
    """The page's filters, with the 速報 option for users who may see some submitted reports."""
    return (*names, "preliminary") if may_include_preliminary(request.user) else names


def preliminary_figures(request, plan: Plan, period: Period) -> dict:
    return submitted_figures(plan, request.user) if period.preliminary else {}


def export_if_asked(request, tables: dict, filename: str):
    """The export a `?_export=csv|xlsx&table=name` link asks for, or None to render the page.
    `tables`: name → table, or → a function building it (a table only exported is built only then)."""
    file_format = requested_format(request)
    if file_format is None:
        return None
    name = request.GET.get("table") or next(iter(tables))
    table = tables.get(name)
    if callable(table):
        table = table()
    if table is None:
        return None
    return export_response(
        table, file_format=file_format, filename=f"{filename}_{name}", sheet=sheet_name(name, name)
    )


# --- cached pages --------------------------------------------------------------------------------
# A dashboard is the same for everyone who may read it, except the header (user name, menu, log-out
# form with its CSRF token) and messages: those are markers in the rendered HTML, filled per request.
USER_AREA = "<!--portal:user-area-->"
MESSAGES = "<!--portal:messages-->"


def audience(request) -> str:
    """What makes a page differ between users: which submitted reports (速報) they may see. Everyone
    reads the same approved figures; the 速報 option and figures depend on the scope."""
    return scope_token(request.user)


def dashboard_key(request) -> str:
    """Computed once per request (it reads the data version), so a page is stored under the version
    it was read at: a change meanwhile bumps the version and the entry is never served."""
    if not hasattr(request, "_dashboard_key"):
        # today: the default year and milestone statuses depend on the date
        request._dashboard_key = caching.page_key(
            "page-parts",
            request.get_full_path(),
            timezone.localdate().isoformat(),
            audience(request),
            with_submissions="preliminary" in request.GET,
        )
    return request._dashboard_key


def cached_dashboard(request) -> HttpResponse | None:
    """The page from the cache with this user's header filled in, or None to compute it.

    Asked before the URL's plan, block or region are read: a page is stored only once they were
    found, under the data version of that moment, and saving or deleting any of them raises the
    version (reports/signals.py). A page found is therefore of objects that still exist as they
    were, and an unknown one is never found: it is looked up, and answers 404, on the way to
    computing the page."""
    if requested_format(request):
        return None
    parts = caching.get(dashboard_key(request))
    return None if parts is None else personalised(parts, request)


def render_dashboard(request, template: str, context: dict) -> HttpResponse:
    """Render, keep the shared part in the cache, answer with this user's header."""
    html = render_to_string(template, {**context, "cached_layout": True}, request=request)
    parts = shared_parts(html)
    caching.put(dashboard_key(request), parts)
    return personalised(parts, request)


def shared_parts(html: str) -> tuple[bytes, bytes, bytes]:
    """The page cut at its two markers and encoded once: read back from the cache it is joined with
    the user's header as it is, never decoded, searched or copied whole per marker (a block's page
    at the largest plans is half a megabyte)."""
    head, rest = html.split(USER_AREA, 1)
    middle, tail = rest.split(MESSAGES, 1)
    return head.encode(), middle.encode(), tail.encode()


def personalised(parts: tuple[bytes, bytes, bytes], request) -> HttpResponse:
    head, middle, tail = parts
    user_area = render_to_string("_user_area.html", request=request).encode()
    messages = render_to_string("_messages.html", request=request).encode()
    return HttpResponse(b"".join((head, user_area, middle, messages, tail)))


def judged_regional(request, plan, *, only: tuple[str, ...], **scope):
    """The filters, the period they chose, and the judged regional indicators of a block, a region or
    a programme year (`only`: the filters the page offers)."""
    today = timezone.localdate()
    indicators = plan_indicators(plan, level=Kpi.Level.REGIONAL, **scope)
    filters = dashboard_filter(request, plan, indicators, today, only=only)
    period = chosen_period(filters, plan, today)
    results = judge_indicators(
        filters.qs,
        view=period.view,
        as_of=today,
        preliminary=preliminary_figures(request, plan, period),
    )
    return filters, period, results


def with_forecasts(plan, view: View, results, *, as_of: datetime.date, **scope) -> tuple[list, bool]:
    """The results with the published year-end forecasts beside them, and whether the view shows
    forecasts at all (a 上期 or in-year view: one query; otherwise none and the results as they are).
    `scope`: block=, region= or level= (published_forecasts)."""
    if not shows_forecasts(view, as_of):
        return list(results), False
    return forecasts_beside(results, published_forecasts(plan, view.year, **scope)), True
