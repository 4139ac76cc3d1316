"""Paces: what a period the documents do not judge is measured against, and what each one is.

None of these is in the documents, which judge a target only once its period is complete (a year,
a plan's span, a goal's year, a deadline). They are the portal's readings, each named on screen:

- 上期のペース (HALF_YEAR): half of a yearly flow target, for the first half;
- 計画期間の按分 (PLAN_SHARE): a cumulative goal spread evenly over its span's halves;
- 経過目標 (TRAJECTORY): a straight line from the baseline to the goal, for the years between;
- 各年度目標の合計 (YEARS_TO_DATE): the plan to date of a yearly flow, the years' targets added up;
- 目標値 (GOAL): a level, a share or a goal with no baseline: the goal itself, no interim pace;
- 期限 (DEADLINE): a milestone not done yet and not yet due.

A pace's value can be fractional (half of 年5回 is 2.5): it is compared exactly, and printed only
through kpis/rules/texts.py, which never prints a fractional count.
"""

import enum
import math
from dataclasses import dataclass
from decimal import Decimal

from kpis.rules.inputs import H1, LOWER, TargetFigure


class PaceKind(enum.StrEnum):
    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    HALF_YEAR = "half_year", "上期のペース"
    PLAN_SHARE = "plan_share", "計画期間の按分"
    TRAJECTORY = "trajectory", "経過目標"
    YEARS_TO_DATE = "years_to_date", "各年度目標の合計"
    GOAL = "goal", "目標値"
    DEADLINE = "deadline", "期限"


# Paces that say how far along a period should be; the others only say where it ends.
INTERIM = (PaceKind.HALF_YEAR, PaceKind.PLAN_SHARE, PaceKind.TRAJECTORY, PaceKind.YEARS_TO_DATE)


@dataclass(frozen=True, slots=True)  # thousands kept in memory (judged_memo)
class Pace:
    """`share` of `of`: half (1, 2) of a yearly target, 5 of 6 halves of a cumulative goal, ….

    `of` is the whole the share is taken of (the yearly target, the cumulative goal, the trajectory's
    value for the year, the years' targets added up, the goal); `year` the (last) year it is for;
    `span` the first and last year of a cumulative goal or of a trajectory (baseline year, goal year).
    """

    kind: PaceKind
    of: Decimal
    share: tuple[int, int] = (1, 1)
    year: int | None = None
    half: str | None = None
    span: tuple[int, int] | None = None

    def __post_init__(self):
        numerator, denominator = self.share
        divisor = math.gcd(numerator, denominator) or 1
        object.__setattr__(self, "share", (numerator // divisor, denominator // divisor))

    @property
    def value(self) -> Decimal:
        """What the actual is compared with, exactly (2.5 for half of 5): never print it for a count."""
        numerator, denominator = self.share
        return self.of * numerator / denominator

    @property
    def is_whole(self) -> bool:
        return self.value == self.value.to_integral_value()

    @property
    def label(self) -> str:
        return self.kind.label


def keeps_pace(actual: Decimal, pace: Pace, direction: str) -> bool:
    return actual <= pace.value if direction == LOWER else actual >= pace.value


def half_year(target: TargetFigure, year: int) -> Pace:
    return Pace(PaceKind.HALF_YEAR, target.value, (1, 2), year=year, half=H1)


def plan_share(goal: TargetFigure, start: int, year: int, half: str | None) -> Pace:
    """The goal spread over the halves of its span, through `year` (or its first half)."""
    total = 2 * (goal.year - start + 1)
    elapsed = 2 * (year - start) + (1 if half == H1 else 2)
    elapsed = min(max(elapsed, 0), total)
    return Pace(
        PaceKind.PLAN_SHARE, goal.value, (elapsed, total), year=year, half=half, span=(start, goal.year)
    )


def has_trajectory(goal: TargetFigure) -> bool:
    return (
        goal.baseline_value is not None and goal.baseline_year is not None and goal.baseline_year < goal.year
    )


def trajectory(goal: TargetFigure, year: int, half: str | None = None, *, flow: bool = True) -> Pace:
    """経過目標: the point for the end of `year` on the straight line from the baseline to the goal.

    Through a first half, a flow (a year's count) is half of its year's point; a level (a share, a
    stock) is the point half a year earlier.
    """
    start, end = goal.baseline_year, goal.year
    elapsed = Decimal(year - start) - (Decimal("0.5") if half == H1 and not flow else 0)
    point = goal.baseline_value + (goal.value - goal.baseline_value) * elapsed / Decimal(end - start)
    share = (1, 2) if half == H1 and flow else (1, 1)
    return Pace(PaceKind.TRAJECTORY, point, share, year=year, half=half, span=(start, end))


def years_to_date(total: Decimal, first: int, year: int, half: str | None) -> Pace:
    return Pace(PaceKind.YEARS_TO_DATE, total, year=year, half=half, span=(first, year))


def goal(target: TargetFigure, half: str | None = None) -> Pace:
    return Pace(PaceKind.GOAL, target.value, year=target.year, half=half)


def deadline(target: TargetFigure) -> Pace:
    return Pace(PaceKind.DEADLINE, target.value, year=target.year)
