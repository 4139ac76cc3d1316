"""Plausibility warnings for an indicator's figure (kpis/rules/plausibility.py) read from the ORM:
the report form, its confirmation, the review, the imports' preview and the meeting pack ask
`warnings_of`. Fetch the indicator with its plan, targets and actuals (kpis.figures.with_figures):
no query then.

The half's pace here is what one half is expected to bring: half of a yearly flow target, a
cumulative goal spread evenly over its span's halves, the target itself for a level or a share.
A year's figure is measured the same way against a whole year.
"""

from decimal import Decimal

from django.conf import settings

from kpis.figures import target_of
from kpis.models import Indicator, Period
from kpis.rules.inputs import FLOW, MILESTONE, NO_TARGET
from kpis.rules.plausibility import Limits, Warning, warnings_for
from plans.fiscal import PERIOD_ORDER

HALVES = (Period.H1, Period.H2)
YEARS = (Period.FISCAL_YEAR, Period.CALENDAR_YEAR)


def limits() -> Limits:
    return Limits(
        history_factor=Decimal(settings.PLAUSIBILITY_HISTORY_FACTOR),
        pace_factor=Decimal(settings.PLAUSIBILITY_PACE_FACTOR),
    )


def warnings_of(indicator: Indicator, year: int, period: str, value: Decimal | None) -> tuple[Warning, ...]:
    """What is implausible about `value` as the indicator's figure for `period` of `year`."""
    if value is None or period not in (*HALVES, *YEARS):
        return ()
    earlier = earlier_values(indicator, year, period)
    return warnings_for(
        value, earlier, expected_in(indicator, year, period), limits(), indicator.unit, indicator.measure
    )


def earlier_values(indicator: Indicator, year: int, period: str) -> list[Decimal]:
    """The indicator's figures of the same kind (halves, or years) before `period` of `year`, oldest
    first, from the prefetched actuals."""
    kind = HALVES if period in HALVES else YEARS
    here = (year, PERIOD_ORDER[period])
    earlier = [
        a for a in indicator.actuals.all() if a.period in kind and (a.year, PERIOD_ORDER[a.period]) < here
    ]
    return [a.value for a in sorted(earlier, key=lambda a: (a.year, PERIOD_ORDER[a.period]))]


def expected_in(indicator: Indicator, year: int, period: str) -> Decimal | None:
    """What one half (or one year) is expected to bring, or None where there is no numeric pace."""
    if indicator.target_shape in (NO_TARGET, MILESTONE):
        return None
    target = target_of(indicator, year)
    if target is None:
        return None
    if indicator.aggregation != FLOW:
        return target.value  # a level or a share: the target itself
    if target.period == Period.CUMULATIVE:
        start = target.start_year or indicator.kpi.plan.start_fiscal_year
        years = max(target.year - start + 1, 1)
    else:
        years = 1
    parts = years * (2 if period in HALVES else 1)
    return target.value / parts
