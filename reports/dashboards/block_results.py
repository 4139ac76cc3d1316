"""What the block and region pages read: a block's regions, their KPIs and judged indicators,
grouped by region. Each read is one query; grouping and labels are plain Python."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from kpis.figures import share_relations
from kpis.models import IndustrialVision, Kpi
from kpis.rules.inputs import CUMULATIVE, CY, HALVES
from plans.fiscal import HALF_LABELS
from plans.models import Plan, ReportedResult
from regions.models import Block, Region
from reports.dashboards.selectors import IndicatorResult, reported_results
from reports.dashboards.tallies import Tally

# The 1st plan's regional KPIs are known only from the case studies (成果事例) of document 000.
CASE_STUDY_PLAN = 1
CASE_STUDY_SOURCE = "000 成果事例"


def block_regions(block: Block) -> list[Region]:
    """The regions of a block (prefectures, and designated cities such as 神戸市), in display order."""
    return list(Region.objects.filter(block=block).order_by("order", "code"))


def _regional_kpis() -> QuerySet[Kpi]:
    return (
        Kpi.objects.filter(level=Kpi.Level.REGIONAL)
        .select_related("plan", "region", "vision")
        .annotate(indicator_count=Count("indicators"))
        .order_by("region__order", "order", "code")
    )


def block_kpis(plan: Plan, block: Block) -> list[Kpi]:
    """The plan's regional KPIs of the block, and the 1st plan's case-study KPIs of its regions: their
    plans and regions read once and shared (hundreds of KPIs at the largest plans)."""
    kpis = list(
        _regional_kpis()
        .select_related(None)
        .select_related("vision")
        .filter(region__block=block)
        .filter(Q(plan=plan) | Q(plan__number=CASE_STUDY_PLAN, source__startswith=CASE_STUDY_SOURCE))
    )
    share_relations(kpis, regions=True)
    return kpis


def region_kpis(plan: Plan, region: Region) -> list[Kpi]:
    """The plan's regional KPIs of one region, with their industrial vision."""
    return list(_regional_kpis().filter(plan=plan, region=region))


def region_visions(plan: Plan, region: Region) -> QuerySet[IndustrialVision]:
    return IndustrialVision.objects.filter(plan=plan, region=region).order_by("number")


def block_reported_result(plan: Plan, block: Block, fiscal_year: int) -> ReportedResult | None:
    """The block's total as the documents print it (報告値), where they give only that."""
    return reported_results(plan, fiscal_year).filter(area=block.code).first()


def is_case_study(kpi: Kpi) -> bool:
    return kpi.plan.number == CASE_STUDY_PLAN and kpi.source.startswith(CASE_STUDY_SOURCE)


@dataclass
class RegionResults:
    """One region on a block or region page: its KPIs, its judged indicators, the ones shown."""

    region: Region
    kpis: list[Kpi] = field(default_factory=list)
    results: list[IndicatorResult] = field(default_factory=list)
    shown: list[IndicatorResult] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    @property
    def has_kpis(self) -> bool:
        return bool(self.kpis)

    @property
    def has_indicators(self) -> bool:
        """Whether any KPI has a numeric indicator, whatever the filters (鳥取 in plan 2 has none yet)."""
        return any(kpi.indicator_count for kpi in self.kpis)

    @property
    def kpis_without_indicators(self) -> list[Kpi]:
        return [kpi for kpi in self.kpis if not kpi.indicator_count]


def group_results(
    regions: Iterable[Region],
    kpis: Iterable[Kpi],
    results: Iterable[IndicatorResult],
    *,
    status: str | None = None,
) -> list[RegionResults]:
    """Every region with its KPIs and results; `status` keeps only the rows judged so (after judging).

    The tallies count every judged row, so a status filter narrows the tables, not the totals.
    """
    grouped = {region.pk: RegionResults(region) for region in regions}
    for kpi in kpis:
        if kpi.region_id in grouped:
            grouped[kpi.region_id].kpis.append(kpi)
    for row in results:
        section = grouped.get(row.kpi.region_id)
        if section is None:
            continue
        section.results.append(row)
        section.tally.add(row.result, row.forecast)
        if status is None or row.result.status == status:
            section.shown.append(row)
    return list(grouped.values())


def total_tally(sections: Iterable[RegionResults]) -> Tally:
    total = Tally()
    for section in sections:
        for row in section.results:
            total.add(row.result, row.forecast)
    return total


def target_basis_label(row: IndicatorResult) -> str:
    """What the target shown is: the year's own, a plan-long 累計, a half's own, or a goal of another
    year. A yearly target is shown whole in a half's view: the pace says what the half is measured on."""
    target = row.result.target
    if target is None:
        return ""
    if row.indicator.target_shape == CUMULATIVE:
        start = target.start_year or row.indicator.kpi.plan.start_fiscal_year
        return f"累計（{start}〜{target.year}年度）"
    if target.period in HALVES:
        return f"{HALF_LABELS[target.period]}目標"
    if target.period == CY:
        return f"{target.year}年の目標"
    if target.year != row.fiscal_year:
        return f"{target.year}年度の目標"
    return "年度目標"


def cumulative_actual(row: IndicatorResult):
    """The total to date a cumulative target is judged on; None for other shapes."""
    return row.result.actual_value if row.indicator.target_shape == CUMULATIVE else None
