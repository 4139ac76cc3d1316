"""2nd and 3rd plan central KPIs against 001 §5-1 and 003 (figures written out from the documents)."""

import pytest

from kpis.models import Actual, Indicator, Kpi, Target
from plans.models import ReportedResult


def actuals_of(plan, code, period="fy"):
    rows = Actual.objects.filter(indicator__kpi__plan__number=plan, indicator__kpi__code=code, period=period)
    return {a.year: int(a.value) for a in rows}


def targets_of(plan, code, period="fy"):
    rows = Target.objects.filter(indicator__kpi__plan__number=plan, indicator__kpi__code=code, period=period)
    return {t.year: int(t.value) for t in rows}


def test_core_kpi_is_250_companies_a_year_and_750_in_total(db):
    # 001 §5-1: 250社/年度(2020～2022年度累計750社)
    kpi = Kpi.objects.get(plan__number=2, code="C01")
    assert kpi.kind == Kpi.Kind.CORE
    assert targets_of(2, "C01") == {2020: 250, 2021: 250, 2022: 250}
    assert targets_of(2, "C01", "cum") == {2022: 750}


def test_core_kpi_actuals_are_267_256_277(db):
    # 003 I-2(2)①1)i): 2020年度267社(107%)、2021年度256社(102%)、2022年度277社(111%)
    assert actuals_of(2, "C01") == {2020: 267, 2021: 256, 2022: 277}


@pytest.mark.parametrize(
    ("code", "target", "actuals"),
    [
        # 003 I-2(2)①1)ii)b: 400件/年度; 515件, 383件, 328件
        ("C04", 400, {2020: 515, 2021: 383, 2022: 328}),
        # 003 I-2(2)①1)ii)c: 5,500件/年度; 6,853件, 6,823件, 6,035件
        ("C05", 5500, {2020: 6853, 2021: 6823, 2022: 6035}),
        # 003 I-2(2)①1)ii)d: 300件/年度; 509件, 460件, 401件
        ("C06", 300, {2020: 509, 2021: 460, 2022: 401}),
        # 003 I-2(2)①1)ii)e: 9,000件/年度; 10,571件, 12,374件, 15,022件
        ("C07", 9000, {2020: 10571, 2021: 12374, 2022: 15022}),
    ],
)
def test_supporting_kpis_have_yearly_targets_and_actuals(db, code, target, actuals):
    assert targets_of(2, code) == dict.fromkeys((2020, 2021, 2022), target)
    assert actuals_of(2, code) == actuals


def test_financial_institution_support_is_213_of_250_cumulative(db):
    # 003 I-2(2)①1)ii)a: 【目標】250件(2020～2022年度累計) 【実績】213件(85%)
    target = Target.objects.get(indicator__kpi__plan__number=2, indicator__kpi__code="C03")
    actual = Actual.objects.get(indicator__kpi__plan__number=2, indicator__kpi__code="C03")
    assert (target.period, target.start_year, target.year, int(target.value)) == ("cum", 2020, 2022, 250)
    assert (actual.period, actual.year, int(actual.value)) == ("cum", 2022, 213)


def test_effect_indicator_of_growth_is_251_of_150(db):
    # 001 §5-1: 150社 (2020～2022年度累計); 003 I-2(2)①2)i): 251社 (達成率 167.3%)
    assert targets_of(2, "C02", "cum") == {2022: 150}
    assert actuals_of(2, "C02", "cum") == {2022: 251}


def test_pct_applications_are_calendar_years_from_a_2018_baseline(db):
    # 001 §5-1: 4,379件(2018年) → 5,000件/年(2022年); 003 I-2(2)①2)ii): 2020年 5,072件、2021年 5,115件、2022年 4,700件
    target = Target.objects.get(indicator__kpi__plan__number=2, indicator__kpi__code="C08")
    assert (target.period, target.year, int(target.value)) == ("cy", 2022, 5000)
    assert (int(target.baseline_value), target.baseline_year) == (4379, 2018)
    assert actuals_of(2, "C08", "cy") == {2020: 5072, 2021: 5115, 2022: 4700}


def test_sme_share_target_is_a_percentage_without_actuals(db):
    # 001 §5-1: 30%(2018年) → 40%; 003 I-2(2)①2)iii): no numeric actual
    indicator = Indicator.objects.get(kpi__plan__number=2, kpi__code="C09")
    assert (indicator.unit, indicator.measure) == ("%", "percent")
    target = indicator.targets.get()
    assert (int(target.baseline_value), int(target.value)) == (30, 40)
    assert not indicator.actuals.exists()


def test_fy2022_regional_result_is_reported_as_90_of_114(db):
    # 003 I-2(2)②: 2022年度の地域KPIの項目数 114件、達成した項目数 90件（78.9%）
    result = ReportedResult.objects.get(
        plan__number=2, scope="regional_kpis", area="national", fiscal_year=2022
    )
    assert (result.items_achieved, result.items_total, result.printed_rate) == (90, 114, "78.9%")


def test_third_plan_core_kpi_is_60_a_year_for_fy2023_to_2025(db):
    # 003 別添1 (1): 企業支援件数 60 件／年度
    assert targets_of(3, "C01") == {2023: 60, 2024: 60, 2025: 60}
    share = Target.objects.get(indicator__kpi__plan__number=3, indicator__kpi__code="C02")
    # 003 別添1 (2): 割合を 60%以上とする
    assert (int(share.value), share.is_minimum, share.measure) == (60, True, "percent")
    # the model-region effect indicator has no numeric target
    assert not Indicator.objects.filter(kpi__plan__number=3, kpi__code="C03").exists()
