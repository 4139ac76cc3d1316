"""The portal as people use it, in a real browser (Chromium), offline.

Each journey signs in as one of the demo users and checks what the person sees: the pages, the
Japanese messages, the charts drawn by the portal's own plotly.js, the numbers in the tables against
the judgement rule, the downloads. Screenshots for the README are written to docs/screenshots/.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from kpis.models import Actual, Indicator, Kpi
from kpis.rules.judgement import View
from kpis.rules.rates import round_percent
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.dashboards.selectors import judge_indicators, plan_indicators
from reports.dashboards.tallies import Tally
from reports.display.formatting import display_number, display_percent
from reports.display.judgements import status_cell
from reports.models import CentralEntry, ProgressReport, ReportEntry
from reports.progress import workflow
from reports.progress.demo import open_demo_period

from .support import (
    expect,
    log_in,
    press_and_wait,
    screenshot,
    skip_to_content,
    skip_without_browser,
    tab_to,
    table_records,
    table_with_heading,
)
from .test_accessibility import violations_on

pytestmark = [pytest.mark.e2e, skip_without_browser()]

State = ProgressReport.State
REPORT_URL = "/progress/14/2022/h1/"
# A tally's columns in the block tables, on screen and in the exports.
TALLY_COLUMNS = ("項目数（目標あり）", "報告済み", "達成（〇）", "達成率")


def kanagawa_indicators(period) -> tuple[Indicator, Indicator]:
    """Kanagawa's two regional indicators in the 2nd plan (別添2 神奈川県): 14-1 seminars, 14-2 meetings."""
    seminars, meetings = workflow.region_indicators(period.plan, Region.objects.get(code="14"))
    assert (seminars.kpi.code, meetings.kpi.code) == ("14-1", "14-2")
    return seminars, meetings


def state_badge(page):
    return page.locator(".report-status .badge").first


def regional_tally(plan: Plan, fiscal_year: int, **scope) -> Tally:
    """The rule's tally of regional results for a year, as the dashboards count it."""
    tally = Tally()
    indicators = plan_indicators(plan, level=Kpi.Level.REGIONAL, **scope)
    view = View.fiscal_year(fiscal_year)
    for row in judge_indicators(indicators, view=view, as_of=timezone.localdate()):
        tally.add(row.result)
    return tally


def shown_tally(tally: Tally) -> dict[str, str]:
    """A tally as the tables print it: counts, and the rate with one decimal (136/148 → 91.9%)."""
    counts = (display_number(tally.items), display_number(tally.reported), display_number(tally.achieved))
    return dict(zip(TALLY_COLUMNS, (*counts, display_percent(tally.rate, 1)), strict=True))


def exported_tally(tally: Tally) -> dict[str, Decimal | None]:
    """A tally as the exports hold it: numbers, the rate rounded to one decimal."""
    rate = None if tally.rate is None else round_percent(tally.rate, 1)
    counts = (Decimal(tally.items), Decimal(tally.reported), Decimal(tally.achieved))
    return dict(zip(TALLY_COLUMNS, (*counts, rate), strict=True))


def as_decimal(cell) -> Decimal | None:
    return None if cell in (None, "") else Decimal(str(cell))


def wait_for_charts(page) -> int:
    """Every chart on the page drawn by plotly.js (its `.main-svg` inside the chart's div)."""
    charts = page.locator("[data-chart]")
    count = charts.count()
    assert count > 0
    for index in range(count):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()
    return count


def download(page, link, suffix: str) -> Path:
    """Follow a download link; the file as saved, after checking the name the browser would give it."""
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(suffix)
    return info.value.path()


def csv_records(path, key: str) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return {row[key]: row for row in csv.DictReader(file)}


def xlsx_records(path, key: str) -> dict[str, dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True).active
    header, *rows = sheet.iter_rows(values_only=True)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    return {record[key]: record for record in records}


def export_link(page, file_format: str, table: str):
    return page.locator(f"a[href*='_export={file_format}'][href*='table={table}']")


# --- 1. an officer writes the report, with the keyboard alone ---------------------------------------


def test_an_officer_writes_and_submits_the_report_with_the_keyboard_alone(browsing):
    create_demo_users()
    period = open_demo_period()
    seminars, meetings = kanagawa_indicators(period)
    page = browsing.new_page()
    log_in(page, "demo-pref-14")

    # From the menu to the report, by Tab and Enter.
    tab_to(page, page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="半期報告"))
    press_and_wait(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("半期進捗報告")
    tab_to(page, page.get_by_role("link", name=re.compile(r"^入力する\s*（神奈川県 .*2022年度 上期")))
    press_and_wait(page, "Enter")
    assert page.url.endswith(REPORT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("神奈川県 2022年度（令和4年度） 上期の進捗報告")
    expect(state_badge(page)).to_have_text("未着手")  # nothing stored until the first save

    # The fields in the order of the page, each reached by Tab; the seminars' count is negative.
    typed = {
        f"value-{seminars.pk}": "-1",
        f"forecast-{seminars.pk}": "",  # the year-end forecast is optional
        f"forecast_reason-{seminars.pk}": "",
        f"no_result-{seminars.pk}": "",  # a value is reported: 実績なし stays unticked
        f"no_result_reason-{seminars.pk}": "",
        f"activities-{seminars.pk}": "知財経営セミナーを県内3会場で開催",
        f"outcomes-{seminars.pk}": "中小企業 延べ85社が参加",
        f"next_steps-{seminars.pk}": "下期は金融機関と共催する",
        f"value-{meetings.pk}": "2",
        f"forecast-{meetings.pk}": "",
        f"forecast_reason-{meetings.pk}": "",
        f"no_result-{meetings.pk}": "",
        f"no_result_reason-{meetings.pk}": "",
        f"activities-{meetings.pk}": "支援機関の連絡調整会議",
        f"outcomes-{meetings.pk}": "",
        f"next_steps-{meetings.pk}": "",
    }
    skip_to_content(page)
    for name, text in typed.items():
        page.keyboard.press("Tab")
        expect(page.locator(f"#id_{name}")).to_be_focused()
        page.keyboard.type(text)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="下書き保存")).to_be_focused()
    press_and_wait(page, "Enter")

    # Refused: a Japanese message next to the field, and in the summary at the top; nothing saved.
    error = page.locator(f"#id_value-{seminars.pk}-error")
    expect(error).to_have_text("実務・経営セミナーの開催回数に負の値は入力できません。")
    field = page.locator(".field.has-error").filter(has=page.locator(f"#id_value-{seminars.pk}"))
    expect(field).to_contain_text("負の値は入力できません")
    expect(page.locator(f"#id_value-{seminars.pk}")).to_have_attribute("aria-invalid", "true")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("入力内容を確認してください")
    expect(summary.get_by_role("link")).to_have_text(f"{seminars.name}・今期の実績（回）")
    # what was typed is still there
    expect(page.locator(f"#id_activities-{seminars.pk}")).to_have_value(typed[f"activities-{seminars.pk}"])
    expect(page.locator(f"#id_value-{meetings.pk}")).to_have_value("2")
    assert not ReportEntry.objects.filter(report__region__code="14", value__isnull=False).exists()
    screenshot(page, "progress-report", start=summary)

    # The summary's link takes the focus to the field; the officer corrects it and saves the draft.
    skip_to_content(page)
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#id_value-{seminars.pk}")).to_be_focused()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("3")
    tab_to(page, page.get_by_role("button", name="下書き保存"))
    press_and_wait(page, "Enter")
    expect(page.locator(".messages")).to_have_text("下書きを保存しました。")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator(f"#id_value-{seminars.pk}")).to_have_value("3")
    expect(page.locator(f"#id_outcomes-{seminars.pk}")).to_have_value("中小企業 延べ85社が参加")
    saved = {e.indicator_id: e for e in ReportEntry.objects.filter(report__region__code="14")}
    assert (saved[seminars.pk].value, saved[meetings.pk].value) == (3, 2)
    assert saved[seminars.pk].updated_by.username == "demo-pref-14"

    # Submitted: read-only, 提出済み.
    skip_to_content(page)
    tab_to(page, page.get_by_role("button", name="提出（確認へ）"))
    press_and_wait(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("提出内容の確認")
    assert ProgressReport.objects.get(region__code="14", period=period).state == State.DRAFT
    assert violations_on(page) == []
    tab_to(page, page.get_by_role("button", name="この内容で提出する"))
    press_and_wait(page, "Enter")
    expect(page.locator(".messages")).to_contain_text("報告を提出しました。")
    expect(state_badge(page)).to_have_text("提出済み（確認待ち）")
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.locator(".entry-values").first).to_contain_text("3回")
    report = ProgressReport.objects.get(region__code="14", period=period)
    assert report.state == State.SUBMITTED
    assert report.submitted_by.username == "demo-pref-14"


# --- 2. the bureau returns it, the officer resubmits, the bureau approves ---------------------------


def test_the_bureau_returns_the_report_the_officer_resubmits_and_the_bureau_approves(browsing):
    create_demo_users()
    period = open_demo_period()
    seminars, meetings = kanagawa_indicators(period)
    officer = User.objects.get(username="demo-pref-14")
    report = workflow.report_of(period, Region.objects.get(code="14"), officer)
    workflow.submit(
        officer,
        report,
        version=report.version,
        inputs={
            seminars.pk: workflow.EntryInput(value=Decimal(3), activities="知財経営セミナー"),
            meetings.pk: workflow.EntryInput(value=Decimal(2)),
        },
    )
    comment = "14-2 の回数が上期の議事録（3回）と合いません。確認してください。"

    reviewer = browsing.new_page()
    log_in(reviewer, "demo-bureau-kanto", then="/progress/")
    waiting = reviewer.get_by_role("table", name="確認待ち（承認・差戻し）")
    waiting.get_by_role("link", name=re.compile(r"^確認する\s*（神奈川県")).click()
    expect(state_badge(reviewer)).to_have_text("提出済み（確認待ち）")
    reviewer.get_by_label("コメント（差戻しの場合は必須）").fill(comment)
    reviewer.get_by_role("button", name="差戻し").click()
    expect(reviewer.locator(".messages")).to_contain_text("報告を差し戻しました。")
    expect(state_badge(reviewer)).to_have_text("差戻し")

    page = browsing.new_page()
    log_in(page, "demo-pref-14", then=REPORT_URL)
    expect(state_badge(page)).to_have_text("差戻し")
    expect(page.get_by_role("note")).to_contain_text(comment)
    expect(page.get_by_role("note")).to_contain_text("関東経済産業局 知的財産室")
    meetings_field = page.locator(f"#id_value-{meetings.pk}")
    expect(meetings_field).to_have_value("2")
    meetings_field.fill("3")
    page.get_by_role("button", name="提出（確認へ）").click()
    # 3 meetings in a half against 年1回 is flagged: not refused, but it needs an explanation
    check = page.locator(".plausibility").filter(has=page.locator(f"#id_check_cause-{meetings.pk}"))
    expect(check).to_contain_text("今期の目安（約1回）の5倍を超えています。")
    expect(page.locator(f"#id_check_note-{meetings.pk}-error")).to_contain_text("説明を1行で入力してください")
    expect(meetings_field).to_have_value("3")  # nothing typed is lost
    assert violations_on(page) == []
    page.get_by_label("確認が必要な値の要因").select_option(label="誤りではない（確認済み）")
    page.get_by_label("確認が必要な値の説明（1行）").fill("議事録で上期3回の開催を確認した。")
    page.get_by_role("button", name="提出（確認へ）").click()
    confirmation = page.get_by_role("region", name="確認が必要な値")
    expect(confirmation).to_contain_text("議事録で上期3回の開催を確認した。")
    page.get_by_role("button", name="この内容で提出する").click()
    expect(page.locator(".messages")).to_contain_text("報告を提出しました。")
    expect(state_badge(page)).to_have_text("提出済み（確認待ち）")

    # the reviewer reads the flagged value and its explanation first, above the lines
    reviewer.reload()
    flagged = reviewer.get_by_role("region", name="確認が必要な値（先に確認してください）")
    expect(flagged).to_contain_text("連絡調整会議の開催回数")
    expect(flagged).to_contain_text("誤りではない（確認済み）")
    expect(flagged).to_contain_text("議事録で上期3回の開催を確認した。")
    screenshot(reviewer, "progress-flagged-review", start=flagged)
    assert violations_on(reviewer) == []
    expect(reviewer.locator(".entry-values").nth(1)).to_contain_text("3回")
    reviewer.get_by_role("button", name="承認").click()
    expect(reviewer.locator(".messages")).to_contain_text("報告を承認しました。")
    expect(state_badge(reviewer)).to_have_text("承認済み")
    report.refresh_from_db()
    assert report.state == State.APPROVED
    assert report.reviewed_by.username == "demo-bureau-kanto"

    # Approval publishes: the half's actuals are on the block's dashboard, as the rule reads a half:
    # progress against its pace, never a mark.
    assert Actual.objects.get(indicator=meetings, period="h1", year=2022).value == 3
    reviewer.goto("/dashboard/2/blocks/kanto/?fiscal_year=2022&half=h1")
    assert wait_for_charts(reviewer) >= 2
    section = reviewer.locator("#region-14")
    rows = table_records(section.locator("table.indicators"), key="指標")
    first_half = View.fiscal_half(2022, "h1")
    judged = judge_indicators([seminars, meetings], view=first_half, as_of=timezone.localdate())
    for indicator, row in zip((seminars, meetings), judged, strict=True):
        assert rows[indicator.name]["上期実績"] == "3"
        cell = status_cell(row.result, indicator.unit)
        shown = rows[indicator.name]["達成率"]
        assert shown.splitlines()[0] == cell.main and cell.detail in shown and "×" not in shown
    expect(section.locator("[data-chart] .main-svg").first).to_be_attached()
    screenshot(reviewer, "dashboard-block", start=section)


# --- 3. a viewer reads the dashboards -----------------------------------------------------------------


def test_a_viewer_reads_the_dashboards_charts_tables_and_downloads(browsing):
    create_demo_users()
    plan = Plan.objects.get(number=2)
    kanto = Block.objects.get(code="kanto")
    year = 2022  # the 2nd plan's last year: the dashboard's default once the plan has ended
    page = browsing.new_page()
    log_in(page, "demo-viewer", then="/dashboard/2/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("全国の達成状況")
    expect(page.locator("main")).to_contain_text(f"表示中: {year}年度")
    assert wait_for_charts(page) >= 2

    # The central KPIs: 003 I-2(2)①1)i) prints ハンズオン支援社数 267社 (107%) in FY2020.
    hands_on = Indicator.objects.get(kpi__plan=plan, kpi__level=Kpi.Level.CENTRAL, name="ハンズオン支援社数")
    judged = judge_indicators([hands_on], view=View.fiscal_year(2020), as_of=timezone.localdate())[0]
    assert display_percent(judged.result.rate) == "107%"
    central = table_records(table_with_heading(page, "KPI"))
    assert central["ハンズオン支援社数"]["2020年度 実績"] == "267"
    assert central["ハンズオン支援社数"]["2020年度 達成率"] == "107% 〇"

    # The regional results per block equal the rule's tally.
    expected = regional_tally(plan, year, block=kanto)
    blocks = table_records(table_with_heading(page, "報告値 達成項目"))
    assert {column: blocks["関東"][column] for column in TALLY_COLUMNS} == shown_tally(expected)
    national = regional_tally(plan, year)
    assert {column: blocks["全国"][column] for column in TALLY_COLUMNS} == shown_tally(national)

    rows = csv_records(download(page, export_link(page, "csv", "blocks"), ".csv"), key="ブロック")
    assert {column: as_decimal(rows["関東"][column]) for column in TALLY_COLUMNS} == exported_tally(expected)
    rows = xlsx_records(download(page, export_link(page, "xlsx", "blocks"), ".xlsx"), key="ブロック")
    assert {column: as_decimal(rows["関東"][column]) for column in TALLY_COLUMNS} == exported_tally(expected)
    rows = csv_records(download(page, export_link(page, "csv", "central"), ".csv"), key="KPI")
    assert (rows["ハンズオン支援社数"]["2020年度 実績"], rows["ハンズオン支援社数"]["2020年度 達成率"]) == (
        "267",
        "107",
    )

    # The block's dashboard: a chart per region with indicators, the regions' tallies.
    page.get_by_role("link", name="関東", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("関東ブロックの達成状況")
    assert page.url.endswith("/dashboard/2/blocks/kanto/")
    assert wait_for_charts(page) >= 2
    summary = table_records(table_with_heading(page, "報告値 達成項目"))
    kanagawa = regional_tally(plan, year, region=Region.objects.get(code="14"))
    assert {column: summary["神奈川県"][column] for column in TALLY_COLUMNS} == shown_tally(kanagawa)
    assert {column: summary["関東ブロック計"][column] for column in TALLY_COLUMNS} == shown_tally(expected)
    rows = csv_records(download(page, export_link(page, "csv", "summary"), ".csv"), key="地域")
    assert {column: as_decimal(rows["神奈川県"][column]) for column in TALLY_COLUMNS} == exported_tally(
        kanagawa
    )


# --- 4. central staff enter a central KPI's actual ----------------------------------------------------


def test_central_staff_confirm_a_central_actual_and_the_dashboard_shows_its_rate(browsing):
    create_demo_users()
    # 003 別添1 C09: 知財活動を必要不可欠として実践している中小企業の割合, 40% by FY2022
    share = Indicator.objects.get(kpi__plan__number=2, kpi__code="C09")
    page = browsing.new_page()
    log_in(page, "demo-jpo", then="/progress/")

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="中央KPI実績入力").click()
    page.get_by_label("行動計画", exact=True).select_option("2")
    page.get_by_label("年度", exact=True).select_option("2022")
    page.get_by_label("期間", exact=True).select_option("fy")
    page.get_by_role("button", name="入力画面を開く").click()
    assert page.url.endswith("/central/2/2022/fy/")
    row = page.get_by_role("row").filter(has=page.locator(f"#value-{share.pk}"))
    expect(row).to_contain_text("40%")
    page.locator(f"#value-{share.pk}").fill("30")
    page.get_by_role("button", name="確定（確認へ）").click()
    expect(page.get_by_role("table", name="確定する値と目標")).to_contain_text("40%")
    assert violations_on(page) == []
    page.get_by_role("button", name="この内容で確定する").click()
    expect(page.locator(".messages")).to_contain_text("実績1件を確定し、ダッシュボードに反映しました。")
    assert CentralEntry.objects.get(indicator=share, fiscal_year=2022, period="fy").state == "confirmed"

    page.get_by_role("link", name="全国ダッシュボードで確認").click()
    assert page.url.endswith("/dashboard/2/?fiscal_year=2022")
    judged = judge_indicators([share], view=View.fiscal_year(2022), as_of=timezone.localdate())[0]
    assert display_percent(judged.result.rate) == "75%"  # 30 ÷ 40
    central = table_records(table_with_heading(page, "KPI"))
    shown = next(record for title, record in central.items() if title.startswith(share.kpi.title))
    assert (shown["2022年度 目標"], shown["2022年度 実績"]) == ("40", "30")
    assert shown["2022年度 達成率"] == "75% ×"


# --- 5. addresses typed by hand -----------------------------------------------------------------------


def test_a_report_or_page_outside_ones_role_answers_with_the_japanese_error_pages(browsing):
    create_demo_users()
    period = open_demo_period()
    officer = User.objects.get(username="demo-pref-14")
    report = workflow.report_of(period, Region.objects.get(code="14"), officer)
    seminars, _meetings = kanagawa_indicators(period)
    workflow.save_draft(
        officer,
        report,
        version=report.version,
        inputs={seminars.pk: workflow.EntryInput(value=Decimal(7), activities="非公開の下書き")},
    )

    saitama = browsing.new_page()
    log_in(saitama, "demo-pref-11", then="/progress/")
    response = saitama.goto(REPORT_URL)
    assert response.status == 404
    expect(saitama).to_have_title(re.compile("^ページが見つかりません"))
    expect(saitama.get_by_role("heading", level=1)).to_have_text("ページが見つかりません（404）")
    main = saitama.locator("main")
    expect(main).not_to_contain_text("神奈川")
    expect(main).not_to_contain_text("非公開の下書き")
    expect(saitama.get_by_role("link", name="トップページへ戻る")).to_be_visible()

    viewer = browsing.new_page()
    log_in(viewer, "demo-viewer")
    response = viewer.goto("/progress/status/")
    assert response.status == 403
    expect(viewer.get_by_role("heading", level=1)).to_have_text("この操作は許可されていません（403）")
    # the reason, as the view gives it
    expect(viewer.locator("main")).to_contain_text(
        "提出状況一覧を見られるのは、中央（特許庁・INPIT）と経済産業局等の担当者です。"
    )
    expect(viewer.locator("main")).to_contain_text("権限が必要な場合は")
    expect(viewer.get_by_role("navigation", name="メインメニュー")).not_to_contain_text("提出状況")
