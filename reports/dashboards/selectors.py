"""What the dashboards read: indicators with their figures, judged by the achievement engine.

Each function fetches what a page needs in a fixed number of queries, whatever the data size:
indicators with their KPI, region, block and plan in one query, targets and actuals prefetched
in one query each. Everything after that is done in Python by the pure engine.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from kpis.achievement import (
    FLOW,
    H1,
    H2,
    Achievement,
    IndicatorFigures,
    Status,
    achievement,
    half_reading,
    items_rate,
    year_reading,
)
from kpis.figures import figures_of, thresholds_of, with_figures
from kpis.models import Indicator, Kpi
from plans.fiscal import fiscal_year_of
from plans.models import Plan, ReportedResult
from regions.models import Block


def default_fiscal_year(plan: Plan, today: datetime.date) -> int:
    """The current fiscal year, kept within the plan's span (a finished plan shows its last year)."""
    return min(max(fiscal_year_of(today), plan.start_fiscal_year), plan.end_fiscal_year)


def plan_indicators(
    plan: Plan,
    *,
    level: str | None = None,
    block: Block | None = None,
    region=None,
    core_only: bool = False,
) -> QuerySet[Indicator]:
    """A plan's indicators with everything the engine and the tables read."""
    indicators = Indicator.objects.filter(kpi__plan=plan)
    if level:
        indicators = indicators.filter(kpi__level=level)
    if block is not None:
        indicators = indicators.filter(kpi__region__block=block)
    if region is not None:
        indicators = indicators.filter(kpi__region=region)
    if core_only:
        indicators = indicators.filter(kpi__kind=Kpi.Kind.CORE)
    return (
        with_figures(indicators)
        .select_related("kpi__region__block")
        .order_by("kpi__region__order", "kpi__order", "kpi__code", "order", "code")
    )


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator in one fiscal year (or half): its figures and how it stands."""

    indicator: Indicator
    fiscal_year: int
    result: Achievement
    h1: Decimal | None
    h2: Decimal | None
    year_value: Decimal | None
    # a submitted, not yet approved figure (速報) is part of what is shown
    preliminary: bool = False

    @property
    def kpi(self) -> Kpi:
        return self.indicator.kpi

    @property
    def region(self):
        return self.indicator.kpi.region


def judge_indicators(
    indicators: Iterable[Indicator],
    *,
    fiscal_year: int,
    half: str | None,
    as_of: datetime.date,
    preliminary: dict | None = None,
    figures: dict[int, IndicatorFigures] | None = None,
) -> list[IndicatorResult]:
    """Judge each indicator; `preliminary` (indicator id → 速報 figures) stands in for approved ones.

    `figures` (indicator id → the engine's inputs) replaces the indicators' own targets and actuals,
    for figures read as they were on a past date (reports/meetings/snapshots.py).
    """
    preliminary = preliminary or {}
    results = []
    for indicator in indicators:
        if figures is not None:
            indicator_figures = figures[indicator.pk]
        else:
            indicator_figures = figures_of(indicator, preliminary.get(indicator.pk, ()))
        results.append(
            judge_one(indicator, indicator_figures, fiscal_year=fiscal_year, half=half, as_of=as_of)
        )
    return results


def judge_by_year(
    indicators: list[Indicator], fiscal_years: Iterable[int], *, as_of: datetime.date
) -> dict[int, list[IndicatorResult]]:
    """Each fiscal year's judgement of the indicators (the national page's central KPI table)."""
    return {
        year: judge_indicators(indicators, fiscal_year=year, half=None, as_of=as_of) for year in fiscal_years
    }


def judge_one(
    indicator: Indicator,
    figures: IndicatorFigures,
    *,
    fiscal_year: int,
    half: str | None,
    as_of: datetime.date,
) -> IndicatorResult:
    aggregation = indicator.aggregation
    h1 = half_reading(figures.actuals, fiscal_year, H1, aggregation)
    h2 = (
        half_reading(figures.actuals, fiscal_year, H2, aggregation)
        if _has_own_h2(figures, fiscal_year)
        else None
    )
    year = year_reading(figures.actuals, fiscal_year, aggregation)
    result = achievement(
        figures,
        fiscal_year=fiscal_year,
        half=half,
        as_of=as_of,
        thresholds=thresholds_of(indicator.kpi.plan),
    )
    shown = (*result.actuals_used, *(f for r in (h1, h2, year) if r for f in r.used))
    return IndicatorResult(
        indicator=indicator,
        fiscal_year=fiscal_year,
        result=result,
        h1=h1.value if h1 else None,
        h2=h2.value if h2 else None,
        year_value=year.value if year else None,
        preliminary=any(figure.preliminary for figure in shown),
    )


def _has_own_h2(figures, fiscal_year) -> bool:
    # A level's year figure also answers for its second half; the table shows only reported halves.
    return any(a.period == H2 and a.year == fiscal_year for a in figures.actuals)


@dataclass
class Tally:
    """Items with a numeric target, how many were reported, how many achieved (○)."""

    items: int = 0
    reported: int = 0
    achieved: int = 0
    partly: int = 0

    def add(self, result: Achievement) -> None:
        if not result.has_target:
            return
        self.items += 1
        if result.status is not Status.NOT_REPORTED:
            self.reported += 1
        if result.status is Status.ACHIEVED:
            self.achieved += 1
        if result.status is Status.PARTLY:
            self.partly += 1

    @property
    def rate(self) -> Decimal | None:
        """Achieved items ÷ items with a target, the way the documents count (136/148); none before
        anything is reported (0 of 130 would read as failure, not as 未報告)."""
        return items_rate(self.achieved, self.items) if self.reported else None


@dataclass
class BlockSummary:
    block: Block
    tally: Tally = field(default_factory=Tally)
    reported_result: ReportedResult | None = None


def block_summaries(
    blocks: Iterable[Block], results: Iterable[IndicatorResult], reported: Iterable[ReportedResult]
) -> tuple[list[BlockSummary], Tally]:
    """Per-block tallies of regional results, with the documents' reported totals beside them."""
    summaries = {block.code: BlockSummary(block) for block in blocks}
    national = Tally()
    for row in results:
        region = row.region
        if region is None:
            continue
        summaries[region.block.code].tally.add(row.result)
        national.add(row.result)
    for reported_result in reported:
        if reported_result.area in summaries:
            summaries[reported_result.area].reported_result = reported_result
    return list(summaries.values()), national


@dataclass
class NationalSummary:
    """Each block's tally of the regional results, the nation's, and the documents' national total."""

    blocks: list[BlockSummary]
    tally: Tally
    reported: ReportedResult | None


def national_summary(plan: Plan, fiscal_year: int, results: Iterable[IndicatorResult]) -> NationalSummary:
    """The block table of the national page and of a meeting's pack: one query for the reported totals
    and one for the blocks."""
    reported = list(reported_results(plan, fiscal_year))
    blocks, tally = block_summaries(Block.objects.all(), results, reported)
    national = next((r for r in reported if r.area == ReportedResult.NATIONAL), None)
    return NationalSummary(blocks, tally, national)


def reported_results(plan: Plan, fiscal_year: int) -> QuerySet[ReportedResult]:
    """Totals the documents print without item-level data (報告値) for that year."""
    return ReportedResult.objects.filter(
        plan=plan, scope=ReportedResult.Scope.REGIONAL_KPIS, fiscal_year=fiscal_year
    )


def group_by_region(results: Iterable[IndicatorResult]) -> dict:
    grouped = defaultdict(list)
    for row in results:
        grouped[row.region].append(row)
    return dict(grouped)


def is_flow(indicator: Indicator) -> bool:
    return indicator.aggregation == FLOW


def current_plan(plans: Iterable[Plan], today: datetime.date) -> Plan:
    """The action plan whose fiscal years include today's; before the first, the first; after the last,
    the last. The model-region programme's yearly records are never "the plan in force"."""
    plans = sorted((p for p in plans if not p.is_programme), key=lambda p: p.start_fiscal_year)
    fiscal_year = fiscal_year_of(today)
    for plan in plans:
        if fiscal_year <= plan.end_fiscal_year:
            return plan
    return plans[-1]
