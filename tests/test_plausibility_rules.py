"""The plausibility rule (kpis/rules/plausibility.py): table-driven, pure."""

from decimal import Decimal as D

import pytest

from kpis.rules.plausibility import Check, Limits, warnings_for

LIMITS = Limits(history_factor=D(3), pace_factor=D(5))


@pytest.mark.parametrize(
    ("value", "earlier", "pace", "expected"),
    [
        (None, [D(2)], D(1), ()),  # nothing typed: nothing to say
        (D(6), [D(2), D(1)], None, ()),  # exactly 3× the largest earlier half
        (D("6.01"), [D(2), D(1)], None, (Check.HISTORY,)),
        (D(7), [], None, ()),  # no history, no pace
        (D(12), [], D("2.5"), ()),  # under 5× the pace (12.5)
        (D(13), [], D("2.5"), (Check.PACE,)),
        (D(1234), [D(3)], D("2.5"), (Check.HISTORY, Check.PACE)),
        (D(0), [D(3), D(2)], D("2.5"), (Check.DROP_TO_ZERO,)),
        (D(0), [D(3), D(0)], D("2.5"), ()),  # already 0 the half before
        (D(0), [], D("2.5"), ()),
        (D(5), [D(0), D(0)], D(0), ()),  # nothing to compare with
    ],
)
def test_warnings(value, earlier, pace, expected):
    assert tuple(w.check for w in warnings_for(value, earlier, pace, LIMITS)) == expected


def test_the_thresholds_are_taken_from_the_limits():
    assert warnings_for(D(5), [D(2)], None, Limits(history_factor=D(2))) != ()
    assert warnings_for(D(5), [], D(2), Limits(pace_factor=D(2))) != ()
    assert warnings_for(D(5), [], D(2), Limits(pace_factor=D(3))) == ()


def test_messages_name_the_figures_in_japanese():
    history, pace = warnings_for(D(1234), [D(3)], D("2.5"), LIMITS, "回")
    assert history.message == "これまでの半期で最大の値（3回）の3倍を超えています。"
    assert pace.message == "今期の目安（約3回）の5倍を超えています。"
    (drop,) = warnings_for(D(0), [D(1200)], None, LIMITS, "件")
    assert drop.message == "前の半期（1,200件）から0になっています。"
