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
from dataclasses import replace

from kpis.figures import figures_of, load_figure_rows, thresholds_of
from kpis.models import Indicator
from kpis.rules.forecasts import ForecastCount, ForecastStatus, count_forecasts, forecast_status
from kpis.rules.inputs import FY, H1, IndicatorFigures
from kpis.rules.judgement import View
from kpis.rules.view_periods import year_end
from plans.models import Plan
from regions.models import Block, Region
from reports.dashboards.selectors import IndicatorResult
from reports.models import Forecast

__all__ = [
    "ForecastCount",
    "ForecastStatus",
    "at_risk",
    "count_forecasts",
    "forecast_statuses",
    "forecasts_beside",
    "published_forecasts",
    "shows_forecasts",
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
    indicators = list(indicators)
    if figures is None:  # the figures of the indicators with a forecast only
        load_figure_rows(i for i in indicators if i.pk in forecasts)
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


def shows_forecasts(view: View, as_of: datetime.date) -> bool:
    """A 上期 view (the forecast was given with it, so it is shown there for as long as the view is
    read), or a fiscal year's view while the year is under way; never a 下期 view, nor a year's once
    it has ended (its own result then stands)."""
    if view.half == H1:
        return True
    return view.half is None and as_of <= year_end(view.year, FY)


def forecasts_beside(
    results: Iterable[IndicatorResult],
    forecasts: dict[int, Forecast],
    *,
    figures: dict[int, IndicatorFigures] | None = None,
) -> list[IndicatorResult]:
    """The results with their indicator's published forecast beside them (no query): what the year
    would show with it, and its reason. A row whose own result is already final in a year's view (a
    milestone met) needs no forecast; the result itself is never changed. `figures`: as for
    forecast_statuses (a pack's snapshot)."""
    results = list(results)
    statuses = forecast_statuses([row.indicator for row in results], forecasts, figures=figures)
    shown = []
    for row in results:
        status = statuses.get(row.indicator.pk)
        if status is None or not status.applies or (row.view.half is None and row.result.is_final):
            shown.append(row)
            continue
        reason = forecasts[row.indicator.pk].reason
        shown.append(replace(row, forecast=status, forecast_reason=reason))
    return shown
