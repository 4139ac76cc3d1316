"""Published year-end forecasts (年度末見込み) for the dashboards, exports and packs: read per
indicator for a plan's year in one query, judged as forecasts by the one rule
(kpis/rules/forecasts.py), and the items at risk counted apart from the results.

    indicators = plan_indicators(plan, block=kanto)                 # the page's own read
    forecasts = published_forecasts(plan, 2022, block=kanto)         # one query
    statuses = forecast_statuses(indicators, forecasts)              # no query
    counts = count_forecasts(statuses.values())                      # counts.at_risk, counts.items
    statuses[indicator.pk].label                                      # "見込み △" beside the progress

A forecast is published by approving a 上期 report or confirming central staff's 上期 entry
(reports/progress/forecasts.py, reports/central/entry.py); it is never an Actual, so no achieved
count can include it. Show it in a 上期 or in-year view, beside the progress, while the year's own
result is not final; `moment` reads the forecasts as they were then (a liaison meeting's pack).
"""

import datetime
from collections.abc import Iterable

from kpis.figures import figures_of, thresholds_of
from kpis.models import Indicator
from kpis.rules.forecasts import ForecastCount, ForecastStatus, count_forecasts, forecast_status
from kpis.rules.inputs import IndicatorFigures
from plans.models import Plan
from regions.models import Block, Region
from reports.models import Forecast

__all__ = [
    "ForecastCount",
    "ForecastStatus",
    "at_risk",
    "count_forecasts",
    "forecast_statuses",
    "published_forecasts",
]


def published_forecasts(
    plan: Plan,
    fiscal_year: int,
    *,
    block: Block | None = None,
    region: Region | None = None,
    level: str | None = None,
    moment: datetime.datetime | None = None,
) -> dict[int, Forecast]:
    """The plan's published forecasts of `fiscal_year` by indicator id (one query): of a block's or a
    region's regional KPIs, of one level (central / regional), or all; as they stood at `moment`."""
    forecasts = Forecast.objects.all() if moment is None else Forecast.history.as_of(moment)
    forecasts = forecasts.filter(indicator__kpi__plan=plan, fiscal_year=fiscal_year)
    if block is not None:
        forecasts = forecasts.filter(indicator__kpi__region__block=block)
    if region is not None:
        forecasts = forecasts.filter(indicator__kpi__region=region)
    if level is not None:
        forecasts = forecasts.filter(indicator__kpi__level=level)
    return {forecast.indicator_id: forecast for forecast in forecasts}


def forecast_statuses(
    indicators: Iterable[Indicator],
    forecasts: dict[int, Forecast],
    *,
    figures: dict[int, IndicatorFigures] | None = None,
) -> dict[int, ForecastStatus]:
    """What each indicator's year would show at its end with its forecast (見込み 〇△×, or 順調/遅れ
    for an interim year of a cumulative or baseline → target goal), by indicator id; indicators
    without a forecast are left out. Runs no query on indicators fetched with their figures
    (kpis.figures.with_figures, or plan_indicators); `figures` (indicator id → the engine's inputs)
    stands in for their own, as for a pack's snapshot (reports/meetings/snapshots.py)."""
    statuses = {}
    for indicator in indicators:
        forecast = forecasts.get(indicator.pk)
        if forecast is None:
            continue
        statuses[indicator.pk] = forecast_status(
            figures[indicator.pk] if figures is not None else figures_of(indicator),
            forecast.fiscal_year,
            forecast.value,
            thresholds=thresholds_of(indicator.kpi.plan),
        )
    return statuses


def at_risk(statuses: dict[int, ForecastStatus]) -> list[int]:
    """The ids of the indicators whose forecast falls short of the year's target or pace."""
    return [indicator_id for indicator_id, status in statuses.items() if status.at_risk]
