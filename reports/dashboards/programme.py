"""The model-region programme (知財経営支援モデル地域創出事業): its yearly records, the regions each year
designates, and those regions' judged indicators arranged for the programme's pages.

The programme is kept as plans of kind `programme` (plans/models.py), so its figures are judged by the
same rule and selectors as the action plans'; this module only reads and arranges. Each read is one
query, whatever the number of regions and indicators.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from kpis.models import Indicator
from plans.models import Designation, Plan
from regions.models import Block, Region
from reports.dashboards.selectors import IndicatorResult
from reports.dashboards.tallies import Tally
from reports.models import ReportingPeriod

# A programme's half-years are also the action plan's: its reports have addresses of their own.
REPORT_URL_PREFIX = {Plan.Kind.ACTION_PLAN: "progress", Plan.Kind.PROGRAMME: "programme"}


def report_url_name(period: ReportingPeriod, action: str = "report") -> str:
    """The URL name of a region's report for the period ("report", "review" or "reopen"):
    reports:progress_report for an action plan's period, reports:programme_report for a programme's."""
    return f"reports:{REPORT_URL_PREFIX[period.plan.kind]}_{action}"


def programmes_with_designations() -> QuerySet[Plan]:
    """Every programme year, oldest first, with its designated regions and their blocks (two queries)."""
    designations = Designation.objects.select_related("region__block").order_by(
        "region__order", "region__code"
    )
    return (
        Plan.objects.programmes()
        .prefetch_related(Prefetch("designations", queryset=designations))
        .order_by("start_fiscal_year")
    )


def designations_of(programme: Plan) -> list[Designation]:
    """The programme's designated regions with their blocks, in display order (one query)."""
    return list(
        Designation.objects.filter(programme=programme)
        .select_related("region__block", "region__prefecture")
        .order_by("region__order", "region__code")
    )


def designated_regions(programme: Plan, *, block: Block | None = None) -> list[Region]:
    """The regions the programme designates (within one block, when given), in display order."""
    regions = Region.objects.filter(designations__programme=programme)
    if block is not None:
        regions = regions.filter(block=block)
    return list(regions.order_by("order", "code"))


# --- arranging judged indicators -------------------------------------------------------------------


def indicator_columns(indicators: Iterable[Indicator]) -> list[str]:
    """The programme's indicators as columns: their names, in the order of the KPIs that hold them.
    Every designated region has the same items (004 §1(3)【実施回数】), so a name is one column."""
    ordered = sorted(indicators, key=lambda i: (i.kpi.order, i.order, i.code))
    return list(dict.fromkeys(indicator.name for indicator in ordered))


@dataclass
class DesignatedRegion:
    """One designated region on the programme page: its judged indicators by name and its tally."""

    designation: Designation
    by_name: dict[str, IndicatorResult] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)

    @property
    def region(self) -> Region:
        return self.designation.region


def by_designated_region(
    designations: Iterable[Designation], results: Iterable[IndicatorResult]
) -> tuple[list[DesignatedRegion], Tally]:
    """Each designated region with its results, and the tally of them all (achieved ÷ final items, as
    the plans count; progress apart). Results of a region not designated are left out."""
    rows = {designation.region_id: DesignatedRegion(designation) for designation in designations}
    total = Tally()
    for result in results:
        row = rows.get(result.kpi.region_id)
        if row is None:
            continue
        row.by_name[result.indicator.name] = result
        row.tally.add(result.result)
        total.add(result.result)
    return list(rows.values()), total
