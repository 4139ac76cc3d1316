"""Reads across years and plans: one indicator over all its years (and its predecessors'), and the
plans side by side.

Like reports/dashboards/selectors.py, each read fetches what its page needs in a fixed number of queries;
everything after that is the pure rule (kpis/rules/judgement.py) on prefetched figures.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from kpis.figures import figures_of, load_figure_rows, with_figure_rows, with_figures
from kpis.models import Actual, Indicator, Kpi
from kpis.rules.inputs import CUM, CUMULATIVE
from kpis.rules.judgement import View
from kpis.rules.readings import cumulative_reading, latest_reading
from kpis.rules.targets import cumulative_target
from kpis.stamps import with_stamps
from plans.models import Measure, Plan, ReportedResult
from regions.models import Block
from reports.dashboards.counted import counted_by_plan
from reports.dashboards.forecasts import forecasts_beside, published_forecasts, shows_forecasts
from reports.dashboards.selectors import (
    BlockSummary,
    IndicatorResult,
    block_summaries,
    judge_indicators,
    read_figures_to_judge,
)
from reports.dashboards.tallies import Tally

# --- one indicator over the years ---------------------------------------------------------------


def indicators_for_page() -> QuerySet[Indicator]:
    """Indicators with their figures and everything the indicator page shows about their KPI."""
    return with_figures(Indicator.objects.all()).select_related("kpi__region__block", "kpi__vision")


def indicator_years(indicator: Indicator, *, since: int | None = None, until: int | None = None) -> list[int]:
    """The plan's years, and any earlier or later year with an actual (a baseline year's figure)."""
    plan = indicator.kpi.plan
    years = {a.year for a in indicator.actuals.all() if a.period != CUM} | set(plan.fiscal_years)
    first, last = min(years), max(years)
    if since is not None:
        first = max(first, since)
    if until is not None:
        last = min(last, until)
    return list(range(first, last + 1))


@dataclass(frozen=True)
class YearRow:
    """One year of an indicator (a fiscal year, or a calendar year for a 年 indicator): its readings,
    what the rule shows for it, and where the figures come from."""

    judged: IndicatorResult
    in_plan: bool
    cumulative_value: Decimal | None  # the year's own 累計 figure, as printed
    sources: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def year(self) -> int:
        return self.judged.fiscal_year

    @property
    def result(self):
        return self.judged.result

    @property
    def chart_actual(self) -> Decimal | None:
        """What a chart plots: the total to date for a cumulative target, else the year's value (or,
        without one, the year's own 累計 figure): every actual, with or without a target."""
        if (
            self.in_plan
            and self.judged.indicator.target_shape == CUMULATIVE
            and self.result.actual_value is not None
        ):
            return self.result.actual_value
        return self.judged.year_value if self.judged.year_value is not None else self.cumulative_value


def year_rows(indicator: Indicator, years: Iterable[int], *, as_of: datetime.date) -> list[YearRow]:
    plan = indicator.kpi.plan
    actuals = list(indicator.actuals.all())
    rows = []
    for year in years:
        (judged,) = judge_indicators([indicator], view=View.fiscal_year(year), as_of=as_of)
        own = [a for a in actuals if a.year == year]
        rows.append(
            YearRow(
                judged=judged,
                in_plan=year in plan.fiscal_years,
                cumulative_value=next((a.value for a in own if a.period == CUM), None),
                sources=tuple(dict.fromkeys(a.source for a in own if a.source)),
                notes=tuple(f"{a.get_period_display()}: {a.note}" for a in own if a.note),
            )
        )
    return rows


@dataclass(frozen=True)
class LastActual:
    indicator: Indicator
    year: int
    period: str
    value: Decimal


def last_actual(indicator: Indicator) -> LastActual | None:
    """The indicator's latest reported value: its latest year's (or level's), or its total to date."""
    figures = figures_of(indicator)
    if not figures.actuals:
        return None
    last_year = max(a.year for a in figures.actuals)
    if indicator.target_shape == CUMULATIVE:
        target = cumulative_target(figures.targets, last_year)
        start = (target.start_year if target else None) or figures.plan_start_year
        reading = cumulative_reading(figures.actuals, last_year, start=start)
        period = CUM
    else:
        reading = latest_reading(figures.actuals, last_year, None, indicator.aggregation)
        period = reading.used[-1].period if reading else None
    if reading is None:
        return None
    return LastActual(indicator, max(f.year for f in reading.used), period, reading.value)


# --- predecessor chains -------------------------------------------------------------------------


def linked(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Those of `indicators` that continue, or are continued by, another indicator (a chain)."""
    return indicators.filter(Q(predecessor__isnull=False) | Q(successors__isnull=False)).distinct()


def linked_indicators() -> list[Indicator]:
    """Every indicator that continues, or is continued by, one of another plan, with its figures."""
    return list(with_figures(linked(Indicator.objects.all())).select_related("kpi__region"))


def chains(indicators: Iterable[Indicator]) -> list[list[Indicator]]:
    """Every line from a first indicator to a last successor, in plan order (a fork gives two lines)."""
    by_id = {i.pk: i for i in indicators}
    successors = defaultdict(list)
    for indicator in by_id.values():
        if indicator.predecessor_id in by_id:
            successors[indicator.predecessor_id].append(indicator)
    lines = []

    def walk(line: list[Indicator]) -> None:
        following = [s for s in successors[line[-1].pk] if s not in line]
        if not following:
            lines.append(line)
        for successor in sorted(following, key=lambda s: (s.kpi.plan.number, s.pk)):
            walk([*line, successor])

    firsts = [i for i in by_id.values() if i.predecessor_id not in by_id and successors[i.pk]]
    for first in sorted(firsts, key=lambda i: (i.kpi.plan.number, i.kpi.order, i.kpi.code, i.order)):
        walk([first])
    # their latest figures are shown: read those of the indicators in a line only
    load_figure_rows(i for line in lines for i in line)
    return lines


def chain_of(indicator: Indicator, linked: Iterable[Indicator]) -> list[Indicator]:
    """The first line through `indicator`, with `indicator` itself as fetched for the page; [] if none."""
    others = [i for i in linked if i.pk != indicator.pk]
    for line in chains([*others, indicator]):
        if indicator in line:
            return [indicator if i.pk == indicator.pk else i for i in line]
    return []


@dataclass(frozen=True)
class SeriesPart:
    """One indicator's stretch of a series across plans."""

    indicator: Indicator
    rows: list[YearRow]


def cross_plan_series(chain: list[Indicator], *, as_of: datetime.date) -> list[SeriesPart]:
    """The chain's years in one line: each indicator's years up to the next plan's start."""
    parts = []
    since = None
    for position, indicator in enumerate(chain):
        following = chain[position + 1] if position + 1 < len(chain) else None
        until = following.kpi.plan.start_fiscal_year - 1 if following else None
        years = indicator_years(indicator, since=since, until=until)
        parts.append(SeriesPart(indicator, year_rows(indicator, years, as_of=as_of)))
        if years:
            since = years[-1] + 1
    return parts


@dataclass(frozen=True)
class BaselineCandidate:
    """A predecessor's last actual, offered as the baseline of its successor in the next plan."""

    predecessor: LastActual
    successor: Indicator


def baseline_candidates(chain: list[Indicator]) -> list[BaselineCandidate]:
    candidates = []
    for predecessor, successor in zip(chain, chain[1:], strict=False):
        last = last_actual(predecessor)
        if last is not None:
            candidates.append(BaselineCandidate(last, successor))
    return candidates


# --- the plans side by side ---------------------------------------------------------------------


@dataclass
class PlanResult:
    """Items judged in the plan's last year with data (None: no actual yet), counted like 136/148;
    `forecasts`: that year is under way, and its published year-end forecasts are in the tally,
    counted apart from the results."""

    year: int | None
    tally: Tally
    forecasts: bool = False

    @property
    def forecast_items(self) -> int | None:
        return self.tally.forecast_items if self.forecasts else None

    @property
    def at_risk(self) -> int | None:
        return self.tally.at_risk if self.forecasts else None

    @property
    def achieved(self) -> int | None:
        return self.tally.achieved if self.year is not None else None

    @property
    def rate(self) -> Decimal | None:
        return self.tally.rate if self.year is not None else None


@dataclass
class PlanComparison:
    plan: Plan  # annotated with central_kpis, regional_kpis, regional_indicators
    central: PlanResult
    regional: PlanResult
    blocks: list[BlockSummary]
    regional_reported_year: int | None = None
    reported: dict[str, ReportedResult] = field(default_factory=dict)  # national totals by scope
    measures_achieved: int = 0
    measures_marked: int = 0


@dataclass
class Comparison:
    plans: list[PlanComparison]
    blocks: list[Block]
    chains: list[list[Indicator]]


def plans_with_counts() -> QuerySet[Plan]:
    """Plans with how many central and regional KPIs, and regional indicators, each one sets."""
    return (
        Plan.objects.action_plans()
        .annotate(
            central_kpis=Count("kpis", filter=Q(kpis__level=Kpi.Level.CENTRAL), distinct=True),
            regional_kpis=Count("kpis", filter=Q(kpis__level=Kpi.Level.REGIONAL), distinct=True),
            regional_indicators=Count(
                "kpis__indicators", filter=Q(kpis__level=Kpi.Level.REGIONAL), distinct=True
            ),
        )
        .order_by("number")
    )


def years_with_data() -> dict[tuple[int, str], set[int]]:
    """The years with an actual, by (plan id, KPI level), in one query: which year each plan's
    comparison judges, without reading the figures of indicators kept judged."""
    found = defaultdict(set)
    rows = (
        Actual.objects.filter(indicator__kpi__plan__kind=Plan.Kind.ACTION_PLAN)
        .order_by()
        .values_list("indicator__kpi__plan_id", "indicator__kpi__level", "year")
        .distinct()
    )
    for plan_id, level, year in rows:
        found[plan_id, level].add(year)
    return found


def last_year_with_data(plan: Plan, years: Iterable[int]) -> int | None:
    """The plan's last fiscal year among `years` (those with an actual)."""
    return max((year for year in years if year in plan.fiscal_years), default=None)


def plan_result(
    plan: Plan, indicators: list[Indicator], year: int | None, *, as_of: datetime.date
) -> PlanResult:
    """The plan's items judged in `year`, its last with data (a 年 indicator in the 年 of that number)."""
    view = View.fiscal_year(year or plan.end_fiscal_year)
    tally = Tally()
    for row in judge_indicators(indicators, view=view, as_of=as_of):
        tally.add(row.result)
    return PlanResult(year, tally)


def compare_plans(*, as_of: datetime.date) -> Comparison:
    """Every plan's span, KPI counts, computed results and the documents' reported totals.

    Queries: a fixed number whatever the number of plans or indicators (tests/test_dashboard_queries.py);
    the published forecasts of a plan whose judged year is under way (the plan in force: one at most).
    The regional indicators are read for counting (reports/dashboards/counted.py); the central ones,
    and those linked across plans (chains), as the rule's inputs when first needed.
    """
    plans = list(plans_with_counts())
    central = defaultdict(list)
    for indicator in with_figure_rows(
        with_stamps(
            Indicator.objects.filter(kpi__plan__kind=Plan.Kind.ACTION_PLAN, kpi__level=Kpi.Level.CENTRAL)
        )
    ).order_by("kpi__plan__number", "kpi__order", "kpi__code", "order", "code"):
        central[indicator.kpi.plan_id].append(indicator)
    years = years_with_data()
    reported = list(ReportedResult.objects.order_by("fiscal_year"))
    blocks = list(Block.objects.all())
    marks = defaultdict(dict)
    for row in Measure.objects.exclude(mark="").values("policy__plan_id", "mark").annotate(n=Count("id")):
        marks[row["policy__plan_id"]][row["mark"]] = row["n"]
    judged_years = {
        (plan.pk, level): last_year_with_data(plan, years[plan.pk, level])
        for plan in plans
        for level in Kpi.Level.values
    }
    views = {
        (plan.pk, level): View.fiscal_year(judged_years[plan.pk, level] or plan.end_fiscal_year)
        for plan in plans
        for level in Kpi.Level.values
    }
    read_figures_to_judge(  # every plan's central indicators judged again, in one read
        ((central[plan.pk], views[plan.pk, Kpi.Level.CENTRAL]) for plan in plans), as_of=as_of
    )
    forecasts = {  # the plan whose judged year is under way
        plan.pk: published_forecasts(plan, view.year, level=Kpi.Level.REGIONAL)
        for plan in plans
        if judged_years[plan.pk, Kpi.Level.REGIONAL] is not None
        and shows_forecasts(view := views[plan.pk, Kpi.Level.REGIONAL], as_of)
    }
    regional = counted_by_plan(
        {plan.pk: (plan, views[plan.pk, Kpi.Level.REGIONAL]) for plan in plans},
        as_of=as_of,
        forecast_ids={pk for published in forecasts.values() for pk in published},
    )
    comparisons = [
        plan_comparison(plan, central[plan.pk], regional[plan.pk], forecasts.get(plan.pk), judged_years,
                        reported, blocks, marks, as_of=as_of)
        for plan in plans
    ]  # fmt: skip
    return Comparison(plans=comparisons, blocks=blocks, chains=chains(linked_of_action_plans()))


def plan_comparison(plan, central, regional, forecasts, judged_years, reported, blocks, marks, *, as_of):
    """One plan's column: its central and regional results (the regional ones with the published
    forecasts beside them when `forecasts` is not None), its blocks, its reported totals."""
    own_reported = [r for r in reported if r.plan_id == plan.pk]
    regional_reported = [r for r in own_reported if r.scope == ReportedResult.Scope.REGIONAL_KPIS]
    reported_year = max((r.fiscal_year for r in regional_reported), default=None)
    if forecasts is not None:
        regional = forecasts_beside(regional, forecasts)
    summaries, national = block_summaries(
        blocks, regional, [r for r in regional_reported if r.fiscal_year == reported_year]
    )
    return PlanComparison(
        plan=plan,
        central=plan_result(plan, central, judged_years[plan.pk, Kpi.Level.CENTRAL], as_of=as_of),
        regional=PlanResult(judged_years[plan.pk, Kpi.Level.REGIONAL], national, forecasts is not None),
        blocks=summaries,
        regional_reported_year=reported_year,
        # Ordered by year: the latest national total of each scope wins.
        reported={r.scope: r for r in own_reported if r.area == ReportedResult.NATIONAL},
        measures_achieved=marks[plan.pk].get(Measure.Mark.ACHIEVED, 0),
        measures_marked=sum(marks[plan.pk].values()),
    )


def linked_of_action_plans() -> list[Indicator]:
    """The action plans' indicators in a chain, their figures read when first needed."""
    action_plans = Indicator.objects.filter(kpi__plan__kind=Plan.Kind.ACTION_PLAN)
    return list(with_figure_rows(linked(action_plans), shares_regions=True))
