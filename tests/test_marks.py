"""The marks the documents print (000 §3-2, §3-3 measures tables: 〇 U+3007, △, ×), printed the same
by the portal, and read back from whatever circle a user types."""

import pytest

from kpis.cells import FlagCell
from kpis.rules.status import (
    ACHIEVED_MARK,
    Status,
    fold_marks,
    mark_variants,
    status_of_mark,
)
from kpis.rules.tally import count_marks
from plans.models import Measure


def test_the_achieved_mark_is_the_ideographic_zero_the_documents_print():
    # 000 §3-2 横断 3: 「近畿統括拠点（仮称）」を設置する 平成29年10月 平成29年7月開所 〇
    assert ACHIEVED_MARK == "\u3007"
    assert Status.ACHIEVED.label == ACHIEVED_MARK


def test_the_measures_marks_and_the_statuses_print_alike():
    marks = {choice.value: choice.label for choice in Measure.Mark}
    assert marks == {
        status.value: status.label for status in (Status.ACHIEVED, Status.PARTLY, Status.NOT_ACHIEVED)
    }
    assert marks["achieved"] == "〇"


@pytest.mark.parametrize("typed", ["〇", "○", "◯"])
def test_every_circle_reads_as_achieved(typed):
    assert status_of_mark(typed) is Status.ACHIEVED
    assert status_of_mark(f" {typed} ") is Status.ACHIEVED
    assert fold_marks(f"{typed}県内ワイナリー数の増加") == "〇県内ワイナリー数の増加"


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("△", Status.PARTLY),
        ("×", Status.NOT_ACHIEVED),
        ("✕", Status.NOT_ACHIEVED),
        ("達成", None),
        ("", None),
    ],
)
def test_the_other_marks_read_as_themselves(typed, status):
    assert status_of_mark(typed) is status


def test_a_search_term_with_a_circle_is_searched_in_every_circle():
    # 000 成果事例 長野 prints its bullets with ○ and one with 〇: a search for either finds both.
    assert set(mark_variants("○県内")) == {"〇県内", "○県内", "◯県内"}
    assert mark_variants("ワイナリー") == ("ワイナリー",)


@pytest.mark.parametrize("typed", ["〇", "○", "◯", "1", "はい"])
def test_an_import_flag_takes_any_circle_for_yes(typed):
    assert FlagCell("以上（下限目標）").parse(typed) is True


def test_a_measures_table_is_counted_the_documents_way():
    # 000 §2: 各支援段階別に設定された数値目標のうち、85％（17項目／20項目）を達成 — §3-2, §3-3: 〇17 △2 ×1
    count = count_marks(["achieved"] * 17 + ["partly"] * 2 + ["not_achieved"])
    assert (count.achieved, count.partly, count.not_achieved, count.items) == (17, 2, 1, 20)
    assert count.rate_text == "85%"


def test_unmarked_measures_are_not_items_and_nothing_marked_has_no_rate():
    assert count_marks(["achieved", "", ""]).items == 1
    assert count_marks(["", ""]).unmarked == 2
    assert count_marks([]).rate is None and count_marks([]).rate_text == ""
    assert count_marks(["achieved", "partly", "not_achieved"]).rate_text == "33%"  # 33.3…, printed whole
