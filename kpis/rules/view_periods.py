"""View periods: what a page, an export or a pack looks at, and where that falls for one indicator.

A view is a fiscal half (上期/下期), a fiscal year (年度), a calendar year (年), the plan to date, or
a cut-off date. An indicator counts its years either as fiscal years or as calendar years (1st plan
SME share of applications, 2nd plan PCT applications); a view is placed on the indicator's own kind
of year, and every result says which kind it is, so a page never shows a 年 figure as 年度.
"""

import datetime
import enum
from dataclasses import dataclass

from kpis.rules.inputs import CY, FY, H1, H2, HALVES, YEAR_PERIODS, IndicatorFigures
from plans.fiscal import fiscal_year_of, half_bounds


class Scope(enum.StrEnum):
    HALF = "half"
    FISCAL_YEAR = "fiscal_year"
    CALENDAR_YEAR = "calendar_year"
    PLAN_TO_DATE = "plan_to_date"
    CUT_OFF = "cut_off"


@dataclass(frozen=True)
class View:
    """Build one with the class methods: View.fiscal_half(2022, "h1"), View.fiscal_year(2022),
    View.calendar_year(2022), View.plan_to_date(2022), View.cut_off(datetime.date(2022, 11, 15))."""

    scope: Scope
    year: int
    half: str | None = None
    day: datetime.date | None = None

    def __post_init__(self):
        if self.half not in (None, *HALVES):
            raise ValueError(f"unknown half: {self.half!r}")
        if (self.scope is Scope.HALF) != (self.half is not None) and self.scope is not Scope.PLAN_TO_DATE:
            raise ValueError("a half view needs a half, and only a half view or the plan to date takes one")
        if self.scope is Scope.PLAN_TO_DATE and self.half == H2:
            raise ValueError("the plan to date runs through a whole year or through its first half")
        if (self.scope is Scope.CUT_OFF) != (self.day is not None):
            raise ValueError("a cut-off view, and only it, has a day")

    @classmethod
    def fiscal_half(cls, fiscal_year: int, half: str) -> "View":
        return cls(Scope.HALF, fiscal_year, half=half)

    @classmethod
    def fiscal_year(cls, fiscal_year: int) -> "View":
        return cls(Scope.FISCAL_YEAR, fiscal_year)

    @classmethod
    def calendar_year(cls, year: int) -> "View":
        return cls(Scope.CALENDAR_YEAR, year)

    @classmethod
    def plan_to_date(cls, fiscal_year: int, half: str | None = None) -> "View":
        """The plan from its start through `fiscal_year` (or through its first half, half="h1")."""
        return cls(Scope.PLAN_TO_DATE, fiscal_year, half=half)

    @classmethod
    def cut_off(cls, day: datetime.date) -> "View":
        """The year `day` falls in, as it stood that day (a liaison meeting's 資料の基準日)."""
        return cls(Scope.CUT_OFF, fiscal_year_of(day), day=day)


@dataclass(frozen=True)
class Position:
    """A view placed on one indicator's years: `year` is a fiscal or a calendar year (`year_period`)."""

    year: int
    year_period: str
    half: str | None  # h1: through the first half; h2: the half's own target if it has one
    to_date: bool
    as_of: datetime.date


def year_period_of(figures: IndicatorFigures) -> str:
    """CY when the indicator's yearly targets (or, without any, its yearly actuals) are calendar years."""
    for candidates in (figures.targets, figures.actuals):
        periods = {f.period for f in candidates if f.period in YEAR_PERIODS}
        if periods:
            return CY if periods == {CY} else FY
    return FY


def year_end(year: int, year_period: str) -> datetime.date:
    """The last day of a fiscal year (31 March of the next year) or of a calendar year."""
    return datetime.date(year, 12, 31) if year_period == CY else datetime.date(year + 1, 3, 31)


def period_end(period: str, year: int) -> datetime.date:
    """The last day of a target's or an actual's period (a 累計 runs to the end of its fiscal year)."""
    if period in HALVES:
        return half_bounds(year, period)[1]
    return year_end(year, CY if period == CY else FY)


def is_over(last_day: datetime.date, as_of: datetime.date) -> bool:
    """A period is complete once its last day has passed: on that day itself figures may still come."""
    return as_of > last_day


# Why a view judges nothing for an indicator (shown in place of a status).
NO_HALVES_IN_A_CALENDAR_YEAR = "暦年（年）の指標のため、半期では判定しません"
NOT_A_CALENDAR_YEAR = "年度の指標のため、暦年（年）では判定しません"


def position_of(view: View, year_period: str, as_of: datetime.date) -> Position | str:
    """Where `view` falls for an indicator counting `year_period` years, or why it does not."""
    if view.scope is Scope.HALF:
        if year_period == CY:
            return NO_HALVES_IN_A_CALENDAR_YEAR
        return Position(view.year, FY, view.half, False, as_of)
    if view.scope is Scope.CALENDAR_YEAR and year_period == FY:
        return NOT_A_CALENDAR_YEAR
    if view.scope is Scope.PLAN_TO_DATE:
        half = view.half if year_period == FY else None
        return Position(view.year, year_period, half, True, as_of)
    if view.scope is Scope.CUT_OFF:
        year = view.day.year if year_period == CY else view.year
        return Position(year, year_period, None, False, min(as_of, view.day))
    return Position(view.year, year_period, None, False, as_of)


def year_label(year: int, year_period: str) -> str:
    """2022 → "2022年度", or "2022年" for a calendar year."""
    return f"{year}年" if year_period == CY else f"{year}年度"


def through_label(year: int, half: str | None, year_period: str) -> str:
    """Where a figure runs to: "2022年度上期", "2022年度", "2022年"."""
    return year_label(year, year_period) + ("上期" if half == H1 else "")
