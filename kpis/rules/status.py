"""The documents' marks and how a rate earns one."""

import enum
from dataclasses import dataclass
from decimal import Decimal

from kpis.rules.inputs import HIGHER, LOWER
from kpis.rules.rates import HUNDRED


class Status(enum.StrEnum):
    """達成状況. The values of ○ △ × equal plans.models.Measure.Mark's."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    ACHIEVED = "achieved", "○"
    PARTLY = "partly", "△"
    NOT_ACHIEVED = "not_achieved", "×"
    NOT_REPORTED = "not_reported", "未報告"
    NOT_APPLICABLE = "not_applicable", "対象外"


@dataclass(frozen=True)
class Thresholds:
    """Rates (percent) from which a result is ○ and △: a plan's achieved_percent and partial_percent."""

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
