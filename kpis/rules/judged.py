"""A judgement: what one view period shows for one indicator, and the three ways it is made.

- final (確定): the period the target was set for is complete: the documents' judgement, 〇 △ ×
  (or 未報告 when the figures for it never came), and the documents' rate;
- progress (進捗): anything else: the portal's reading against a pace (kpis/rules/pace.py),
  順調 / 遅れ / 進行中 / 未報告, never a mark;
- none (対象外): nothing to judge in this view (no numeric target, no target for that year, a
  calendar-year indicator in a half view, the baseline's own year); `note` says why.
"""

import enum
from dataclasses import dataclass
from decimal import Decimal

from kpis.rules.inputs import COUNT, FY, HIGHER, ActualFigure, Rules, TargetFigure
from kpis.rules.pace import Pace, PaceKind, keeps_pace
from kpis.rules.rates import format_rate, round_percent
from kpis.rules.readings import Reading
from kpis.rules.status import MARKED, Progress, Status, Thresholds, judge


class Kind(enum.StrEnum):
    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    FINAL = "final", "確定"
    PROGRESS = "progress", "進捗"
    NONE = "none", "対象外"


@dataclass(frozen=True, slots=True)  # thousands kept in memory (judged_memo)
class Judgement:
    kind: Kind
    status: Status | Progress
    target: TargetFigure | None = None  # the target that applies (target_for's answer), never halved
    actual_value: Decimal | None = None  # the year's, the half's, or the total to date
    rate: Decimal | None = None  # percent, unrounded: actual ÷ target (target ÷ actual when lower is better)
    pace: Pace | None = None  # progress only
    year: int | None = None  # the year the figures are of (or run through): fiscal, or calendar (year_period)
    half: str | None = None  # "h1" when they run through the first half only
    year_period: str = FY  # "fy" or "cy": label the year 年度 or 年
    complete: bool = True  # False: the period is over but a flow year has its 上期 only
    actuals_used: tuple[ActualFigure, ...] = ()
    rate_places: int = 0
    measure: str = COUNT  # how a pace may be printed: a count never with a fraction
    note: str = ""

    @property
    def is_final(self) -> bool:
        return self.kind is Kind.FINAL

    @property
    def target_value(self) -> Decimal | None:
        return None if self.target is None else self.target.value

    @property
    def label(self) -> str:
        """〇 △ × 未報告 for a final result, 順調 遅れ 進行中 未報告 for progress, 対象外."""
        return self.status.label

    @property
    def mark(self) -> str:
        """The documents' mark, only a final result has one: "〇", "△", "×" or ""."""
        return self.status.label if self.is_final and self.status in MARKED else ""

    @property
    def percent(self) -> Decimal | None:
        """The rate rounded as the source prints it (half up, `rate_places` decimals)."""
        return None if self.rate is None else round_percent(self.rate, self.rate_places)

    @property
    def rate_text(self) -> str:
        return "" if self.rate is None else format_rate(self.rate, self.rate_places)


NO_NUMERIC_TARGET = "数値目標なし"
NO_TARGET_THIS_YEAR = "この年度（年）に適用される目標なし"
BASELINE_YEAR = "基準値の年（判定しません）"
SECOND_HALF_MISSING = "下期未報告（上期のみ）"
LAST_YEAR_MISSING = "最終年度の実績が未報告"
# The paces whose rate against the whole goal the documents print along the way (000 成果事例:
# 北海道 平成30年度 121件（達成率93％） of the 令和元年度 goal); a half's or a sum's rate would read as failure.
RATED_PACES = (PaceKind.TRAJECTORY, PaceKind.PLAN_SHARE, PaceKind.GOAL)


def nothing(note: str, *, target: TargetFigure | None = None, year: int | None = None) -> Judgement:
    return Judgement(Kind.NONE, Status.NOT_APPLICABLE, target=target, year=year, note=note)


def _sets_no_goal(target: TargetFigure, rules: Rules) -> bool:
    # As in judge(): a zero target for a higher-is-better figure is met by doing nothing.
    return rules.direction == HIGHER and target.value == 0


def final(
    target: TargetFigure,
    reading: Reading | None,
    rules: Rules,
    thresholds: Thresholds,
    *,
    year: int,
    missing: str = "",
) -> Judgement:
    """The documents' judgement of a complete period; 未報告 without its figures, or when `missing`
    says what part of them never came (the reading then is what did)."""
    if _sets_no_goal(target, rules):
        return nothing(NO_NUMERIC_TARGET, target=target, year=year)
    used = reading.used if reading else ()
    actual = reading.value if reading else None
    if reading is None or missing:
        return Judgement(
            Kind.FINAL,
            Status.NOT_REPORTED,
            target,
            actual,
            year=year,
            complete=False,
            actuals_used=used,
            note=missing,
        )
    status, rate = judge(actual, target.value, rules.direction, thresholds)
    return Judgement(Kind.FINAL, status, target, actual, rate, year=year, actuals_used=used)


def progress(
    target: TargetFigure,
    reading: Reading | None,
    pace: Pace,
    rules: Rules,
    *,
    year: int,
    half: str | None = None,
) -> Judgement:
    """Where a period stands against `pace`: 順調 / 遅れ, or 進行中 below a goal that sets no pace."""
    if _sets_no_goal(target, rules):
        return nothing(NO_NUMERIC_TARGET, target=target, year=year)
    common = {"pace": pace, "year": year, "half": half}
    if reading is None:
        return Judgement(Kind.PROGRESS, Progress.NOT_REPORTED, target, **common)
    if keeps_pace(reading.value, pace, rules.direction):
        status = Progress.ON_PACE
    elif pace.kind in (PaceKind.GOAL, PaceKind.DEADLINE):
        status = Progress.UNDER_WAY
    else:
        status = Progress.BEHIND
    rate = None
    if pace.kind in RATED_PACES:
        _status, rate = judge(reading.value, target.value, rules.direction, Thresholds())
    return Judgement(Kind.PROGRESS, status, target, reading.value, rate, actuals_used=reading.used, **common)
