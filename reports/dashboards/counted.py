"""A plan's regional indicators judged for counting only (the national page's block table).

The national page counts every regional indicator of a plan per block; it shows none of them. Made
into model instances with their KPIs, the ~1,400 indicators of the largest plans cost more than
everything else the page does once their judgements are kept (reports/dashboards/judged_memo.py).
Here each indicator is read as three values (id, figures stamp, region) into a reference that
carries what counting and the kept judgements' keys read, and a model instance is made only for an
indicator judged again (its judgement not kept) or with a published forecast (its forecast is judged
with its figures, reports/dashboards/forecasts.py). The judgements themselves come from
`judge_indicators` as on every page: the one rule, kept or made.
"""

import datetime
from collections.abc import Collection

from kpis.figures import load_figure_rows, with_figure_rows
from kpis.models import Indicator, Kpi
from kpis.rules.judgement import View
from kpis.stamps import with_stamps
from plans.models import Plan
from regions.models import Region
from reports.dashboards import judged_memo
from reports.dashboards.selectors import IndicatorResult, judge_indicators


class CountedKpi:
    """What counting reads of an indicator's KPI: its plan (the key's thresholds) and its region."""

    __slots__ = ("plan", "region")

    def __init__(self, plan: Plan, region: Region | None):
        self.plan = plan
        self.region = region


class CountedIndicator:
    """An indicator as counting reads it: its id, its figures stamp and its KPI."""

    __slots__ = ("pk", "figures_token", "kpi")

    def __init__(self, pk: int, figures_token: int | None, kpi: CountedKpi):
        self.pk = pk
        self.figures_token = figures_token
        self.kpi = kpi


def regional_results_counted(
    plan: Plan,
    view: View,
    *,
    as_of: datetime.date,
    core_only: bool = False,
    forecast_ids: Collection[int] = (),
) -> list[IndicatorResult]:
    """The plan's regional indicators judged in `view` on `as_of`, in the dashboards' order, for
    counting (IndicatorResult.region, .result; forecasts put beside them by the caller): those in
    `forecast_ids` with their model instance, the others with a CountedIndicator unless judged again."""
    by_plan = counted_by_plan(
        {plan.pk: (plan, view)}, as_of=as_of, core_only=core_only, forecast_ids=forecast_ids
    )
    return by_plan[plan.pk]


def counted_by_plan(
    views: dict[int, tuple[Plan, View]],
    *,
    as_of: datetime.date,
    core_only: bool = False,
    forecast_ids: Collection[int] = (),
) -> dict[int, list[IndicatorResult]]:
    """As regional_results_counted, for several plans at once (plan id → the plan and its view), in
    the same number of queries as one (the comparison of the plans)."""
    indicators = Indicator.objects.filter(kpi__plan__in=list(views), kpi__level=Kpi.Level.REGIONAL)
    if core_only:
        indicators = indicators.filter(kpi__kind=Kpi.Kind.CORE)
    rows = with_stamps(indicators).order_by(
        "kpi__plan__number", "kpi__region__order", "kpi__order", "kpi__code", "order", "code"
    )
    regions = Region.objects.select_related("block").in_bulk()
    counted = [
        (plan_id, CountedIndicator(pk, token, CountedKpi(views[plan_id][0], regions.get(region_id))))
        for pk, token, region_id, plan_id in rows.values_list(
            "pk", "figures_token", "kpi__region_id", "kpi__plan_id"
        )
    ]
    kept = {i.pk: judged_memo.get(judged_memo.key_of(i, views[plan_id][1], as_of)) for plan_id, i in counted}
    instances = instances_of([i.pk for _plan_id, i in counted if kept[i.pk] is None or i.pk in forecast_ids])
    # (an indicator deleted between the two reads is left out, as a read a moment later would)
    again = [(plan_id, instances[i.pk]) for plan_id, i in counted if kept[i.pk] is None and i.pk in instances]
    load_figure_rows(indicator for _plan_id, indicator in again)  # every plan's at once
    judged = {}
    for plan_id, (_plan, view) in views.items():
        of_plan = [indicator for owner, indicator in again if owner == plan_id]
        judged |= {row.indicator.pk: row for row in judge_indicators(of_plan, view=view, as_of=as_of)}
    results = {plan_id: [] for plan_id in views}
    for plan_id, i in counted:
        if i.pk in judged or kept[i.pk] is not None:
            view = views[plan_id][1]
            results[plan_id].append(
                judged.get(i.pk) or IndicatorResult(instances.get(i.pk, i), view, *kept[i.pk])
            )
    return results


def instances_of(ids: list[int]) -> dict[int, Indicator]:
    """The indicators as every page reads them (their figures read when needed), by id."""
    if not ids:
        return {}
    fetched = with_figure_rows(with_stamps(Indicator.objects.filter(pk__in=ids)), shares_regions=True)
    return {indicator.pk: indicator for indicator in fetched}
