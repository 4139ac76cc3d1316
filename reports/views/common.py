"""What the dashboard views share: the plan from the URL, the period chosen, exports."""

import datetime
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from plans.fiscal import fiscal_year_label
from plans.models import Plan
from reports.exports import export_response, requested_format
from reports.filters import IndicatorFilter
from reports.selectors import default_fiscal_year


@dataclass(frozen=True)
class Period:
    fiscal_year: int
    half: str | None

    @property
    def label(self) -> str:
        suffix = {"h1": " 上期", "h2": " 下期"}.get(self.half or "", "")
        return fiscal_year_label(self.fiscal_year) + suffix


def plan_from_url(plan_number: int) -> Plan:
    return get_object_or_404(Plan, number=plan_number)


def dashboard_filter(
    request, plan: Plan, queryset, today: datetime.date, only: tuple[str, ...]
) -> IndicatorFilter:
    return IndicatorFilter(
        request.GET, plan=plan, default_year=default_fiscal_year(plan, today), queryset=queryset, only=only
    )


def chosen_period(filters: IndicatorFilter, plan: Plan, today: datetime.date) -> Period:
    return Period(
        fiscal_year=filters.choice("fiscal_year", default_fiscal_year(plan, today)),
        half=filters.choice("half"),
    )


def export_if_asked(request, tables: dict, filename: str):
    """The export a `?_export=csv|xlsx&table=name` link asks for, or None to render the page."""
    file_format = requested_format(request)
    if file_format is None:
        return None
    name = request.GET.get("table") or next(iter(tables))
    table = tables.get(name)
    if table is None:
        return None
    return export_response(table, file_format=file_format, filename=f"{filename}_{name}")
