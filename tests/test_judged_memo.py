"""Judgements kept between requests (reports/dashboards/judged_memo.py) under each indicator's figures
stamp (kpis/stamps.py): every write of figures raises the stamp in its own transaction, the first view
after a change judges again only the indicators it touched, and what is kept equals what would be
judged again."""

import datetime
from decimal import Decimal

import pytest
from cachetools import LRUCache
from django.db import transaction

from kpis.bulk_history import create_with_history
from kpis.models import Actual, FiguresStamp, Indicator, Target
from kpis.rules.judgement import View
from plans.models import Plan
from regions.models import Region
from reports.dashboards import judged_memo
from reports.dashboards.selectors import judge_indicators, plan_indicators

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2023, 6, 1)  # FY2022 complete: the documents' judgements
FY2022 = View.fiscal_year(2022)


def kanagawa(plan):
    return plan_indicators(plan, region=Region.objects.get(code="14"))


def token(indicator_id: int) -> int | None:
    return FiguresStamp.objects.filter(indicator_id=indicator_id).values_list("token", flat=True).first()


def judged(indicators, view=FY2022):
    return [
        (row.indicator.pk, row.result, row.h1, row.h2, row.year_value)
        for row in judge_indicators(indicators, view=view, as_of=AS_OF)
    ]


@pytest.fixture
def plan():
    return Plan.objects.get(number=2)


@pytest.fixture
def seminars(plan):
    """002 神奈川県 14-1: 知財セミナー 年5回, with Kanagawa's FY2022 reported (4 and 1 in each half)."""
    for indicator in Indicator.objects.filter(kpi__plan=plan, kpi__region__code="14"):
        for half, value in (("h1", 2), ("h2", 2 if indicator.kpi.code == "14-1" else 0)):
            Actual.objects.create(indicator=indicator, period=half, year=2022, value=Decimal(value))
    return Indicator.objects.get(kpi__plan=plan, kpi__region__code="14", kpi__code="14-1")


def change_actual(indicator):
    actual = Actual.objects.filter(indicator=indicator, year=2022).order_by("period").first()
    actual.value += 1
    actual.save()
    return actual


WRITES = {
    "an actual saved": change_actual,
    "an actual deleted": lambda i: Actual.objects.filter(indicator=i).first().delete(),
    "a target saved": lambda i: Target.objects.filter(indicator=i).first().save(),
    "a target deleted": lambda i: Target.objects.filter(indicator=i).first().delete(),
    "the indicator saved": lambda i: i.save(),
    "an import's new actuals": lambda i: create_with_history(
        Actual,
        [Actual(indicator=i, period="h1", year=2030, value=Decimal(1), measure=i.measure)],
        user=None,
        reason="取込",
        when=datetime.datetime.now(datetime.UTC),
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_of_figures_raises_its_indicators_stamp_only(seminars, write):
    other = Indicator.objects.exclude(pk=seminars.pk).filter(kpi__plan=seminars.kpi.plan).first()
    before, other_before = token(seminars.pk), token(other.pk)
    with transaction.atomic():
        WRITES[write](seminars)
    assert token(seminars.pk) not in (None, before)
    assert token(other.pk) == other_before


def test_a_rolled_back_change_leaves_the_stamp_and_a_later_change_takes_another(seminars):
    before = token(seminars.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        change_actual(seminars)
        rolled_back = token(seminars.pk)
        raise RuntimeError
    assert token(seminars.pk) == before
    change_actual(seminars)
    assert token(seminars.pk) not in (before, rolled_back)


def test_the_first_view_after_a_change_judges_again_only_the_indicator_changed(plan, seminars):
    judged(kanagawa(plan))
    change_actual(seminars)
    indicators = list(kanagawa(plan))
    again = judged(indicators)
    assert [i.pk for i in indicators if hasattr(i, "figure_rows")] == [seminars.pk]
    judged_memo.clear()
    assert again == judged(kanagawa(plan))  # equal to everything judged afresh


def test_the_changed_figure_is_what_the_next_view_judges(plan, seminars):
    (first,) = [r for r in judged(kanagawa(plan)) if r[0] == seminars.pk]
    change_actual(seminars)
    (after,) = [r for r in judged(kanagawa(plan)) if r[0] == seminars.pk]
    assert (first[1].actual_value, after[1].actual_value) == (4, 5)  # 2 + 2, then 3 + 2


def test_a_kept_judgement_equals_a_new_one_in_every_view(plan):
    views = [View.fiscal_year(2022), View.fiscal_half(2022, "h1"), View.fiscal_half(2021, "h2")]
    made = {view: judged(plan_indicators(plan), view) for view in views}
    kept = {view: judged(plan_indicators(plan), view) for view in views}
    assert kept == made
    assert judged_memo.size() == len(views) * len(made[views[0]])


def test_the_plans_thresholds_are_part_of_what_is_kept(plan, seminars):
    before = judged(kanagawa(plan))
    plan.partial_percent = Decimal(90)  # 14-1's 80% is then × instead of △
    plan.save()
    after = judged(kanagawa(plan))
    assert [r[1].status for r in after] != [r[1].status for r in before]
    judged_memo.clear()
    assert after == judged(kanagawa(plan))


def test_an_indicator_without_a_stamp_is_judged_every_time(plan, seminars):
    FiguresStamp.objects.filter(indicator_id=seminars.pk).delete()
    judged(kanagawa(plan))
    indicators = list(kanagawa(plan))
    judged(indicators)
    assert [i.pk for i in indicators if hasattr(i, "figure_rows")] == [seminars.pk]


def test_submitted_figures_standing_in_are_never_kept(plan, seminars):
    from kpis.rules.inputs import ActualFigure

    standing_in = {seminars.pk: (ActualFigure("h1", 2022, Decimal(99), preliminary=True),)}
    rows = judge_indicators(kanagawa(plan), view=FY2022, as_of=AS_OF, preliminary=standing_in)
    assert next(r for r in rows if r.indicator.pk == seminars.pk).preliminary
    (kept,) = [r for r in judged(kanagawa(plan)) if r[0] == seminars.pk]
    assert kept[1].actual_value != Decimal(99)


def test_at_most_max_entries_are_kept_the_least_recently_used_leaving(plan, monkeypatch):
    monkeypatch.setattr(judged_memo, "_kept", LRUCache(maxsize=5))
    indicators = list(plan_indicators(plan))
    judged(indicators)
    assert judged_memo.size() == 5
    last = judged_memo.key_of(indicators[-1], FY2022, AS_OF)
    first = judged_memo.key_of(indicators[0], FY2022, AS_OF)
    assert judged_memo.get(last) is not None and judged_memo.get(first) is None


def test_when_the_groups_are_numbered_again_nothing_kept_under_an_old_number_is_read(plan, monkeypatch):
    monkeypatch.setattr(judged_memo, "MAX_GROUPS", 1)
    indicators = list(kanagawa(plan))
    judged(indicators, View.fiscal_year(2022))
    assert judged_memo.size() == len(indicators)
    judged(indicators, View.fiscal_half(2022, "h1"))  # a second group: the first is let go
    assert judged_memo.size() == len(indicators)
    assert judged_memo.get(judged_memo.key_of(indicators[0], View.fiscal_year(2022), AS_OF)) is None
