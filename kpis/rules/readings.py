"""An actual value for a year, a half or the plan to date, read the way the figure adds up.

Flow figures (counts of events in a period) add up across halves and years; level figures (a share,
a number of institutions reached so far) do not: the latest value counts.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kpis.rules.inputs import CUM, FLOW, H1, H2, HALVES, LEVEL, YEAR_PERIODS, ActualFigure


@dataclass(frozen=True)
class Reading:
    """An actual value for a period, the figures it came from, and how many halves of a year it covers."""

    value: Decimal
    used: tuple[ActualFigure, ...]
    halves: int = 2


def figure_of(figures, periods, year):
    """The figure for `year` in the first of `periods` that has one."""
    for period in periods:
        for figure in figures:
            if figure.period == period and figure.year == year:
                return figure
    return None


def year_reading(actuals: Iterable[ActualFigure], year: int, aggregation: str) -> Reading | None:
    """A year's value: its fy (or cy) figure; else a flow year sums its halves, a level year takes
    its last reported half (a share or a stock does not add up)."""
    actuals = tuple(actuals)
    whole = figure_of(actuals, YEAR_PERIODS, year)
    if whole is not None:
        return Reading(whole.value, (whole,))
    halves = tuple(f for h in HALVES if (f := figure_of(actuals, (h,), year)) is not None)
    if not halves:
        return None
    if aggregation == LEVEL:
        return Reading(halves[-1].value, halves[-1:])
    return Reading(sum((f.value for f in halves), Decimal(0)), halves, halves=len(halves))


def half_reading(actuals: Iterable[ActualFigure], year: int, half: str, aggregation: str) -> Reading | None:
    actuals = tuple(actuals)
    # A level's year-end figure is its second-half value too; a flow year cannot be split.
    periods = (H2, *YEAR_PERIODS) if aggregation == LEVEL and half == H2 else (half,)
    figure = figure_of(actuals, periods, year)
    return None if figure is None else Reading(figure.value, (figure,), halves=1)


def latest_reading(
    actuals: Iterable[ActualFigure], fiscal_year: int, half: str | None, aggregation: str
) -> Reading | None:
    """The latest year's (or first half's) value reported through `fiscal_year` and `half`."""
    actuals = tuple(actuals)
    years = sorted({a.year for a in actuals if a.period != CUM and a.year <= fiscal_year}, reverse=True)
    for year in years:
        if year == fiscal_year and half == H1:
            reading = half_reading(actuals, year, H1, aggregation)
        else:
            reading = year_reading(actuals, year, aggregation)
        if reading is not None:
            return reading
    return None


def cumulative_reading(
    actuals: Iterable[ActualFigure], fiscal_year: int, half: str | None = None, *, start: int | None = None
) -> Reading | None:
    """The total to date: the latest `cum` figure, plus the flows reported after it (or from `start`)."""
    actuals = tuple(actuals)
    last_full_year = fiscal_year - 1 if half == H1 else fiscal_year
    cums = [a for a in actuals if a.period == CUM and a.year <= last_full_year]
    base = max(cums, key=lambda a: a.year) if cums else None
    if base is not None:
        first = base.year + 1
    elif start is not None:
        first = start
    else:
        first = min((a.year for a in actuals if a.period != CUM), default=last_full_year + 1)
    readings = [year_reading(actuals, year, FLOW) for year in range(first, last_full_year + 1)]
    if half == H1:
        readings.append(half_reading(actuals, fiscal_year, H1, FLOW))
    used = ((base,) if base else ()) + tuple(f for r in readings if r for f in r.used)
    if not used:
        return None
    total = (base.value if base else Decimal(0)) + sum((r.value for r in readings if r), Decimal(0))
    return Reading(total, used)
