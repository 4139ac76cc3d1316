"""年度末見込み on plain values (kpis/rules/forecasts.py): what a year would show at its end if a
forecast came true, always marked as a forecast, at risk when it falls short, and never counted with
the results. No database."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.rules.forecasts import ForecastCount, ForecastStatus, count_forecasts, forecast_status
from kpis.rules.inputs import (
    BASELINE,
    CUM,
    CUMULATIVE,
    CY,
    FLOW,
    FY,
    H1,
    H2,
    HIGHER,
    LEVEL,
    LOWER,
    NO_TARGET,
    PER_YEAR,
    SHARE,
    ActualFigure,
    IndicatorFigures,
    Rules,
    TargetFigure,
)
from kpis.rules.judgement import Kind, View, judgement
from kpis.rules.status import Thresholds
from kpis.rules.tally import count
from reports.dashboards.tallies import Tally

D = Decimal
DEFAULT = Thresholds()


def target(period, year, value, **kwargs):
    return TargetFigure(period=period, year=year, value=D(value), **kwargs)


def actual(period, year, value):
    return ActualFigure(period=period, year=year, value=D(value))


def figures(shape, targets=(), actuals=(), *, plan_start_year=2020, **rules):
    return IndicatorFigures(
        rules=Rules(target_shape=shape, **rules),
        targets=tuple(targets),
        actuals=tuple(actuals),
        plan_start_year=plan_start_year,
    )


# 002 別添2 神奈川(1): セミナーを年5回; an approved 上期 of 3.
SEMINARS = figures(PER_YEAR, [target(FY, y, 5) for y in (2020, 2021, 2022)], [actual(H1, 2022, 3)])
# 001 §5-1: ハンズオン支援 750社（2020～2022年度累計）; 003: 2020年度 267社, 2021年度 256社.
HANDS_ON = figures(
    CUMULATIVE, [target(CUM, 2022, 750, start_year=2020)], [actual(FY, 2020, 267), actual(FY, 2021, 256)]
)
# 000 §4-1: 窓口相談件数 8万件（2015年度）→ 9.5万件（2019年度）.
CONSULTATIONS = figures(
    BASELINE,
    [target(FY, 2019, 95000, baseline_value=D(80000), baseline_year=2015)],
    [actual(FY, 2016, 84000)],
    plan_start_year=2016,
)
# 003 I-2(2)①2)ii): 中小企業のPCT出願件数 4,379件(2018年) → 5,000件(2022年), a calendar-year figure.
PCT = figures(
    BASELINE,
    [target(CY, 2022, 5000, baseline_value=D(4379), baseline_year=2018)],
    [actual(CY, 2020, 5072), actual(CY, 2021, 5115)],
)
# A first-action pendency: lower is better (10か月以内).
PENDENCY = figures(PER_YEAR, [target(FY, 2022, 10)], direction=LOWER, aggregation=LEVEL)


def shown(status: ForecastStatus):
    return status.label, status.rate_text, status.at_risk


@pytest.mark.parametrize(
    ("fig", "year", "value", "expected"),
    [
        # the year's own target, judged as its end would judge it
        (SEMINARS, 2022, 6, ("見込み 〇", "120%", False)),
        (SEMINARS, 2022, 5, ("見込み 〇", "100%", False)),
        (SEMINARS, 2022, 4, ("見込み △", "80%", True)),
        (SEMINARS, 2022, 3, ("見込み ×", "60%", True)),
        # the last year of a cumulative goal: the total with the year's forecast, 523 + 227 = 750
        (HANDS_ON, 2022, 227, ("見込み 〇", "100%", False)),
        (HANDS_ON, 2022, 200, ("見込み △", "96%", True)),
        # an interim year of a cumulative goal: progress against the plan share, 500 by FY2021
        # (267 + 220 = 487 behind it; 267 + 260 = 527 on pace), with the rate against the whole goal
        (HANDS_ON, 2021, 220, ("見込み 遅れ", "65%", True)),
        (HANDS_ON, 2021, 260, ("見込み 順調", "70%", False)),
        # an interim year of a baseline → target goal: progress against the 経過目標 (FY2017: 87,500)
        (CONSULTATIONS, 2017, 88000, ("見込み 順調", "93%", False)),
        (CONSULTATIONS, 2017, 86000, ("見込み 遅れ", "91%", True)),
        # the goal's own year is final
        (CONSULTATIONS, 2019, 107000, ("見込み 〇", "113%", False)),
        # a calendar-year goal: the calendar year of the same number
        (PCT, 2022, 4700, ("見込み △", "94%", True)),
        # lower is better: 11 months against 10 is 91% of the goal
        (PENDENCY, 2022, 11, ("見込み △", "91%", True)),
        (PENDENCY, 2022, 9, ("見込み 〇", "111%", False)),
    ],
)
def test_it_judges_the_year_as_its_end_would_with_the_forecast(fig, year, value, expected):
    assert shown(forecast_status(fig, year, D(value), thresholds=DEFAULT)) == expected


def test_a_forecast_is_marked_as_one_and_keeps_the_target_it_was_judged_on():
    status = forecast_status(SEMINARS, 2022, D(4), thresholds=DEFAULT)
    assert status.applies and status.is_final
    assert (status.mark, status.word, status.label) == ("△", "△", "見込み △")
    assert status.target_value == D(5) and status.value == D(4) and status.year == 2022


def test_the_forecast_stands_for_the_whole_year_never_added_to_its_first_half():
    # 3 in the 上期 and a year-end forecast of 4: the year is 4 (80%), not 7
    status = forecast_status(SEMINARS, 2022, D(4), thresholds=DEFAULT)
    assert status.outlook.actual_value == D(4)


def test_a_forecast_for_a_calendar_year_indicator_says_so():
    assert forecast_status(PCT, 2022, D(5100), thresholds=DEFAULT).outlook.year_period == CY


def test_the_plans_own_thresholds_decide():
    strict = Thresholds(achieved=D(100), partial=D(90))
    assert forecast_status(SEMINARS, 2022, D(4), thresholds=strict).label == "見込み ×"


@pytest.mark.parametrize(
    "fig",
    [
        figures(NO_TARGET, actuals=[actual(H1, 2022, 3)]),
        figures(PER_YEAR, [target(FY, 2023, 5)]),  # no target in force for 2022
        figures(PER_YEAR, [target(FY, 2022, 0)]),  # a zero target sets no goal
        # a cumulative goal does not reach past its span
        figures(CUMULATIVE, [target(CUM, 2021, 60, start_year=2020)]),
    ],
)
def test_a_forecast_with_nothing_to_judge_has_no_status_and_is_not_at_risk(fig):
    status = forecast_status(fig, 2022, D(3), thresholds=DEFAULT)
    assert (status.applies, status.label, status.mark, status.at_risk) == (False, "", "", False)


def test_forecasts_are_counted_apart_with_the_items_at_risk():
    statuses = [
        forecast_status(SEMINARS, 2022, D(6), thresholds=DEFAULT),  # 〇
        forecast_status(SEMINARS, 2022, D(4), thresholds=DEFAULT),  # △ at risk
        forecast_status(PCT, 2022, D(1000), thresholds=DEFAULT),  # × at risk
        forecast_status(HANDS_ON, 2021, D(220), thresholds=DEFAULT),  # 遅れ at risk
        forecast_status(HANDS_ON, 2021, D(300), thresholds=DEFAULT),  # 順調
        forecast_status(figures(NO_TARGET), 2022, D(1), thresholds=DEFAULT),  # not an item
    ]
    assert count_forecasts(statuses) == ForecastCount(
        items=5, achieved=1, partly=1, not_achieved=1, on_pace=1, behind=1, under_way=0, at_risk=3
    )
    assert count_forecasts([]) == ForecastCount()


def test_a_forecast_cannot_be_counted_as_a_result():
    status = forecast_status(SEMINARS, 2022, D(6), thresholds=DEFAULT)
    with pytest.raises(AttributeError):
        count([status])


# --- properties -------------------------------------------------------------------------------------

YEARS = range(2020, 2024)
values = st.integers(min_value=0, max_value=60).map(D)


@st.composite
def indicators(draw):
    shape = draw(st.sampled_from([PER_YEAR, CUMULATIVE, BASELINE, SHARE]))
    goal = D(draw(st.integers(min_value=1, max_value=50)))
    if shape == PER_YEAR:
        targets = [target(FY, y, goal) for y in YEARS]
    elif shape == CUMULATIVE:
        targets = [target(CUM, 2022, goal * 3, start_year=2020)]
    else:
        targets = [target(FY, 2022, goal, baseline_value=D(1), baseline_year=2019)]
    actuals = []
    for year in YEARS:
        kind = draw(st.sampled_from(["none", "year", "h1", "halves"]))
        if kind == "year":
            actuals.append(ActualFigure(FY, year, draw(values)))
        elif kind in ("h1", "halves"):
            actuals.append(ActualFigure(H1, year, draw(values)))
        if kind == "halves":
            actuals.append(ActualFigure(H2, year, draw(values)))
    rules = Rules(
        target_shape=shape,
        direction=draw(st.sampled_from([HIGHER, LOWER])),
        aggregation=draw(st.sampled_from([FLOW, LEVEL])),
    )
    return IndicatorFigures(rules, tuple(targets), tuple(actuals), plan_start_year=2020)


@settings(max_examples=200, deadline=None)
@given(
    indicators=st.lists(indicators(), min_size=1, max_size=6),
    forecasts=st.lists(values, min_size=6, max_size=6),
    year=st.sampled_from(YEARS),
    as_of=st.dates(min_value=datetime.date(2020, 4, 1), max_value=datetime.date(2024, 6, 30)),
)
def test_forecasts_never_change_an_achieved_count(indicators, forecasts, year, as_of):
    def counted():
        return count(
            judgement(fig, view, as_of=as_of, thresholds=DEFAULT)
            for fig in indicators
            for view in (View.fiscal_year(year), View.fiscal_half(year, H1), View.plan_to_date(year))
        )

    before = counted()
    statuses = [
        forecast_status(fig, year, value, thresholds=DEFAULT)
        for fig, value in zip(indicators, forecasts, strict=False)
    ]
    assert counted() == before
    # a forecast is a forecast: marked as one, at risk only where it falls short
    for status in statuses:
        assert status.label == "" or status.label.startswith("見込み ")
        if status.at_risk:
            assert status.outlook.kind in (Kind.FINAL, Kind.PROGRESS)
            assert status.word in ("△", "×", "遅れ")


@settings(max_examples=100, deadline=None)
@given(
    indicators=st.lists(indicators(), min_size=1, max_size=6),
    forecasts=st.lists(values, min_size=6, max_size=6),
    year=st.sampled_from(YEARS),
    as_of=st.dates(min_value=datetime.date(2020, 4, 1), max_value=datetime.date(2024, 6, 30)),
)
def test_a_dashboards_tally_counts_forecasts_apart_from_its_results(indicators, forecasts, year, as_of):
    """A block's or the nation's tally (reports/dashboards/tallies.py) with the forecasts beside its
    results counts exactly what it counts without them; the forecasts only add their own counts."""
    results = [
        judgement(fig, View.fiscal_half(year, H1), as_of=as_of, thresholds=DEFAULT) for fig in indicators
    ]
    statuses = [
        forecast_status(fig, year, value, thresholds=DEFAULT)
        for fig, value in zip(indicators, forecasts, strict=False)
    ]
    alone, beside = Tally(), Tally()
    for result, status in zip(results, statuses, strict=True):
        alone.add(result)
        beside.add(result, status)
    assert beside.counts == alone.counts
    assert (beside.achieved, beside.rate, beside.final_items, beside.items) == (
        alone.achieved,
        alone.rate,
        alone.final_items,
        alone.items,
    )
    assert (alone.forecast_items, alone.at_risk) == (0, 0)
    assert beside.at_risk == sum(status.at_risk for status in statuses) <= beside.forecast_items
