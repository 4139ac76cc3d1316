"""Every dashboard page, export, chart and meeting pack reads its figures through the one rule for the
period (kpis/rules/judgement.py, docs/judgement.md): 〇△× with the rate only once the target's period
is complete, progress against a named pace before that, calendar-year figures labelled 年, the rate
printed with the precision its source prints, and every actual drawn whether or not it has a target."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from submitting import complete

from kpis.rules.inputs import (
    COUNT,
    CY,
    FY,
    PER_YEAR,
    PERCENT,
    ActualFigure,
    IndicatorFigures,
    Rules,
    TargetFigure,
)
from kpis.rules.judgement import View, judgement
from kpis.rules.status import Thresholds
from regions.models import Block, Region
from reports.display.judgements import axis_label, pace_value_text, status_cell, view_heading
from reports.meetings import rules as meetings
from reports.models import LiaisonMeeting
from reports.progress import workflow
from reports.progress.demo import open_demo_period

FIRST_HALF = "fiscal_year=2022&half=h1"
SEMINARS, MEETINGS = "実務・経営セミナーの開催回数", "連絡調整会議の開催回数"


@pytest.fixture
def kanagawa_first_half(viewer):
    """Kanagawa's FY2022 上期 report, approved: 3 seminars of 年5回 (002 別添2 神奈川(1): 実務・経営
    セミナーを年5回 — not 年4回), 1 liaison meeting of 年1回."""
    report = workflow.report_of(open_demo_period(), Region.objects.get(code="14"))
    values = {SEMINARS: Decimal(3), MEETINGS: Decimal(1)}
    inputs = {
        entry.indicator_id: workflow.EntryInput(value=values[entry.indicator.name])
        for entry in report.entries.select_related("indicator")
    }
    workflow.submit(
        User.objects.get(username="demo-pref-14"),
        report,
        version=report.version,
        inputs=complete(report, inputs),
    )
    report.refresh_from_db()
    workflow.approve(User.objects.get(username="demo-bureau-kanto"), report, version=report.version)
    return viewer


def csv_records(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_records(content: bytes, sheet: str | None = None) -> list[dict]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    rows = list((workbook[sheet] if sheet else workbook.active).iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def by_indicator(records: list[dict]) -> dict[str, dict]:
    return {record["指標"]: record for record in records}


def cells(html: str) -> list[str]:
    """The text of every table cell of a page."""
    return [re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]


def crosses(html: str) -> list[str]:
    return [cell for cell in cells(html) if "×" in cell]


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{element_id}".*?</section>', html, flags=re.S)
    assert match, element_id
    return match.group(0)


def kanagawa_is_on_pace(rows: dict[str, dict]) -> None:
    """A half is progress against half the year's target, the target shown whole, never a mark."""
    seminars, liaison = rows[SEMINARS], rows[MEETINGS]
    assert (seminars["目標"], seminars["上期実績"], seminars["達成率"]) in (("5", "3", ""), (5, 3, None))
    assert (seminars["状況"], seminars["判定"], seminars["ペース"]) == (
        "順調",
        "進捗",
        "年5回の半分（上期）のペース",
    )
    assert (liaison["状況"], liaison["ペース"]) == ("順調", "年1回の半分（上期）のペース")


# --- a 上期 view with an approved 上期 report: progress, no × ---------------------------------------


def test_the_region_page_of_a_first_half_shows_progress_not_a_cross(kanagawa_first_half):
    url = f"/dashboard/2/regions/14/?{FIRST_HALF}"
    kanagawa_is_on_pace(
        by_indicator(csv_records(kanagawa_first_half.get(url + "&_export=csv&table=indicators")))
    )
    html = kanagawa_first_half.get(url).content.decode()
    assert crosses(html) == []
    assert "年5回の半分（上期）のペース" in html
    # half of 年5回 is never printed as a count (2.5回), nor 年1回's (0.5回)
    assert "2.5回" not in html and "0.5回" not in html
    # the region's tally: two items in progress, both on pace; nothing final, nothing achieved
    assert "進捗中 2（順調 2、遅れ 0、進行中 0、未報告 0）" in html


def test_the_block_page_and_its_exports_of_a_first_half_show_no_cross(kanagawa_first_half):
    url = f"/dashboard/2/blocks/kanto/?{FIRST_HALF}"
    html = kanagawa_first_half.get(url).content.decode()
    assert crosses(section(html, "region-14")) == []
    assert "年5回の半分（上期）のペース" in section(html, "region-14")
    indicators = csv_records(kanagawa_first_half.get(url + "&_export=csv&table=indicators"))
    kanagawa = [row for row in indicators if row["地域"] == "神奈川県"]
    assert "×" not in {row["状況"] for row in kanagawa}
    kanagawa_is_on_pace(by_indicator(kanagawa))
    # a × in a half's view is a final result only: 002 別添2 埼玉 埼玉ブランド食品開発研究会の立ち上げ,
    # due 31 March 2021 and not reported done, is final and not achieved in any view after its deadline
    assert {(row["地域"], row["判定"]) for row in indicators if row["状況"] == "×"} == {("埼玉県", "確定")}
    xlsx = kanagawa_first_half.get(url + "&_export=xlsx&table=region-14")
    kanagawa_is_on_pace(by_indicator(xlsx_records(xlsx.content)))
    summary = {
        row["地域"]: row for row in csv_records(kanagawa_first_half.get(url + "&_export=csv&table=summary"))
    }
    kanagawa = summary["神奈川県"]
    assert (
        kanagawa["項目数（目標あり）"],
        kanagawa["報告済み"],
        kanagawa["達成（〇）"],
        kanagawa["達成率"],
    ) == (
        "2",
        "2",
        "0",
        "",
    )
    assert (kanagawa["進捗中の項目"], kanagawa["うち順調"], kanagawa["うち遅れ"]) == ("2", "2", "0")


def test_the_national_page_of_a_first_half_counts_progress_apart(kanagawa_first_half):
    url = f"/dashboard/2/?{FIRST_HALF}"
    html = kanagawa_first_half.get(url).content.decode()
    assert crosses(html) == []
    blocks = {
        row["ブロック"]: row
        for row in csv_records(kanagawa_first_half.get(url + "&_export=csv&table=blocks"))
    }
    kanto = blocks["関東"]
    # a half's items are progress, counted apart: Kanagawa's two on pace; the only final item is
    # 埼玉's milestone past its deadline (above), so the achieved count is taken of it alone
    assert (kanto["達成（〇）"], kanto["確定した項目"], kanto["達成率"]) == ("0", "1", "0")
    assert (kanto["うち順調"], kanto["うち遅れ"]) == ("2", "0")
    assert int(kanto["進捗中の項目"]) == int(kanto["項目数（目標あり）"]) - 1
    # the central KPIs' 2022 column is the half too: the same view as the regional table
    central = csv_records(kanagawa_first_half.get(url + "&_export=csv&table=central"))
    hands_on = next(row for row in central if row["KPI"] == "ハンズオン支援社数")
    assert (hands_on["2022年度上期 目標"], hands_on["2022年度上期 判定"]) == ("250", "進捗")
    assert (hands_on["2021年度 状況"], hands_on["2021年度 判定"]) == ("〇", "確定")
    assert all(
        row[f"{year} 状況"] != "×" for row in central for year in ("2020年度", "2021年度", "2022年度上期")
    )


def test_the_year_after_it_ended_with_only_its_first_half_is_unreported_not_failed(kanagawa_first_half):
    rows = by_indicator(
        csv_records(
            kanagawa_first_half.get("/dashboard/2/regions/14/?fiscal_year=2022&_export=csv&table=indicators")
        )
    )
    # FY2022 is over: final, but the 下期 never came — 未報告, counted as an item and never as failed
    seminars = rows[SEMINARS]
    assert (seminars["状況"], seminars["判定"], seminars["注記"], seminars["達成率"]) == (
        "未報告",
        "確定",
        "下期未報告（上期のみ）",
        "",
    )


def test_the_comparison_does_not_count_a_first_half_as_a_failure(kanagawa_first_half):
    plans = {
        (r["区分"], r["項目"], r["値の種類"]): r
        for r in csv_records(kanagawa_first_half.get("/dashboard/compare/?_export=csv&table=plans"))
    }
    # the 2nd plan's regional KPIs are judged in FY2022, the last year with a figure: Kanagawa's year is
    # unreported (its 上期 only), neither judged nor failed; the one judged item is 埼玉's milestone
    # past its deadline (× in any view after it, as on the block page)
    assert (
        plans[("地域KPI", "判定した年度（実績のある最後の年度）", "算出")]["第2次計画"]
        == "2022年度（令和4年度）"
    )
    assert plans[("地域KPI", "判定済みの項目（未報告を除く）", "算出")]["第2次計画"] == "1"
    assert plans[("地域KPI", "達成項目（〇）", "算出")]["第2次計画"] == "0"
    blocks = {
        r["ブロック"]: r
        for r in csv_records(kanagawa_first_half.get("/dashboard/compare/?_export=csv&table=blocks"))
    }
    assert blocks["関東"]["第2次計画 算出 達成"] == "0"
    # the documents' 報告値 beside it, untouched: 003 I-2(2)② 90 of 114
    assert (blocks["全国"]["第2次計画 報告値 達成"], blocks["全国"]["第2次計画 報告値 項目数"]) == (
        "90",
        "114",
    )


def test_the_pack_judges_at_its_cut_off_and_shows_no_cross(kanagawa_first_half):
    bureau = User.objects.get(username="demo-bureau-kanto")
    meeting = meetings.create_meeting(
        bureau,
        LiaisonMeeting(
            block=Block.objects.get(code="kanto"),
            fiscal_year=2022,
            title="関東地域知財連絡会議",
            held_on=timezone.localdate(),
        ),
        timezone.localdate(),
    )
    kanagawa_first_half.force_login(bureau)
    html = kanagawa_first_half.get(f"/meetings/{meeting.pk}/pack/").content.decode()
    assert crosses(section(html, "region-14")) == []
    assert "下期未報告（上期のみ）" in section(html, "region-14")
    content = kanagawa_first_half.get(f"/meetings/{meeting.pk}/pack.xlsx").content
    indicators = [row for row in xlsx_records(content, "指標別実績") if row["地域"] == "神奈川県"]
    assert "×" not in {row["状況"] for row in indicators}
    seminars = by_indicator(indicators)[SEMINARS]
    assert (seminars["上期実績"], seminars["状況"], seminars["判定"], seminars["注記"]) == (
        3,
        "未報告",
        "確定",
        "下期未報告（上期のみ）",
    )
    summary = {row["地域"]: row for row in xlsx_records(content, "ブロック集計")}
    kanagawa = summary["神奈川県"]
    assert (kanagawa["達成（〇）"], kanagawa["報告済み"], kanagawa["達成率"]) == (0, 0, None)


# --- calendar years, precision, and charts ---------------------------------------------------------


def test_the_first_plans_calendar_year_series_are_labelled_by_year(viewer):
    response = viewer.get("/dashboard/1/")
    html = response.content.decode()
    assert "暦年（年）で数える指標" in html
    calendar = csv_records(viewer.get("/dashboard/1/?_export=csv&table=calendar"))
    assert not any("年度" in column for column in calendar[0])
    share = next(
        row for row in calendar if row["KPI"].endswith("（特許出願件数における中小企業の割合（内国人出願））")
    )
    # 000 §2: 14%（平成27年）→ 15%（平成31年）; 16.1% in 2019, judged in its year: 107% 〇
    assert (share["2019年 目標"], share["2019年 実績"], share["2019年 達成率"], share["2019年 状況"]) == (
        "15",
        "16.1",
        "107",
        "〇",
    )
    assert (share["2018年 状況"], share["2018年 判定"]) == ("順調", "進捗")  # against the 経過目標
    applicants = next(
        row for row in calendar if row["KPI"].startswith("新規に特許等の出願を行う中小企業数（新規に")
    )
    # 000 §2: 1,629社 of 2,500社 (平成31年): the one central KPI of six not achieved
    assert (applicants["2019年 実績"], applicants["2019年 達成率"], applicants["2019年 状況"]) == (
        "1629",
        "65",
        "×",
    )
    fiscal = csv_records(viewer.get("/dashboard/1/?_export=csv&table=central"))
    assert not any("中小企業" in row["KPI"] for row in fiscal)
    assert "2019年度 目標" in fiscal[0]
    charts = {chart["title"]: chart for chart in response.context["central_charts"]}
    points = charts[
        "新規に特許等の出願を行う中小企業数（新規に特許等の出願を行う中小企業数（グラフ名: 新規特許出願社数））"
    ]["points"]
    assert [point["label"] for point in points] == ["2016年", "2017年", "2018年", "2019年"]
    assert points[-1]["axis"] == "2019年<br>(令和元年)"


def test_the_second_plans_pct_applications_are_judged_in_2022_only(viewer):
    [pct] = csv_records(viewer.get("/dashboard/2/?_export=csv&table=calendar"))
    # 003 I-2(2)①2)ii): 4,379件(2018年)→5,000件(2022年); 2020年 5,072件, 2021年 5,115件, 2022年 4,700件
    assert pct["KPI"].startswith("中小企業の国際特許出願件数（PCT出願）")
    assert [pct[f"{year}年 判定"] for year in (2020, 2021, 2022)] == ["進捗", "進捗", "確定"]
    assert [pct[f"{year}年 状況"] for year in (2020, 2021)] == ["順調", "順調"]
    assert (pct["2022年 実績"], pct["2022年 達成率"], pct["2022年 状況"]) == ("4700", "94", "△")
    assert pct["2020年 ペース"].startswith("経過目標 2020年 約4,690件")
    assert "ポータルの目安" in pct["2020年 ペース"]
    html = viewer.get("/dashboard/2/").content.decode()
    assert "94% △" in html
    assert not any(
        "PCT" in row["KPI"] for row in csv_records(viewer.get("/dashboard/2/?_export=csv&table=central"))
    )


def test_the_effect_indicator_is_printed_with_the_documents_decimal(viewer):
    rows = csv_records(viewer.get("/dashboard/2/?_export=csv&table=central"))
    effect = next(row for row in rows if row["KPI"].endswith("（事業成長等が認められた企業数）"))
    # 003 I-2(2)①2)i): 251社 of 150社 (2020～2022年度累計), printed 167.3%
    assert (effect["2022年度 実績"], effect["2022年度 達成率"], effect["2022年度 状況"]) == (
        "251",
        "167.3",
        "〇",
    )
    # the years before the span's end are not judged: progress, unreported (no total printed for them)
    assert (effect["2020年度 状況"], effect["2020年度 判定"]) == ("未報告", "進捗")
    sheet = xlsx_records(viewer.get("/dashboard/2/?_export=xlsx&table=central").content)
    effect = next(row for row in sheet if row["KPI"].endswith("（事業成長等が認められた企業数）"))
    assert effect["2022年度 達成率"] == pytest.approx(167.3)
    assert "167.3% 〇" in viewer.get("/dashboard/2/").content.decode()


def test_a_chart_and_its_table_show_actuals_that_have_no_target(viewer):
    response = viewer.get("/dashboard/1/")
    charts = {chart["title"]: chart for chart in response.context["central_charts"]}
    loans = charts["知財に着目した融資等を行う金融機関数（融資につながったビジネス案件数）"]
    # 000 §4-2 グラフ: 融資につながったビジネス案件数 2016–2019: 42, 57, 98, 112 (no numeric target)
    assert [point["actual"] for point in loans["points"]] == [
        Decimal(42),
        Decimal(57),
        Decimal(98),
        Decimal(112),
    ]
    assert all(point["target"] is None for point in loans["points"])
    bars = {trace["name"]: trace["y"] for trace in loans["figure"]["data"]}
    assert bars["実績"] == [42, 57, 98, 112]
    assert bars["目標"] == [None, None, None, None]
    html = response.content.decode()
    table = html.split(f'data-chart="{loans["id"]}"')[1].split("</table>")[0]
    assert [re.sub(r"\s+", "", cell) for cell in cells(table)][1::2] == ["42", "57", "98", "112"]


def test_the_status_filter_finds_items_by_their_progress_word(kanagawa_first_half):
    url = f"/dashboard/2/blocks/kanto/?{FIRST_HALF}&_export=csv&table=indicators"
    on_pace = csv_records(kanagawa_first_half.get(url + "&status=on_pace"))
    assert {(row["地域"], row["指標"]) for row in on_pace} == {("神奈川県", SEMINARS), ("神奈川県", MEETINGS)}
    assert csv_records(kanagawa_first_half.get(url + "&status=achieved")) == []


def test_a_table_mixing_fiscal_and_calendar_years_says_which_each_row_is(viewer):
    # 002 別添2 岡山(1): PCT・国際商標出願件数 250件 in 2022年 (a calendar year), beside a seminar count
    # of 6回 over 2020～2022年度 (fiscal years)
    url = "/dashboard/2/blocks/chugoku/?fiscal_year=2022"
    rows = csv_records(viewer.get(url + "&_export=csv&table=region-33"))
    assert [(row["指標"], row["期間"]) for row in rows] == [
        ("国際特許出願（PCT出願）・国際商標出願件数", "2022年"),
        ("知財人材育成セミナー開催回数", "2022年度"),
    ]
    okayama = section(viewer.get(url).content.decode(), "region-33")
    assert re.search(r"<th[^>]*>\s*期間\s*</th>", okayama)  # shown on screen: the table mixes them
    # a half has nothing to judge for a calendar-year figure, and says why
    half = csv_records(viewer.get(url + "&half=h1&_export=csv&table=region-33"))
    assert (half[0]["状況"], half[0]["注記"]) == ("対象外", "暦年（年）の指標のため、半期では判定しません")
    # a table of one kind of year leaves the column to the exports
    kanto = viewer.get("/dashboard/2/blocks/kanto/?fiscal_year=2022").content.decode()
    assert not re.search(r"<th[^>]*>\s*期間\s*</th>", section(kanto, "region-14"))


# --- how a judgement reads (reports/display/judgements.py), without a database ---------------------


def yearly(actuals, *, value=Decimal(400)):
    return IndicatorFigures(
        rules=Rules(target_shape=PER_YEAR),
        targets=(TargetFigure(period="fy", year=2020, value=value),),
        actuals=tuple(ActualFigure(period=period, year=2020, value=Decimal(v)) for period, v in actuals),
    )


@pytest.mark.parametrize(
    ("actuals", "view", "shown"),
    [
        # 003 I-2(2)①1)ii)b: 515件 of 400件 → 129%
        ((("fy", 515),), "year", ("129% 〇", "")),
        ((("h1", 150),), "h1", ("遅れ", "年400件のうち上期200件のペース")),
        ((("h1", 150),), "year", ("未報告", "下期未報告（上期のみ）")),
        ((), "h1", ("未報告", "年400件のうち上期200件のペース")),
    ],
)
def test_a_status_cell_marks_only_a_final_result(actuals, view, shown):
    chosen = View.fiscal_year(2020) if view == "year" else View.fiscal_half(2020, "h1")
    result = judgement(yearly(actuals), chosen, as_of=datetime.date(2024, 1, 1), thresholds=Thresholds())
    cell = status_cell(result, "件")
    assert (cell.main, cell.detail) == shown


def test_column_headings_name_the_kind_of_year_and_a_pace_is_never_a_fractional_count():
    assert view_heading(View.fiscal_year(2022), FY) == "2022年度"
    assert view_heading(View.fiscal_half(2022, "h1"), FY) == "2022年度上期"
    assert view_heading(View.calendar_year(2022), CY) == "2022年"
    assert axis_label(View.fiscal_year(2019), FY) == "2019年度<br>(令和元年度)"
    assert axis_label(View.calendar_year(2019), CY) == "2019年<br>(令和元年)"
    # 250件 × 1/3 (a cumulative goal's share of its span) and 37.5% (a share's 経過目標)
    assert pace_value_text(Decimal(250) / 3, COUNT) == "約83"
    assert pace_value_text(Decimal("37.5"), PERCENT) == "37.5"
    assert pace_value_text(Decimal(500), COUNT) == "500"
