"""From ORM indicators to the achievement engine's plain inputs: the only place it meets the ORM.

Fetch indicators through `with_figures()` (or prefetch "targets" and "actuals" and select
"kpi__plan" yourself): the functions below then run no query.
"""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from kpis.achievement import (
    Achievement,
    ActualFigure,
    IndicatorFigures,
    Rules,
    TargetFigure,
    Thresholds,
    achievement,
    achievement_to_date,
)
from kpis.models import Actual, Indicator, Target
from kpis.rules.judgement import Judgement, View, judgement
from kpis.rules.targets import target_for
from plans.models import Plan


def with_figures(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Indicators with what the engine reads: their plan, targets and actuals."""
    return indicators.select_related("kpi__plan").prefetch_related("targets", "actuals")


def thresholds_of(plan: Plan) -> Thresholds:
    return Thresholds(achieved=plan.achieved_percent, partial=plan.partial_percent)


def target_figure(target: Target) -> TargetFigure:
    return TargetFigure(
        period=target.period,
        year=target.year,
        value=target.value,
        start_year=target.start_year,
        baseline_value=target.baseline_value,
        baseline_year=target.baseline_year,
        due_date=target.due_date,
    )


def actual_figure(actual: Actual) -> ActualFigure:
    return ActualFigure(
        period=actual.period, year=actual.year, value=actual.value, achieved_on=actual.achieved_on
    )


def figures_of(indicator: Indicator, preliminary: tuple[ActualFigure, ...] = ()) -> IndicatorFigures:
    """The engine's inputs; `preliminary` figures (速報) stand in for approved ones of the same period."""
    # .all() reads the prefetched rows; a filter() would query again.
    return figures_from(indicator, indicator.targets.all(), indicator.actuals.all(), preliminary)


def figures_from(
    indicator: Indicator,
    targets: Iterable[Target],
    actuals: Iterable[Actual],
    preliminary: tuple[ActualFigure, ...] = (),
) -> IndicatorFigures:
    """The engine's inputs from targets and actuals read elsewhere (e.g. as they were on a past date)."""
    actual_figures = tuple(actual_figure(a) for a in actuals)
    if preliminary:
        replaced = {(figure.period, figure.year) for figure in preliminary}
        actual_figures = tuple(a for a in actual_figures if (a.period, a.year) not in replaced) + tuple(
            preliminary
        )
    return IndicatorFigures(
        rules=Rules(
            target_shape=indicator.target_shape,
            direction=indicator.direction,
            aggregation=indicator.aggregation,
            measure=indicator.measure,
            rate_places=indicator.rate_places,
        ),
        targets=tuple(target_figure(t) for t in targets),
        actuals=actual_figures,
        plan_start_year=indicator.kpi.plan.start_fiscal_year,
    )


def achievement_of(
    indicator: Indicator,
    *,
    fiscal_year: int,
    half: str | None = None,
    as_of: datetime.date,
    thresholds: Thresholds,
) -> Achievement:
    """The indicator's achievement in `fiscal_year` (or one half of it)."""
    return achievement(
        figures_of(indicator), fiscal_year=fiscal_year, half=half, as_of=as_of, thresholds=thresholds
    )


def achievement_to_date_of(
    indicator: Indicator,
    *,
    fiscal_year: int,
    half: str | None = None,
    as_of: datetime.date,
    thresholds: Thresholds,
) -> Achievement:
    """The indicator's achievement over its plan so far, through `fiscal_year` (or its first half)."""
    return achievement_to_date(
        figures_of(indicator), fiscal_year=fiscal_year, half=half, as_of=as_of, thresholds=thresholds
    )


def judgement_of(
    indicator: Indicator,
    view: View,
    *,
    as_of: datetime.date,
    thresholds: Thresholds | None = None,
    preliminary: tuple[ActualFigure, ...] = (),
) -> Judgement:
    """What `view` shows for the indicator (kpis/rules/judgement.py); the plan's own thresholds
    unless others are given. Runs no query on an indicator fetched through `with_figures()`."""
    return judgement(
        figures_of(indicator, preliminary),
        view,
        as_of=as_of,
        thresholds=thresholds or thresholds_of(indicator.kpi.plan),
    )


def target_of(indicator: Indicator, year: int, *, half: str | None = None) -> Target | None:
    """The Target that applies to the indicator in `year` (or one half of it): the one answer the
    judgement, the report form, central entry and the revisions page share (`target_for`)."""
    return target_for(
        indicator.targets.all(),
        year,
        shape=indicator.target_shape,
        half=half,
        plan_start_year=indicator.kpi.plan.start_fiscal_year,
    )
