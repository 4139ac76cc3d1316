"""What a judgement says in words: the pace it was measured against and the target it used.

Built from whole numbers for counts: half of 年5回 is never printed as 2.5回 (「年5回の半分（上期）
のペース」), and a 経過目標 that falls between two whole counts is printed rounded with 約.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from kpis.rules.inputs import COUNT, CUM, CY, FY, H1, HALVES, TargetFigure
from kpis.rules.judged import Judgement
from kpis.rules.pace import Pace, PaceKind
from kpis.rules.view_periods import through_label, year_label
from plans.dates import japanese_date

TRAJECTORY_NOTE = "基準値から目標値までを直線で結んだポータルの目安で、文書が定めた目標ではありません"


def amount(value: Decimal, unit: str) -> str:
    """6853 → "6,853件"; 16.10 → "16.1%"."""
    if value == value.to_integral_value():
        return f"{int(value):,}{unit}"
    return f"{value.normalize():,f}{unit}"


def shown_pace(value: Decimal, unit: str, measure: str) -> str:
    """A pace's value: whole as it is; a fractional count rounded with 約, anything else to 0.1."""
    if value == value.to_integral_value():
        return amount(value, unit)
    places = Decimal(1) if measure == COUNT else Decimal("0.1")
    return "約" + amount(value.quantize(places, rounding=ROUND_HALF_UP), unit)


def pace_text(result: Judgement, unit: str) -> str:
    """The pace a progress result was measured against, in words; "" without one."""
    pace = result.pace
    if pace is None:
        return ""
    whole = pace.is_whole or result.measure != COUNT
    texts = {
        PaceKind.HALF_YEAR: _half_year,
        PaceKind.PLAN_SHARE: _plan_share,
        PaceKind.TRAJECTORY: _trajectory,
        PaceKind.YEARS_TO_DATE: _years_to_date,
        PaceKind.GOAL: _goal,
        PaceKind.DEADLINE: _deadline,
    }
    return texts[pace.kind](result, pace, unit, whole)


def _half_year(result, pace: Pace, unit, whole) -> str:
    yearly = amount(pace.of, unit)
    if whole:
        return f"年{yearly}のうち上期{amount(pace.value, unit)}のペース"
    return f"年{yearly}の半分（上期）のペース"


def _plan_share(result, pace: Pace, unit, whole) -> str:
    first, last = pace.span
    goal = f"{first}〜{last}年度累計{amount(pace.of, unit)}"
    through = through_label(pace.year, pace.half, FY)
    if whole:
        return f"{goal}のうち{through}までの按分{amount(pace.value, unit)}"
    numerator, denominator = pace.share
    return f"{goal}の{denominator}分の{numerator}（{through}までの按分）"


def _trajectory(result: Judgement, pace: Pace, unit, whole) -> str:
    goal = result.target
    period = result.year_period
    point = shown_pace(pace.of, unit, result.measure)
    where = through_label(pace.year, pace.half if pace.share == (1, 1) else None, period)
    line = (
        f"基準値{amount(goal.baseline_value, unit)}（{year_label(goal.baseline_year, period)}）→"
        f"目標値{amount(goal.value, unit)}（{year_label(goal.year, period)}）"
    )
    if pace.share == (1, 2):
        return f"経過目標 {where} {point}の半分（上期）（{line}。{TRAJECTORY_NOTE}）"
    return f"経過目標 {where} {point}（{line}。{TRAJECTORY_NOTE}）"


def _years_to_date(result, pace: Pace, unit, whole) -> str:
    first, last = pace.span
    through = f"{first}〜{through_label(last, pace.half, result.year_period)}"
    if whole:
        return f"各年度目標の合計{amount(pace.value, unit)}（{through}）"
    return f"各年度目標の合計（{through}、{year_label(last, result.year_period)}は上期の半分）"


def _goal(result: Judgement, pace: Pace, unit, whole) -> str:
    return f"目標値{amount(pace.of, unit)}（{year_label(pace.year, result.year_period)}）"


def _deadline(result: Judgement, pace: Pace, unit, whole) -> str:
    due = result.target.due_date
    if due is None:
        return f"{year_label(pace.year, FY)}中に達成"
    return f"{date_label(due)}までに達成"


def date_label(day: datetime.date) -> str:
    """A deadline in a sentence: 2021年3月31日（令和3年3月31日）."""
    return japanese_date(day)


def target_basis(target: TargetFigure, *, plan_start_year: int | None = None) -> str:
    """What a target is, as the report form and the revisions page name it: "2022年度の目標",
    "2019年の目標", "2020〜2022年度累計", "2022年度上期の目標"."""
    if target.period == CUM:
        start = target.start_year or plan_start_year
        return f"{start or ''}〜{target.year}年度累計"
    if target.period in HALVES:
        return f"{target.year}年度{'上期' if target.period == H1 else '下期'}の目標"
    return f"{year_label(target.year, CY if target.period == CY else FY)}の目標"
