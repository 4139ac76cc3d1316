"""Which target applies to a year, and what a cumulative or baseline target implies along the way.

`target_for` is the one answer to "which target applies to this indicator in this year (or half)":
the judgement (kpis/rules/judgement.py), the report form, central entry and the revisions page all
ask it, so none of them can show a target the others do not use.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol, TypeVar

from kpis.rules.inputs import (
    BASELINE,
    CUM,
    CUMULATIVE,
    CY,
    H1,
    HALVES,
    MILESTONE,
    NO_TARGET,
    PER_YEAR,
    SHARE,
    YEAR_PERIODS,
    TargetFigure,
)
from kpis.rules.rates import HUNDRED


class TargetLike(Protocol):
    """A TargetFigure or a kpis.models.Target: what choosing a target reads."""

    period: str
    year: int
    start_year: int | None


Chosen = TypeVar("Chosen", bound=TargetLike)


def target_for(
    targets: Iterable[Chosen],
    year: int,
    *,
    shape: str,
    half: str | None = None,
    plan_start_year: int | None = None,
) -> Chosen | None:
    """The target that applies to `year` (a fiscal year, or a calendar year for a 年 indicator), or to
    one half of it: one of `targets` itself (a TargetFigure or a kpis.models.Target), or None.

    - a half with its own target (h1/h2) takes it; otherwise the half is judged on its year's target;
    - per year: the year's own target, else the latest earlier one (in force until revised);
    - a goal (baseline → target, share, milestone): the year's own, else the next later goal (the
      years before a goal are measured against it: 000 北海道 FY2018 121 ÷ the FY2019 goal 130),
      else the latest earlier one. A goal written only as a total to date (002 徳島 LED応用製品
      290件（累計）) is a goal of its `cum` year;
    - cumulative: the `cum` goal whose span (its start year, else the plan's) holds `year`; none
      before or after the span, where a year of its own cannot be judged on a plan-long total.
    """
    targets = tuple(targets)
    if shape == NO_TARGET:
        return None
    if half in HALVES:
        own = next((t for t in targets if t.period == half and t.year == year), None)
        if own is not None:
            return own
    if shape == CUMULATIVE:
        return _cumulative_for(targets, year, plan_start_year)
    by_year = _by_year(targets, with_cumulative=shape != PER_YEAR)
    if year in by_year:
        return by_year[year]
    later = [y for y in by_year if y > year]
    if shape != PER_YEAR and later:
        return by_year[min(later)]
    earlier = [y for y in by_year if y < year]
    return by_year[max(earlier)] if earlier else None


def _by_year(targets, *, with_cumulative: bool) -> dict:
    """Yearly targets by year, a fiscal year's before a calendar year's, then (for a goal) a 累計."""
    by_year = {}
    for periods in ((YEAR_PERIODS[0],), (CY,), (CUM,) if with_cumulative else ()):
        for target in targets:
            if target.period in periods:
                by_year.setdefault(target.year, target)
    return by_year


def _cumulative_for(targets, year, plan_start_year):
    for target in sorted((t for t in targets if t.period == CUM), key=lambda t: t.year):
        start = target.start_year or plan_start_year
        if (start is None or start <= year) and year <= target.year:
            return target
    return None


def last_cumulative_before(targets: Iterable[Chosen], year: int) -> Chosen | None:
    """The cumulative goal whose span ended last by `year`: what the plan to date shows after it."""
    ended = [t for t in targets if t.period == CUM and t.year <= year]
    return max(ended, key=lambda t: t.year, default=None)


def target_in_force(targets: Iterable[TargetFigure], year: int, *, shape: str) -> TargetFigure | None:
    """The year's own fy (or cy) target; else the latest earlier one, which stays in force until revised.

    A goal (baseline, share, milestone) is set for a later year and earlier years are measured
    against it: 000 prints 北海道 FY2018 121 ÷ the FY2019 goal 130 = 93%.
    """
    by_year: dict[int, TargetFigure] = {}
    for target in targets:
        if target.period in YEAR_PERIODS and not (target.period == CY and target.year in by_year):
            by_year[target.year] = target
    if year in by_year:
        return by_year[year]
    later = [y for y in by_year if y > year]
    if shape in (BASELINE, SHARE, MILESTONE) and later:
        return by_year[min(later)]
    earlier = [y for y in by_year if y < year]
    return by_year[max(earlier)] if earlier else None


def cumulative_target(targets: Iterable[TargetFigure], year: int) -> TargetFigure | None:
    """The `cum` target whose period still runs in `year`; after the last one ends, the last one."""
    cums = sorted((t for t in targets if t.period == CUM), key=lambda t: t.year)
    ahead = [t for t in cums if t.year >= year]
    return ahead[0] if ahead else (cums[-1] if cums else None)


def pro_rata(
    target: TargetFigure, start: int | None, fiscal_year: int, half: str | None = None
) -> Decimal | None:
    """The share of a cumulative target expected by the end of `fiscal_year` (or its first half)."""
    if start is None:
        return None
    span = target.year - start + 1
    elapsed = Decimal(fiscal_year - start) + (Decimal("0.5") if half == H1 else 1)
    return target.value * min(max(elapsed, Decimal(0)), Decimal(span)) / span


def gap_closed(actual: Decimal | None, target: TargetFigure) -> Decimal | None:
    """(latest − baseline) ÷ (target − baseline), percent: how far from the baseline to the goal."""
    baseline = target.baseline_value
    if actual is None or baseline is None or target.value == baseline:
        return None
    return (actual - baseline) * HUNDRED / (target.value - baseline)
