"""The dashboards read the published year-end forecasts (年度末見込み) beside the results: in a 上期
view (and a year's view while the year is under way) the region, block and national pages and their
CSV/XLSX exports show what the year would show with the forecast, always marked as a forecast, and
count the items at risk apart; a forecast never enters an achieved count, and a 下期 view or a year
that has ended shows none."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User

from kpis.models import Indicator
from regions.models import Region
from reports.dashboards.comparison import compare_plans
from reports.dashboards.views.compare import comparison_block_rows, overview_rows
from reports.models import Forecast
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

FIRST_HALF = "fiscal_year=2022&half=h1"
SEMINARS, MEETINGS = "実務・経営セミナーの開催回数", "連絡調整会議の開催回数"
REASON = "下期にセミナー1回を予定"


def approve_kanagawa(seminars: str, meetings: str = "1") -> None:
    """Kanagawa's FY2022 上期 report approved: 3 seminars of 年5回 and 1 meeting of 年1回, with the
    year-end forecasts given (a forecast is published by the bureau's approval)."""
    officer, bureau = (User.objects.get(username=name) for name in ("demo-pref-14", "demo-bureau-kanto"))
    report = workflow.report_of(open_demo_period(), Region.objects.get(code="14"), officer)
    forecasts = {SEMINARS: (Decimal(3), Decimal(seminars)), MEETINGS: (Decimal(1), Decimal(meetings))}
    inputs = {}
    for entry in report.entries.select_related("indicator"):
        value, forecast = forecasts[entry.indicator.name]
        inputs[entry.indicator_id] = workflow.EntryInput(value, forecast=forecast, forecast_reason=REASON)
    workflow.submit(officer, report, version=report.version, inputs=inputs)
    report.refresh_from_db()
    workflow.approve(bureau, report, version=report.version)


@pytest.fixture
def kanagawa_at_risk(viewer):
    """Seminars forecast at 4 of 年5回 (見込み △ 80%, at risk), the meeting at 1 of 年1回 (見込み 〇)."""
    approve_kanagawa(seminars="4")
    return viewer


def csv_records(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_records(response) -> list[dict]:
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{element_id}".*?</section>', html, flags=re.S)
    assert match, element_id
    return match.group(0)


def kanagawa_rows(records: list[dict]) -> dict[str, dict]:
    return {row["指標"]: row for row in records if row.get("地域", "神奈川県") == "神奈川県"}


def forecast_beside_progress(rows: dict[str, dict]) -> None:
    """The result stays progress (順調 against half the year's target); the forecast is beside it."""
    seminars, meetings = rows[SEMINARS], rows[MEETINGS]
    assert (seminars["状況"], seminars["判定"]) == ("順調", "進捗")
    assert str(seminars["年度末見込み"]) == "4"
    assert (seminars["見込み状況"], str(seminars["見込み達成率"]), seminars["見込み注意"]) == (
        "見込み △",
        "80",
        "目標に届かない見込み",
    )
    assert seminars["見込みの理由"] == REASON
    assert (meetings["状況"], meetings["見込み状況"], meetings["見込み注意"] or "") == (
        "順調",
        "見込み 〇",
        "",
    )


def test_the_region_page_of_a_first_half_shows_the_forecast_beside_the_progress(kanagawa_at_risk):
    url = f"/dashboard/2/regions/14/?{FIRST_HALF}"
    html = kanagawa_at_risk.get(url).content.decode()
    assert [cell for cell in cells(html) if "×" in cell] == []
    # marked as a forecast, in the at-risk style when it falls short
    assert re.search(r'4回 <span class="badge forecast at-risk">見込み △</span>', html)
    assert re.search(r'1回 <span class="badge forecast">見込み 〇</span>', html)
    assert "年度末見込み: 2項目（うち目標に届かない見込み 1）" in html
    # the tally of results is untouched: two items in progress, nothing final, nothing achieved
    assert "進捗中 2（順調 2、遅れ 0、進行中 0、未報告 0）" in html
    forecast_beside_progress(kanagawa_rows(csv_records(kanagawa_at_risk.get(url + "&_export=csv"))))
    forecast_beside_progress(kanagawa_rows(xlsx_records(kanagawa_at_risk.get(url + "&_export=xlsx"))))


def test_the_block_page_counts_the_items_at_risk_apart_and_exports_the_forecasts(kanagawa_at_risk):
    url = f"/dashboard/2/blocks/kanto/?{FIRST_HALF}"
    html = kanagawa_at_risk.get(url).content.decode()
    kanagawa = section(html, "region-14")
    assert [cell for cell in cells(kanagawa) if "×" in cell] == []
    assert "見込み △" in kanagawa and 'class="badge forecast at-risk"' in kanagawa
    summary = {
        row["地域"]: row for row in csv_records(kanagawa_at_risk.get(url + "&_export=csv&table=summary"))
    }
    row = summary["神奈川県"]
    assert (row["年度末見込みのある項目"], row["うち目標に届かない見込み"]) == ("2", "1")
    # a forecast of 〇 (the meeting) is not an achieved item: nothing is final in Kanagawa's 上期
    assert (row["達成（〇）"], row["確定した項目"], row["うち順調"]) == ("0", "0", "2")
    assert summary["関東ブロック計"]["うち目標に届かない見込み"] == "1"
    forecast_beside_progress(
        kanagawa_rows(csv_records(kanagawa_at_risk.get(url + "&_export=csv&table=indicators")))
    )
    forecast_beside_progress(
        kanagawa_rows(xlsx_records(kanagawa_at_risk.get(url + "&_export=xlsx&table=region-14")))
    )


def test_the_national_page_counts_at_risk_per_block_and_shows_central_forecasts(kanagawa_at_risk):
    hands_on = Indicator.objects.get(
        kpi__plan__number=2, kpi__level="central", kpi__title="ハンズオン支援社数"
    )
    Forecast.objects.create(indicator=hands_on, fiscal_year=2022, value=260, reason="順調", source="テスト")
    url = f"/dashboard/2/?{FIRST_HALF}"
    html = kanagawa_at_risk.get(url).content.decode()
    assert [cell for cell in cells(html) if "×" in cell] == []
    assert "年度末見込み: 2項目（うち目標に届かない見込み 1）" in html
    blocks = {
        row["ブロック"]: row for row in csv_records(kanagawa_at_risk.get(url + "&_export=csv&table=blocks"))
    }
    assert (blocks["関東"]["年度末見込みのある項目"], blocks["関東"]["うち目標に届かない見込み"]) == (
        "2",
        "1",
    )
    assert (blocks["全国"]["うち目標に届かない見込み"], blocks["近畿"]["年度末見込みのある項目"]) == (
        "1",
        "0",
    )
    assert blocks["関東"]["達成（〇）"] == "0"
    central = {
        row["KPI"]: row for row in csv_records(kanagawa_at_risk.get(url + "&_export=csv&table=central"))
    }
    row = central["ハンズオン支援社数"]
    # beside the chosen column only, the half still progress against half the year's 250
    assert (row["2022年度上期 判定"], row["2022年度 年度末見込み"]) == ("進捗", "260")
    assert row["2022年度 見込み状況"].startswith("見込み ")
    assert "2021年度 年度末見込み" not in row


def test_a_forecast_never_enters_an_achieved_count(viewer):
    """The same report with forecasts that would all be met, short or absent: the results' counts are equal."""
    url = f"/dashboard/2/blocks/kanto/?{FIRST_HALF}&_export=csv&table=summary"
    results = (
        "項目数（目標あり）",
        "報告済み",
        "達成（〇）",
        "達成率",
        "確定した項目",
        "うち順調",
        "うち遅れ",
    )

    def counted() -> dict:
        return {row["地域"]: [row[name] for name in results] for row in csv_records(viewer.get(url))}

    approve_kanagawa(seminars="6", meetings="2")  # both forecasts 〇
    met = counted()
    assert {row["地域"]: row["年度末見込みのある項目"] for row in csv_records(viewer.get(url))}[
        "神奈川県"
    ] == "2"
    Forecast.objects.update(value=0)
    short = counted()
    Forecast.objects.all().delete()
    assert met == short == counted()


def test_a_second_half_or_an_ended_year_shows_no_forecast(kanagawa_at_risk):
    for query in ("fiscal_year=2022&half=h2", "fiscal_year=2022"):
        url = f"/dashboard/2/blocks/kanto/?{query}"
        html = kanagawa_at_risk.get(url).content.decode()
        assert "見込み" not in section(html, "region-14") and "年度末見込み:" not in html
        header = csv_records(kanagawa_at_risk.get(url + "&_export=csv&table=indicators"))[0]
        assert "年度末見込み" not in header
        summary = csv_records(kanagawa_at_risk.get(url + "&_export=csv&table=summary"))[0]
        assert "うち目標に届かない見込み" not in summary


def test_the_comparison_counts_the_forecasts_of_the_year_under_way_apart(kanagawa_at_risk):
    # FY2022 under way (the 2nd plan in force): its forecasts beside the results, never achieved
    comparison = compare_plans(as_of=datetime.date(2022, 11, 15))
    second = next(c for c in comparison.plans if c.plan.number == 2)
    assert (second.regional.year, second.regional.forecast_items, second.regional.at_risk) == (2022, 2, 1)
    assert second.regional.achieved == 0
    overview = {row["label"]: row for row in overview_rows(comparison.plans) if row["source"] == "見込み"}
    assert (overview["年度末見込みのある項目"]["plan_2"], overview["うち目標に届かない見込み"]["plan_2"]) == (
        2,
        1,
    )
    blocks = {row["block"]: row for row in comparison_block_rows(comparison.plans, comparison.blocks)}
    assert (blocks["関東"]["at_risk_2"], blocks["関東"]["achieved_2"], blocks["全国"]["at_risk_2"]) == (
        1,
        0,
        1,
    )
    # the 1st plan's year has long ended: no forecast is counted for it
    assert blocks["関東"]["at_risk_1"] is None
    # today the year has ended: the page counts no forecast for the 2nd plan either
    plans = {
        (r["項目"], r["値の種類"]): r
        for r in csv_records(kanagawa_at_risk.get("/dashboard/compare/?_export=csv&table=plans"))
    }
    assert plans[("うち目標に届かない見込み", "見込み")]["第2次計画"] == ""
