"""Figures read as value tuples (kpis.figures.with_figure_rows) are the very inputs the rule gets from
prefetched model instances (with_figures), and the judgement is the same, for every indicator of the
documents' plans."""

import datetime

import pytest

from kpis.figures import figures_of, judgement_of, load_figure_rows, with_figure_rows, with_figures
from kpis.models import Indicator
from kpis.rules.judgement import View

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2024, 3, 31)


def by_pk(indicators) -> dict[int, Indicator]:
    return {indicator.pk: indicator for indicator in indicators}


def test_tuples_and_model_instances_give_the_rule_the_same_inputs_and_judgements():
    indicators = Indicator.objects.order_by("pk")
    as_models, as_rows = by_pk(with_figures(indicators)), by_pk(with_figure_rows(indicators))
    assert as_rows.keys() == as_models.keys() and len(as_rows) > 100
    for pk, indicator in as_rows.items():
        assert figures_of(indicator) == figures_of(as_models[pk]), indicator
        for year in (2018, 2022, 2024):
            view = View.fiscal_year(year)
            assert judgement_of(indicator, view, as_of=AS_OF) == judgement_of(
                as_models[pk], view, as_of=AS_OF
            )


def test_the_figures_come_in_two_queries_when_first_needed(django_assert_num_queries):
    with django_assert_num_queries(2):  # indicators with KPI; the plan they share
        indicators = list(with_figure_rows(Indicator.objects.filter(kpi__plan__number=2)))
    with django_assert_num_queries(2):  # the first judgement reads every indicator's targets, actuals
        judgement_of(indicators[0], View.fiscal_year(2022), as_of=AS_OF)
    with django_assert_num_queries(0):
        for indicator in indicators:
            judgement_of(indicator, View.fiscal_year(2022), as_of=AS_OF)
    assert any(indicator.figure_rows[1] for indicator in indicators)


def test_only_the_indicators_asked_for_are_read(django_assert_num_queries):
    indicators = list(with_figure_rows(Indicator.objects.filter(kpi__plan__number=2)))
    with django_assert_num_queries(2):
        load_figure_rows(indicators[:3])
    assert all(hasattr(indicator, "figure_rows") for indicator in indicators[:3])
    assert not any(hasattr(indicator, "figure_rows") for indicator in indicators[3:])
    with django_assert_num_queries(0):
        load_figure_rows(indicators[:3])  # already read


def test_an_empty_selection_reads_nothing_more(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(with_figure_rows(Indicator.objects.filter(pk=-1))) == []
