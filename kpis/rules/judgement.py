"""One rule for every view period: which target applies, and whether the documents judge it.

    judgement(figures, View.fiscal_half(2022, "h1"), as_of=today, thresholds=plan_thresholds)

returns a Judgement (kpis/rules/judged.py):

- kind FINAL once the period the target was set for is complete by `as_of` (the year of a per-year
  target, the end year of a cumulative goal or of a baseline → target goal, the due date of a
  milestone): the documents' judgement, 〇 △ × with their rate (or 未報告 when the figures never
  came), the same whichever view it is reached from;
- kind PROGRESS otherwise: 順調 / 遅れ / 進行中 / 未報告 against a pace that says what it is
  (kpis/rules/pace.py), never a mark;
- kind NONE when the view has nothing to judge for the indicator (`note` says why).

Tallies count FINAL results only (kpis/rules/tally.py). docs/judgement.md has the table of target
shapes × view periods, and which of these choices the documents make and which the portal makes.
"""

import datetime
from dataclasses import replace

from kpis.rules.goals import goal, milestone
from kpis.rules.inputs import (
    BASELINE,
    CUMULATIVE,
    MILESTONE,
    NO_TARGET,
    PER_YEAR,
    SHARE,
    IndicatorFigures,
)
from kpis.rules.judged import NO_NUMERIC_TARGET, Judgement, Kind, nothing
from kpis.rules.pace import Pace, PaceKind
from kpis.rules.status import Progress, Status, Thresholds, label_of
from kpis.rules.targets import target_for
from kpis.rules.view_periods import Scope, View, position_of, year_period_of
from kpis.rules.yearly import cumulative, per_year

__all__ = [
    "Judgement",
    "Kind",
    "Pace",
    "PaceKind",
    "Progress",
    "Scope",
    "Status",
    "Thresholds",
    "View",
    "judgement",
    "label_of",
    "target_for",
]

_BY_SHAPE = {
    PER_YEAR: per_year,
    CUMULATIVE: cumulative,
    BASELINE: goal,
    SHARE: goal,
    MILESTONE: milestone,
}


def judgement(
    figures: IndicatorFigures, view: View, *, as_of: datetime.date, thresholds: Thresholds
) -> Judgement:
    """What `view` shows for the indicator, with the figures as they stand on `as_of`.

    `as_of` decides which periods are complete (a period is complete once its last day has passed);
    pass today, or a liaison meeting's cut-off day with the figures read as of that day.
    """
    rules = figures.rules
    year_period = year_period_of(figures)
    if rules.target_shape == NO_TARGET:
        result = nothing(NO_NUMERIC_TARGET)
    else:
        at = position_of(view, year_period, as_of)
        result = (
            nothing(at) if isinstance(at, str) else _BY_SHAPE[rules.target_shape](figures, at, thresholds)
        )
    return replace(result, year_period=year_period, rate_places=rules.rate_places, measure=rules.measure)
