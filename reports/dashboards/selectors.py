"""What the dashboards read: indicators with their figures, judged by the one rule for the period.

Each function fetches what a page needs in a fixed number of queries, whatever the data size:
indicators with their KPI, region, block and plan in one query, targets and actuals prefetched
in one query each. Everything after that is done in Python by the pure rule
(kpis/rules/judgement.py, docs/judgement.md): a view period in, a Judgement out.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from kpis.figures import figures_of, load_figure_rows, thresholds_of, with_figure_rows
from kpis.models import Indicator, Kpi
from kpis.rules.forecasts import ForecastStatus
from kpis.rules.inputs import CY, H1, H2, ActualFigure, IndicatorFigures
from kpis.rules.judgement import Judgement, View, judgement
from kpis.rules.readings import half_reading, year_reading
from kpis.rules.view_periods import year_period_of
from kpis.stamps import with_stamps
from plans.fiscal import fiscal_year_of
from plans.models import Plan, ReportedResult
from regions.models import Block
from reports.dashboards import judged_memo
from reports.dashboards.tallies import Tally


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
    """A plan's indicators with everything the rule and the tables read: the figures as the rule's
    inputs (kpis.figures.with_figure_rows), so that a plan's thousands of targets and actuals are
    never turned into model instances, read only for the indicators judged again (with their stamps:
    reports/dashboards/judged_memo.py)."""
    indicators = Indicator.objects.filter(kpi__plan=plan)
    if level:
        indicators = indicators.filter(kpi__level=level)
    if block is not None:
        indicators = indicators.filter(kpi__region__block=block)
    if region is not None:
        indicators = indicators.filter(kpi__region=region)
    if core_only:
        indicators = indicators.filter(kpi__kind=Kpi.Kind.CORE)
    return with_figure_rows(with_stamps(indicators), shares_regions=True).order_by(
        "kpi__region__order", "kpi__order", "kpi__code", "order", "code"
    )


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator in one view period: its figures and what the rule shows for it."""

    indicator: Indicator
    view: View
    result: Judgement
    h1: Decimal | None
    h2: Decimal | None
    year_value: Decimal | None  # the fiscal year's figure, or the calendar year's (result.year_period)
    # a submitted, not yet approved figure (速報) is part of what is shown
    preliminary: bool = False
    # the published year-end forecast (年度末見込み) shown beside the progress in a 上期 or in-year
    # view (reports/dashboards/forecasts.py forecasts_beside); never part of `result`
    forecast: ForecastStatus | None = None
    forecast_reason: str = ""

    @property
    def fiscal_year(self) -> int:
        return self.view.year

    @property
    def kpi(self) -> Kpi:
        return self.indicator.kpi

    @property
    def region(self):
        return self.indicator.kpi.region

    @property
    def shown_actual(self) -> Decimal | None:
        """What was judged (the half's, the year's, the total to date); without a judged figure (対象外,
        a period not reported), the view's own figure all the same (the 上期's in a 上期 view, else the
        year's): a figure is never dropped, and never shown for a period it is not of."""
        if self.result.actual_value is not None:
            return self.result.actual_value
        return self.h1 if self.view.half == H1 else self.year_value


def judge_indicators(
    indicators: Iterable[Indicator],
    *,
    view: View,
    as_of: datetime.date,
    preliminary: dict[int, tuple[ActualFigure, ...]] | None = None,
    figures: dict[int, IndicatorFigures] | None = None,
) -> list[IndicatorResult]:
    """What `view` shows for each indicator on `as_of`; `preliminary` (indicator id → 速報 figures)
    stands in for approved ones.

    `figures` (indicator id → the rule's inputs) replaces the indicators' own targets and actuals,
    for figures read as they were on a past date (reports/meetings/snapshots.py); `as_of` is then
    that date.
    """
    if figures is not None:
        return [judge_one(i, figures[i.pk], view=view, as_of=as_of) for i in indicators]
    preliminary = preliminary or {}
    indicators = list(indicators)
    keys = {i.pk: None if i.pk in preliminary else judged_memo.key_of(i, view, as_of) for i in indicators}
    kept = {pk: judged_memo.get(key) for pk, key in keys.items()}
    # the figures of the indicators judged again only (those of an unchanged one are not read)
    load_figure_rows(i for i in indicators if kept[i.pk] is None)
    results = []
    for indicator in indicators:
        found = kept[indicator.pk]
        if found is not None:
            results.append(IndicatorResult(indicator, view, *found))
            continue
        own = figures_of(indicator, preliminary.get(indicator.pk, ()))
        row = judge_one(indicator, own, view=view, as_of=as_of)
        judged_memo.put(keys[indicator.pk], (row.result, row.h1, row.h2, row.year_value, row.preliminary))
        results.append(row)
    return results


def read_figures_to_judge(
    judgements: Iterable[tuple[Iterable[Indicator], View]], *, as_of: datetime.date
) -> None:
    """Read at once (two queries) the figures of every indicator the judgements to come (indicators ×
    view) will make again: for a page judging several groups (the comparison, a plan at a time)."""
    load_figure_rows(
        indicator
        for indicators, view in judgements
        for indicator in indicators
        if judged_memo.get(judged_memo.key_of(indicator, view, as_of)) is None
    )


def judge_by_view(
    indicators: list[Indicator], views: Iterable[View], *, as_of: datetime.date
) -> dict[View, list[IndicatorResult]]:
    """Each view's judgement of the indicators (the national page's central KPI table, a column each)."""
    return {view: judge_indicators(indicators, view=view, as_of=as_of) for view in views}


def year_views(fiscal_years: Iterable[int], *, chosen: View) -> list[View]:
    """A view per fiscal year of a plan; the chosen year's is the view chosen (its half, if one is)."""
    return [chosen if year == chosen.year else View.fiscal_year(year) for year in fiscal_years]


def calendar_views(years: Iterable[int]) -> list[View]:
    """A view per calendar year (年), for the indicators counted by calendar year."""
    return [View.calendar_year(year) for year in years]


def is_calendar_year(indicator: Indicator) -> bool:
    """Figures counted by calendar year (年), e.g. a share of applications in 平成31年: the rule judges
    them in the 年 of a fiscal year's number and says so (kpis/rules/view_periods.py)."""
    return year_period_of(figures_of(indicator)) == CY


def by_kind_of_year(indicators: Iterable[Indicator]) -> tuple[list[Indicator], list[Indicator]]:
    """(fiscal-year indicators, calendar-year indicators), each in the order given."""
    indicators = list(indicators)
    calendar = [indicator for indicator in indicators if is_calendar_year(indicator)]
    return [indicator for indicator in indicators if indicator not in calendar], calendar


@dataclass(frozen=True)
class CentralResults:
    """The national page's central KPIs: the fiscal-year ones judged per plan year (the chosen year's
    half when the page shows one), the calendar-year ones per 年, each a column."""

    fiscal: list[Indicator]
    by_year: dict[View, list[IndicatorResult]]
    calendar: list[Indicator]
    by_calendar_year: dict[View, list[IndicatorResult]]


def judge_central(
    indicators: Iterable[Indicator], plan: Plan, *, chosen: View, as_of: datetime.date
) -> CentralResults:
    fiscal, calendar = by_kind_of_year(indicators)
    views = year_views(plan.fiscal_years, chosen=chosen)
    return CentralResults(
        fiscal=fiscal,
        by_year=judge_by_view(fiscal, views, as_of=as_of),
        calendar=calendar,
        by_calendar_year=judge_by_view(calendar, calendar_views(plan.fiscal_years), as_of=as_of),
    )


def judge_one(
    indicator: Indicator, figures: IndicatorFigures, *, view: View, as_of: datetime.date
) -> IndicatorResult:
    result = judgement(figures, view, as_of=as_of, thresholds=thresholds_of(indicator.kpi.plan))
    # The year the figures are of: the view's fiscal year, or the calendar year of a 年 indicator.
    year = result.year if result.year is not None else view.year
    aggregation = indicator.aggregation
    h1 = half_reading(figures.actuals, year, H1, aggregation)
    h2 = half_reading(figures.actuals, year, H2, aggregation) if _has_own_h2(figures, year) else None
    whole = year_reading(figures.actuals, year, aggregation)
    shown = (*result.actuals_used, *(f for r in (h1, h2, whole) if r for f in r.used))
    return IndicatorResult(
        indicator=indicator,
        view=view,
        result=result,
        h1=h1.value if h1 else None,
        h2=h2.value if h2 else None,
        year_value=whole.value if whole else None,
        preliminary=any(figure.preliminary for figure in shown),
    )


def _has_own_h2(figures, year) -> bool:
    # A level's year figure also answers for its second half; the table shows only reported halves.
    return any(a.period == H2 and a.year == year for a in figures.actuals)


@dataclass
class BlockSummary:
    block: Block
    tally: Tally = field(default_factory=Tally)
    reported_result: ReportedResult | None = None


def block_summaries(
    blocks: Iterable[Block], results: Iterable[IndicatorResult], reported: Iterable[ReportedResult]
) -> tuple[list[BlockSummary], Tally]:
    """Per-block tallies of regional results (final results counted the documents' way, progress
    apart), with the documents' reported totals beside them."""
    summaries = {block.code: BlockSummary(block) for block in blocks}
    national = Tally()
    for row in results:
        region = row.region
        if region is None:
            continue
        summaries[region.block.code].tally.add(row.result, row.forecast)
        national.add(row.result, row.forecast)
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


def current_plan(plans: Iterable[Plan], today: datetime.date) -> Plan:
    """The action plan whose fiscal years include today's; before the first, the first; after the last,
    the last. The model-region programme's yearly records are never "the plan in force"."""
    plans = sorted((p for p in plans if not p.is_programme), key=lambda p: p.start_fiscal_year)
    fiscal_year = fiscal_year_of(today)
    for plan in plans:
        if fiscal_year <= plan.end_fiscal_year:
            return plan
    return plans[-1]
