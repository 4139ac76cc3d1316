"""From ORM indicators to the achievement engine's plain inputs: the only place it meets the ORM.

Fetch indicators through `with_figures()` (or prefetch "targets" and "actuals" and select
"kpi__plan" yourself): the functions below then run no query. A page that only judges (no target
or actual shown as a model) fetches them through `with_figure_rows()` instead: the same two queries,
read as value tuples straight into the engine's figures, without a model instance per figure.
"""

import datetime
import sys
from collections import defaultdict
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
from regions.models import Region


def with_figures(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Indicators with what the engine reads: their plan, targets and actuals."""
    return indicators.select_related("kpi__plan").prefetch_related("targets", "actuals")


TARGET_FIELDS = ("period", "year", "value", "start_year", "baseline_value", "baseline_year", "due_date")
ACTUAL_FIELDS = ("period", "year", "value", "achieved_on")


class FigureRowsQuerySet(QuerySet):
    """Indicators whose targets and actuals are read as the engine's figures when first asked for:
    `load_figure_rows` reads those of the indicators given (two queries, like a prefetch), and
    `figures_of` on an indicator not yet read reads those of every indicator of its queryset still
    unread (two queries, once). A page that keeps judgements (reports/dashboards/judged_memo.py)
    reads only the figures of the indicators it has to judge again.

    The KPIs' plans (and, with `shares_regions`, their regions with their blocks) are read once
    and shared: one instance per plan and region, not one per indicator (a plan has thousands)."""

    shares_regions = False

    def _clone(self):
        clone = super()._clone()
        clone.shares_regions = self.shares_regions
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and isinstance(self._result_cache[0], Indicator):
            batch = list(self._result_cache)
            share_relations([indicator.kpi for indicator in batch], regions=self.shares_regions)
            for indicator in batch:
                indicator.figure_batch = batch


def share_relations(kpis: list, *, regions: bool) -> None:
    """Give the KPIs their plan (one query) and their region with its block (one more), an instance
    shared by all the KPIs of each, as select_related would give them."""
    plans = Plan.objects.in_bulk({kpi.plan_id for kpi in kpis})
    for kpi in kpis:
        kpi._state.fields_cache["plan"] = plans[kpi.plan_id]
    if regions:
        found = Region.objects.select_related("block").in_bulk({k.region_id for k in kpis if k.region_id})
        for kpi in kpis:
            kpi._state.fields_cache["region"] = found.get(kpi.region_id)


def with_figure_rows(indicators: QuerySet[Indicator], *, shares_regions: bool = False) -> QuerySet[Indicator]:
    """Indicators with their KPI and plan, and their targets and actuals as the engine's figures (not
    as model instances: `indicator.targets.all()` would query again), read when first needed;
    `shares_regions`: the KPIs' regions and blocks too."""
    queryset = indicators.select_related("kpi")
    queryset.__class__ = FigureRowsQuerySet
    queryset.shares_regions = shares_regions
    return queryset


def load_figure_rows(indicators: Iterable[Indicator]) -> None:
    """Read the targets and actuals of those of `indicators` fetched through with_figure_rows() and not
    yet read (none: no query)."""
    unread = [i for i in indicators if hasattr(i, "figure_batch") and not hasattr(i, "figure_rows")]
    if unread:
        attach_figure_rows(unread)


def attach_figure_rows(indicators: list[Indicator]) -> None:
    """Read the indicators' targets and actuals as value tuples, one query each, and keep each
    indicator's as its figures (in the order a prefetch gives: year, then period)."""
    ids = [indicator.pk for indicator in indicators]
    targets, actuals = defaultdict(list), defaultdict(list)
    for model, fields, figure, found in (
        (Target, TARGET_FIELDS, TargetFigure, targets),
        (Actual, ACTUAL_FIELDS, ActualFigure, actuals),
    ):
        rows = model.objects.filter(indicator_id__in=ids).order_by("indicator_id", "year", "period")
        for indicator_id, period, *values in rows.values_list("indicator_id", *fields):
            # the fields in the dataclass's order; the period's few strings shared, not one per row
            found[indicator_id].append(figure(sys.intern(period), *values))
    for indicator in indicators:
        indicator.figure_rows = (tuple(targets[indicator.pk]), tuple(actuals[indicator.pk]))


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
    batch = getattr(indicator, "figure_batch", None)
    if batch is not None:  # fetched through with_figure_rows(): read as the engine's figures
        if not hasattr(indicator, "figure_rows"):
            load_figure_rows(batch)
        return _figures(indicator, *indicator.figure_rows, preliminary)
    # .all() reads the prefetched rows; a filter() would query again.
    return figures_from(indicator, indicator.targets.all(), indicator.actuals.all(), preliminary)


def figures_from(
    indicator: Indicator,
    targets: Iterable[Target],
    actuals: Iterable[Actual],
    preliminary: tuple[ActualFigure, ...] = (),
) -> IndicatorFigures:
    """The engine's inputs from targets and actuals read elsewhere (e.g. as they were on a past date)."""
    return _figures(
        indicator,
        tuple(target_figure(t) for t in targets),
        tuple(actual_figure(a) for a in actuals),
        preliminary,
    )


def _figures(
    indicator: Indicator,
    target_figures: tuple[TargetFigure, ...],
    actual_figures: tuple[ActualFigure, ...],
    preliminary: tuple[ActualFigure, ...],
) -> IndicatorFigures:
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
        targets=target_figures,
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
