"""The documents' marks and how a rate earns one.

The documents' measures tables (000 §3-2, §3-3) print 〇 (U+3007 IDEOGRAPHIC NUMBER ZERO) for
achieved, not ○ (U+25CB WHITE CIRCLE): the portal prints 〇 too. People type either (and ◯, U+25EF)
into searches and spreadsheets, so whatever reads a mark from text folds them together first.
"""

import enum
from dataclasses import dataclass
from decimal import Decimal

from kpis.rules.inputs import HIGHER, LOWER
from kpis.rules.rates import HUNDRED

ACHIEVED_MARK = "〇"
# Every circle a user may type for 〇; NFKC leaves them apart, so they are folded here.
CIRCLES = ("〇", "○", "◯")


class Status(enum.StrEnum):
    """達成状況. The values of 〇 △ × equal plans.models.Measure.Mark's."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    ACHIEVED = "achieved", ACHIEVED_MARK
    PARTLY = "partly", "△"
    NOT_ACHIEVED = "not_achieved", "×"
    NOT_REPORTED = "not_reported", "未報告"
    NOT_APPLICABLE = "not_applicable", "対象外"


# The statuses the documents print as a mark: only a final result carries one.
MARKED = (Status.ACHIEVED, Status.PARTLY, Status.NOT_ACHIEVED)


class Progress(enum.StrEnum):
    """進捗: how a period the documents do not judge (yet) stands against a pace. Never a mark.

    未報告 has the value of Status.NOT_REPORTED, so a filter on 未報告 finds both.
    """

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    ON_PACE = "on_pace", "順調"
    BEHIND = "behind", "遅れ"
    # Below a goal that sets no interim pace (a share, a level without a baseline): not behind, not there.
    UNDER_WAY = "under_way", "進行中"
    NOT_REPORTED = "not_reported", "未報告"


def label_of(value: str) -> str:
    """The printed word of a Status or Progress value: "achieved" → "〇", "on_pace" → "順調"."""
    for words in (Status, Progress):
        if value in words._value2member_map_:
            return words(value).label
    raise ValueError(f"unknown status: {value!r}")


@dataclass(frozen=True)
class Thresholds:
    """Rates (percent) from which a result is 〇 and △: a plan's achieved_percent and partial_percent."""

    achieved: Decimal = Decimal(100)
    partial: Decimal = Decimal(80)

    def __post_init__(self):
        if self.partial > self.achieved:
            raise ValueError("the partial threshold cannot exceed the achieved threshold")


def status_for_rate(rate: Decimal, thresholds: Thresholds) -> Status:
    # The unrounded rate decides: 1,399 of 1,400 prints "100%" but is not achieved.
    if rate >= thresholds.achieved:
        return Status.ACHIEVED
    if rate >= thresholds.partial:
        return Status.PARTLY
    return Status.NOT_ACHIEVED


def judge(
    actual: Decimal | None, target: Decimal | None, direction: str, thresholds: Thresholds
) -> tuple[Status, Decimal | None]:
    """Status and rate of an actual against a target."""
    # A zero target for a higher-is-better figure is met by doing nothing: it sets no goal, so it
    # is 対象外 and left out of the totals. Lower-is-better keeps it (0 incidents is a real goal).
    if target is None or (direction == HIGHER and target == 0):
        return Status.NOT_APPLICABLE, None
    if actual is None:
        return Status.NOT_REPORTED, None
    if direction == LOWER:
        if actual == 0:
            return Status.ACHIEVED, None  # cannot be lower; target ÷ 0 has no rate
        rate = target * HUNDRED / actual
    else:
        rate = actual * HUNDRED / target
    return status_for_rate(rate, thresholds), rate


def fold_marks(text: str) -> str:
    """Every circle written as the documents' 〇: for reading a mark (or a yes) typed in any of them."""
    for circle in CIRCLES[1:]:
        text = text.replace(circle, ACHIEVED_MARK)
    return text


def mark_variants(term: str) -> tuple[str, ...]:
    """A search term in each circle (one term when it holds none): "〇達成" → ("〇達成", "○達成", "◯達成").

    A database `icontains` cannot fold characters, so a search ORs over these.
    """
    folded = fold_marks(term)
    if ACHIEVED_MARK not in folded:
        return (term,)
    return tuple(folded.replace(ACHIEVED_MARK, circle) for circle in CIRCLES)


def status_of_mark(text: str) -> Status | None:
    """A mark as typed (〇/○/◯, △, ×/✕) → its Status; None for anything else."""
    folded = fold_marks(text.strip()).replace("✕", "×")
    return {status.label: status for status in MARKED}.get(folded)
