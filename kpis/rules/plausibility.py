"""Plausibility warnings: a half's value far from the indicator's own history or from the half's
pace is not refused, but it needs an explanation before the report is submitted (and an import
lists it in its preview). The thresholds are settings (PLAUSIBILITY_* in chizai_portal/settings.py).

- HISTORY: more than `history_factor` times the largest earlier half;
- PACE: more than `pace_factor` times what the half is expected to bring (the half's pace);
- DROP_TO_ZERO: 0 after a half that was not 0.

Pure: the caller passes the earlier halves (oldest first) and the half's pace; no ORM, no clock.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kpis.rules.inputs import COUNT
from kpis.rules.texts import amount, shown_pace


class Check(enum.StrEnum):
    HISTORY = "history"
    PACE = "pace"
    DROP_TO_ZERO = "drop_to_zero"


@dataclass(frozen=True)
class Limits:
    history_factor: Decimal = Decimal(3)
    pace_factor: Decimal = Decimal(5)


@dataclass(frozen=True)
class Warning:
    check: Check
    message: str


# A flag stored without the figures at hand (a review, an export, a count) is named by these.
CHECK_LABELS = {
    Check.HISTORY: "これまでの半期と比べて大きい値",
    Check.PACE: "今期の目安と比べて大きい値",
    Check.DROP_TO_ZERO: "前の半期から0に減少",
}


def labels_of(codes: str) -> list[str]:
    """The stored checks ("history,pace") in words."""
    return [CHECK_LABELS[Check(code)] for code in codes.split(",") if code in Check._value2member_map_]


# The causes an officer chooses from to explain a flagged value (stored on the report's line).
CAUSES = (
    ("external", "外部要因"),
    ("timing", "事業の前倒し・遅れ"),
    ("counting", "集計方法の変更"),
    ("confirmed", "誤りではない（確認済み）"),
    ("other", "その他"),
)


def warnings_for(
    value: Decimal | None,
    earlier: Sequence[Decimal],
    pace: Decimal | None,
    limits: Limits,
    unit: str = "",
    measure: str = COUNT,
) -> tuple[Warning, ...]:
    """What is implausible about `value`, in Japanese; () for a plausible or missing value."""
    if value is None:
        return ()
    found = []
    largest = max(earlier, default=None)
    if largest is not None and largest > 0 and value > largest * limits.history_factor:
        found.append(
            Warning(
                Check.HISTORY,
                f"これまでの半期で最大の値（{amount(largest, unit)}）の{_plain(limits.history_factor)}倍を超えています。",
            )
        )
    if pace is not None and pace > 0 and value > pace * limits.pace_factor:
        found.append(
            Warning(
                Check.PACE,
                f"今期の目安（{shown_pace(pace, unit, measure)}）の{_plain(limits.pace_factor)}倍を超えています。",
            )
        )
    if value == 0 and earlier and earlier[-1] > 0:
        found.append(
            Warning(Check.DROP_TO_ZERO, f"前の半期（{amount(earlier[-1], unit)}）から0になっています。")
        )
    return tuple(found)


def _plain(number: Decimal) -> str:
    """A number without trailing zeros (2.5, 3), never in exponent notation."""
    return f"{Decimal(number).normalize():f}"
