"""Counting judged items for a block, the nation or a comparison, the way the documents count.

The documents count items achieved (〇) of items set, once each item's period is complete
(000 §5: 136/148; 003 I-2(2)②: 90/114). Only FINAL results enter those counts: an item in progress
is counted apart, on pace or behind, and never as achieved or failed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kpis.rules.judged import Judgement, Kind
from kpis.rules.rates import format_approximate_rate, format_items_rate, format_rate, items_rate
from kpis.rules.status import Progress, Status


@dataclass(frozen=True)
class FinalCount:
    """Items whose period is complete: set, achieved (〇), partly (△), not achieved (×), not reported."""

    items: int = 0
    achieved: int = 0
    partly: int = 0
    not_achieved: int = 0
    not_reported: int = 0

    @property
    def reported(self) -> int:
        return self.items - self.not_reported

    @property
    def rate(self) -> Decimal | None:
        """Achieved ÷ items set, unrounded; None while no item is final (0 of 0 is not failure)."""
        return items_rate(self.achieved, self.items)

    @property
    def rate_text(self) -> str:
        """136 of 148 → "91.9%" (one decimal, as 003 prints 90/114 → 78.9%)."""
        return format_items_rate(self.achieved, self.items)

    @property
    def approximate_rate_text(self) -> str:
        """136 of 148 → "約92%" (000 §5)."""
        return format_approximate_rate(self.achieved, self.items)


@dataclass(frozen=True)
class ProgressCount:
    """Items still in progress: on pace (順調), behind (遅れ), under way (進行中), not reported."""

    items: int = 0
    on_pace: int = 0
    behind: int = 0
    under_way: int = 0
    not_reported: int = 0


@dataclass(frozen=True)
class Counts:
    final: FinalCount
    progress: ProgressCount


_FINAL_FIELDS = {
    Status.ACHIEVED: "achieved",
    Status.PARTLY: "partly",
    Status.NOT_ACHIEVED: "not_achieved",
    Status.NOT_REPORTED: "not_reported",
}
_PROGRESS_FIELDS = {
    Progress.ON_PACE: "on_pace",
    Progress.BEHIND: "behind",
    Progress.UNDER_WAY: "under_way",
    Progress.NOT_REPORTED: "not_reported",
}


def count(results: Iterable[Judgement]) -> Counts:
    """Final results counted the documents' way, progress apart; NONE results are not items."""
    final = {"items": 0, **dict.fromkeys(_FINAL_FIELDS.values(), 0)}
    progress = {"items": 0, **dict.fromkeys(_PROGRESS_FIELDS.values(), 0)}
    for result in results:
        if result.kind is Kind.FINAL:
            final["items"] += 1
            final[_FINAL_FIELDS[result.status]] += 1
        elif result.kind is Kind.PROGRESS:
            progress["items"] += 1
            progress[_PROGRESS_FIELDS[result.status]] += 1
    return Counts(FinalCount(**final), ProgressCount(**progress))


# --- the measures tables' marks ------------------------------------------------------------------


@dataclass(frozen=True)
class MarkCount:
    """A measures table counted the documents' way: 〇 of the measures marked (000 §2: 「各支援段階別に
    設定された数値目標のうち、85％（17項目／20項目）を達成」 from 〇17 △2 ×1). Unmarked measures
    are not items."""

    achieved: int = 0
    partly: int = 0
    not_achieved: int = 0
    unmarked: int = 0

    @property
    def items(self) -> int:
        return self.achieved + self.partly + self.not_achieved

    @property
    def rate(self) -> Decimal | None:
        return items_rate(self.achieved, self.items)

    @property
    def rate_text(self) -> str:
        """17 of 20 → "85%": the measures' rate is printed whole (000 §2)."""
        return "" if self.rate is None else format_rate(self.rate)


def count_marks(marks: Iterable[str]) -> MarkCount:
    """Measure marks (Status values: "achieved", "partly", "not_achieved"; "" unmarked) counted."""
    found = {Status.ACHIEVED: 0, Status.PARTLY: 0, Status.NOT_ACHIEVED: 0, "": 0}
    for mark in marks:
        found[Status(mark) if mark else ""] += 1
    return MarkCount(found[Status.ACHIEVED], found[Status.PARTLY], found[Status.NOT_ACHIEVED], found[""])
