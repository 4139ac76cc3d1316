"""fixtures/case_studies.yaml against the case studies of the 1st plan's results document (seeds/000).

Every expected text and figure is written out here as printed, with the page it comes from. The
figures are not in the case-study fixture: they are read from the regional KPIs' actuals of
fixtures/plan1.yaml and the rates computed by the achievement engine.
"""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.loading import LOADED_REASON
from reports.case_studies.rules import figure_rows, for_detail, parse_step_date
from reports.models import CaseStudy, CaseStudyFigure, CaseStudyStep, CaseStudyTheme

pytestmark = pytest.mark.django_db

# The results document (000) reports FY2019 once it is over: its figures read as of the day after.
AFTER_FY2019 = datetime.date(2020, 4, 1)

# 000 成果事例: the nine regional-KPI pages in the document's order, then その他成果事例 福井.
DOCUMENT = [
    ("01-1", "01", "北海道における地域KPIの成果"),
    ("06-1", "06", "山形県における地域KPIの成果"),
    ("20-1", "20", "長野県における地域KPIの成果"),
    ("17-1", "17", "石川県における地域KPIの成果"),
    ("30-1", "30", "和歌山県における地域KPIの成果"),
    ("32-1", "32", "島根県における地域KPIの成果"),
    ("38-1", "38", "愛媛県における地域KPIの成果"),
    ("40-1", "40", "福岡県における地域KPIの成果"),
    ("47-1", "47", "沖縄県における地域KPIの成果"),
    ("18-1", "18", "自治体の知財意識が向上した例"),
]

# (case, figure label or indicator name, period as shown, actual, printed rate)
PRINTED_FIGURES = {
    # 000 成果事例 北海道: 平成30年度：121件（達成率93％）/ 令和元年度 ：143件（達成率110％）
    "01-1": [
        ("国際特許出願件数および国際商標出願件数（計）", "2018年度（平成30年度）", 121, 93),
        ("国際特許出願件数および国際商標出願件数（計）", "2019年度（令和元年度）", 143, 110),
    ],
    # 000 成果事例 山形: 平成30年度：89件（達成率297％）/ 令和元年度 ：57件（達成率190％）
    "06-1": [
        ("商標権等取得、ブランド化、ＧＩ等に関する支援件数", "2018年度（平成30年度）", 89, 297),
        ("商標権等取得、ブランド化、ＧＩ等に関する支援件数", "2019年度（令和元年度）", 57, 190),
    ],
    # 000 成果事例 長野: 平成30年度～令和元年度： 2件（達成率100％）
    "20-1": [
        ("酒蔵の杜氏が参加する勉強会への講師派遣回数", "2018〜2019年度累計（平成30〜令和元年度）", 2, 100)
    ],
    # 000 成果事例 石川: 平成30年度： 3件（達成率 60％）/ 令和元年度 ： 9件（達成率180％）
    "17-1": [
        ("伴走型支援を実施する中小企業数", "2018年度（平成30年度）", 3, 60),
        ("伴走型支援を実施する中小企業数", "2019年度（令和元年度）", 9, 180),
    ],
    # 000 成果事例 和歌山: セミナー実績 2回（100％）・2回（100％）; 個別アドバイス実績 2,608件（186％）・2,779件（199％）
    "30-1": [
        ("セミナー実績", "2018年度（平成30年度）", 2, 100),
        ("セミナー実績", "2019年度（令和元年度）", 2, 100),
        ("個別アドバイス実績", "2018年度（平成30年度）", 2608, 186),
        ("個別アドバイス実績", "2019年度（令和元年度）", 2779, 199),
    ],
    # 000 成果事例 島根: 平成30年度： 19件（達成率 95％）/ 令和元年度 ： 31件（達成率155％）
    "32-1": [
        ("訪問企業数", "2018年度（平成30年度）末までの累計", 19, 95),
        ("訪問企業数", "2019年度（令和元年度）末までの累計", 31, 155),
    ],
    # 000 成果事例 愛媛: 実績（令和２年3月末現在） 平成30年度：802件（達成率146％）/ 令和元年度 ：943件（達成率171％）
    "38-1": [
        ("実績（令和２年3月末現在）", "2018年度（平成30年度）", 802, 146),
        ("実績（令和２年3月末現在）", "2019年度（令和元年度）", 943, 171),
    ],
    # 000 成果事例 福岡: 平成30年度～令和元年度： 1,750件（達成率201％）
    "40-1": [("製造業に対する支援件数", "2018〜2019年度累計（平成30〜令和元年度）", 1750, 201)],
    # 000 成果事例 沖縄: 平成30年度：16件（達成率 80％）/ 令和元年度 ：22件（達成率110％）
    "47-1": [
        ("農林水産分野の特許出願に向けた支援件数", "2018年度（平成30年度）末までの累計", 16, 80),
        ("農林水産分野の特許出願に向けた支援件数", "2019年度（令和元年度）末までの累計", 22, 110),
    ],
    # 000 その他成果事例 福井: no figures printed
    "18-1": [],
}


def case(code: str) -> CaseStudy:
    return for_detail(CaseStudy.objects.filter(plan__number=1, code=code)).get()


def test_every_case_study_of_000_is_there_in_the_documents_order():
    loaded = CaseStudy.objects.filter(plan__number=1, region__isnull=False).order_by("region__order")
    assert loaded.count() == 10
    by_code = {c.code: (c.region.code, c.title) for c in loaded}
    assert by_code == {code: (region, title) for code, region, title in DOCUMENT}
    assert all(c.state == CaseStudy.State.PUBLISHED for c in loaded)
    assert all(c.source.startswith("000 ") for c in loaded)


def test_each_regional_kpi_page_is_linked_to_its_kpi_and_fukui_to_none():
    for code, region, _title in DOCUMENT:
        found = case(code)
        if code == "18-1":
            # 000 その他成果事例: 自治体の知財意識が向上した例 ＜福井県＞, no KPI
            assert found.kpi is None and found.kpi_text == ""
            continue
        assert (found.kpi.plan.number, found.kpi.code, found.kpi.region.code) == (1, code, region)
        # the KPI as stated is the KPI's own text, not a copy
        assert found.kpi_text == "" and found.shown_kpi_text == found.kpi.text


def test_the_central_case_of_000_is_the_help_desks_collaboration_with_yorozu():
    # 000 §4-3 「窓口とよろずの連携事例（中央レベル）」: 窓口とよろず支援拠点が連携して支援を行った事例
    central = case("C-1")
    assert central.region is None and central.is_central and central.owner_label == "中央（特許庁・INPIT）"
    assert (central.title, central.subtitle) == (
        "窓口とよろずの連携事例（中央レベル）",
        "窓口とよろず支援拠点が連携して支援を行った事例",
    )
    assert (central.state, central.source) == (CaseStudy.State.PUBLISHED, "000 §4-3")
    # the central KPI it illustrates (000 §2): 全国の知財総合支援窓口とよろず支援拠点との連携件数
    assert (central.kpi.code, central.kpi.level, central.kpi.region) == ("C03", "central", None)
    assert [s.text for s in central.steps.all()] == [
        "創業100周年を契機とした新たなブランド創りにあたり、商標登録をするため知財総合支援窓口に相談。"
    ]
    # 000 §2: 平成27年度 700件 → 平成31年度 1,500件 ➡ 2,615件（令和元年度実績）; 2,615 ÷ 1,500 = 174%
    rows = figure_rows(central, today=AFTER_FY2019)
    assert [(r.period_label, int(r.actual_value), r.percent) for r in rows] == [
        ("2019年度（令和元年度）", 2615, 174)
    ]


def test_the_kpi_text_is_the_printed_one():
    # 000 成果事例 北海道: 【KPI】… 令和元年度には１３０件を目指す。
    assert case("01-1").shown_kpi_text.endswith("令和元年度には１３０件を目指す。")
    # 000 成果事例 島根: 平成31年度までに企業20社以上を訪問し、企業のニーズや課題の発掘を行う。
    assert "平成31年度までに企業20社以上を訪問" in case("32-1").shown_kpi_text


@pytest.mark.parametrize("code", list(PRINTED_FIGURES))
def test_the_figures_and_rates_are_the_printed_ones(code):
    rows = figure_rows(case(code), today=AFTER_FY2019)
    shown = [(row.label, row.period_label, int(row.actual_value), row.percent) for row in rows]
    assert shown == PRINTED_FIGURES[code]


def test_the_figures_are_read_from_the_indicators_actuals_and_not_stored():
    # A case-study figure only names an indicator and a year: no value or rate is kept with it.
    names = {f.name for f in CaseStudyFigure._meta.get_fields()}
    assert not names & {"value", "rate", "actual", "target"}
    assert CaseStudyFigure.objects.filter(case_study__plan__number=1).count() == 18 + 1  # + the central case
    for figure in CaseStudyFigure.objects.select_related("case_study", "indicator__kpi"):
        assert figure.indicator.kpi_id == figure.case_study.kpi_id


def test_the_rate_on_a_later_goal_is_marked_as_the_document_notes_it():
    # 000 成果事例 北海道: 平成30年度 121件（達成率93％） is 121 ÷ the 令和元年度 goal 130
    first, second = figure_rows(case("01-1"), today=AFTER_FY2019)
    assert (first.remark, second.remark) == ("2019年度の目標に対する率", "")
    # 000 成果事例 沖縄: 平成30年度 16件（達成率 80％） of 平成３１年度までに合計２０件
    first, _second = figure_rows(case("47-1"), today=AFTER_FY2019)
    assert first.remark == "2019年度までの目標に対する率"


def test_a_year_before_its_goal_is_progress_never_a_mark():
    # 北海道 FY2018 is 121 of the FY2019 goal 130: the documents print 93% but judge only FY2019, so
    # the one rule reads FY2018 as progress against its pace (順調 / 遅れ), never △; FY2019 is 110% 〇.
    first, second = figure_rows(case("01-1"), today=AFTER_FY2019)
    assert not first.result.is_final and first.result.mark == ""
    assert first.result.label in ("順調", "遅れ") and first.result.pace is not None
    assert (second.result.is_final, second.result.mark) == (True, "〇")
    # 沖縄 FY2018: 16 of a cumulative 20 by FY2019 (80%) is the plan-to-date share, progress too
    okinawa_2018 = figure_rows(case("47-1"), today=AFTER_FY2019)[0]
    assert (okinawa_2018.result.is_final, okinawa_2018.percent) == (False, 80)


def test_the_case_study_page_shows_progress_with_its_pace_for_an_interim_year(client, django_user_model):
    user = django_user_model.objects.create_user("viewer-cs", password="x")
    client.force_login(user)
    page = client.get(reverse("reports:case_study", args=[case("01-1").pk])).content.decode()
    rows = page.split('class="results case-figure-table"')[1].split("</table>")[0]
    first, second = rows.split("<tbody>")[1].split("</tr>")[:2]
    assert "93%" in first and "遅れ（経過目標 2018年度 約124件" in first
    assert "△" not in first and "×" not in first
    assert "110%" in second and "〇" in second


def test_steps_are_the_printed_actions_with_their_dates():
    # 000 成果事例 島根: H.30.10 局が訪問 / H30.10 窓口が企業を訪問 / H30.12 INPIT知財ADが助言, with two ★工夫
    steps = list(case("32-1").steps.order_by("order"))
    assert [s.date_label for s in steps] == ["", "H.30.10", "", "H30.10", "H30.12", ""]
    assert steps[3].text.startswith("知財総合支援窓口が共有された情報を元に企業へ訪問し")
    assert (steps[3].month, steps[3].fiscal_year) == (datetime.date(2018, 10, 1), 2018)
    assert steps[2].text.startswith("★工夫１：")
    # 000 成果事例 山形: ２０１８．４ / ２０１９．９ (full-width, as printed)
    yamagata = list(case("06-1").steps.order_by("order"))
    assert [(s.date_label, s.month) for s in yamagata] == [
        ("２０１８．４", datetime.date(2018, 4, 1)),
        ("２０１９．９", datetime.date(2019, 9, 1)),
    ]
    # 000 成果事例 福岡: H29.4, H30.4, H31.4 — 平成31年4月 is the first month of FY2019
    fukuoka = [(s.date_label, s.fiscal_year) for s in case("40-1").steps.order_by("order") if s.date_label]
    assert fukuoka == [("H29.4", 2017), ("H30.4", 2018), ("H31.4", 2019)]


def test_the_number_of_steps_per_case_study():
    counts = {c.code: c.steps.count() for c in CaseStudy.objects.filter(plan__number=1)}
    assert counts == {
        "C-1": 1,
        "01-1": 5,
        "06-1": 2,
        "20-1": 4,
        "17-1": 5,
        "30-1": 3,
        "32-1": 6,
        "38-1": 3,
        "40-1": 5,
        "47-1": 5,
        "18-1": 5,
    }


def test_every_steps_month_and_fiscal_year_are_read_from_its_printed_date():
    for step in CaseStudyStep.objects.all():
        assert (step.month, step.fiscal_year) == parse_step_date(step.date_label), step.date_label


def test_outcomes_are_the_printed_ones():
    # 000 成果事例 愛媛: 大手スーパー、回転寿司チェーンや、中四国地盤のスーパーなど約70社で販売している。
    assert "約70社で販売している" in case("38-1").outcomes
    # 000 成果事例 福岡: ネジチョコの売上げを支援開始当初（2016年）の約１０倍に伸ばすことができた。
    assert "約１０倍に伸ばすことができた" in case("40-1").outcomes
    # 000 その他成果事例 福井: 知的財産を活用したオープンイノベーションを推進
    assert "知的財産を活用したオープンイノベーションを推進" in case("18-1").outcomes


def test_themes_and_stages():
    assert list(CaseStudyTheme.objects.values_list("code", flat=True)) == [
        "brand",
        "overseas",
        "patent",
        "trade_secret",
        "matching",
        "strategy",
        "finance",
        "seminar",
        "support",
        "policy",
    ]
    themes = {c.code: {t.code for t in c.themes.all()} for c in CaseStudy.objects.filter(plan__number=1)}
    assert all(themes.values())
    # 000 成果事例 島根・沖縄: 営業秘密管理; 和歌山: 地域団体商標である「有田みかん」; 北海道: 外国出願補助金
    assert "trade_secret" in themes["32-1"] and "trade_secret" in themes["47-1"]
    assert "brand" in themes["30-1"]
    assert "overseas" in themes["01-1"]
    stages = dict(CaseStudy.objects.filter(plan__number=1).values_list("code", "stage"))
    assert stages["18-1"] is None
    assert {stages["17-1"], stages["40-1"]} == {3}
    # neither themes nor stages are printed in 000: the note says where they come from
    assert all("文書に記載がなく" in c.note for c in CaseStudy.objects.filter(plan__number=1))


def test_each_loaded_object_has_its_first_history_record():
    for model in (CaseStudy, CaseStudyStep, CaseStudyFigure):
        for obj in model.objects.all():
            first = obj.history.order_by("history_date").first()
            assert first is not None and first.history_change_reason == LOADED_REASON


def snapshot() -> dict:
    data = {}
    for model in (CaseStudyTheme, CaseStudy, CaseStudyStep, CaseStudyFigure):
        fields = [f.attname for f in model._meta.concrete_fields]
        data[model.__name__] = sorted(model.objects.values_list(*fields))
    data["themes"] = sorted(CaseStudy.themes.through.objects.values_list("casestudy_id", "casestudytheme_id"))
    data["history"] = (
        CaseStudy.history.count() + CaseStudyStep.history.count() + CaseStudyFigure.history.count()
    )
    return data


def test_loading_the_data_again_changes_nothing():
    before = snapshot()
    call_command("load_plan_data", verbosity=0)
    assert snapshot() == before


def test_natural_keys():
    hokkaido = CaseStudy.objects.get_by_natural_key(1, "01-1")
    assert hokkaido.natural_key() == (1, "01-1")
    step = CaseStudyStep.objects.get_by_natural_key(1, "32-1", 4)
    assert step.natural_key() == (1, "32-1", 4) and step.date_label == "H30.10"
    figure = CaseStudyFigure.objects.get_by_natural_key(1, "30-1", 3)
    assert (figure.indicator.code, figure.fiscal_year, figure.label) == ("2", 2018, "個別アドバイス実績")
    assert CaseStudyTheme.objects.get_by_natural_key("trade_secret").label == "営業秘密"
