"""Which target applies to a year, and what a cumulative or baseline target implies along the way."""

from collections.abc import Iterable
from decimal import Decimal

from kpis.rules.inputs import BASELINE, CUM, CY, H1, MILESTONE, SHARE, YEAR_PERIODS, TargetFigure
from kpis.rules.rates import HUNDRED


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
