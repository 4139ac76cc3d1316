"""速報: submitted half-year figures shown on the dashboards before they are approved.

Dashboards count approved figures. Someone who may see a region's submitted reports (its officers,
its block's bureau, central staff) can ask a dashboard to include them; they stand in for the
approved figure of the same half and are marked 速報. Nobody else ever sees them.
"""

from collections import defaultdict

from django.db.models import Q

from kpis.rules.inputs import ActualFigure
from plans.models import Plan
from regions import access
from reports.models import ProgressReport, ReportEntry


def may_include_preliminary(user) -> bool:
    return access.region_scope(user) != Q(pk__in=[])


def scope_token(user) -> str:
    """Which submitted figures a user may see, as a cache-key part: pages differ only by this."""
    role = access.access_of(user)
    if role.is_central:
        return "all"
    if role.is_bureau:
        return f"block:{role.block_id}"
    if role.is_officer:
        return f"region:{role.region_id}"
    return "none"


def submitted_figures(plan: Plan, user) -> dict[int, tuple[ActualFigure, ...]]:
    """The submitted, not yet approved values of the plan's reports the user may see, per indicator.
    One query."""
    entries = ReportEntry.objects.filter(
        report__state=ProgressReport.State.SUBMITTED, report__period__plan=plan, value__isnull=False
    )
    scope = access.region_scope(user)
    if scope is not None:
        entries = entries.filter(report__region__in=access.regions_in_scope(user).values("pk"))
    figures = defaultdict(list)
    for indicator_id, half, fiscal_year, value in entries.values_list(
        "indicator_id", "report__period__half", "report__period__fiscal_year", "value"
    ):
        figures[indicator_id].append(
            ActualFigure(period=half, year=fiscal_year, value=value, preliminary=True)
        )
    return {indicator_id: tuple(values) for indicator_id, values in figures.items()}
