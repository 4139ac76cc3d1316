"""A year-end forecast (年度末見込み) from the officer's keyboard to the bureau's approval, in Chromium,
offline: the officer types Kanagawa's FY2022 上期 value and the year's forecast with its reason, is
told (in Japanese, next to the field, nothing lost) that a forecast needs its reason, submits; the
bureau reads the forecast and its status marked as a forecast in the review, approves; the report
shows the forecast, published as the year's forecast and never as an actual; the block dashboard's
上期 view shows Kanagawa's progress with the forecast beside it, marked as a forecast, and no ×."""

import re
from decimal import Decimal

import pytest

from kpis.models import Actual
from regions.demo import create_demo_users
from regions.models import Region
from reports.models import Forecast, ProgressReport
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
)

pytestmark = [pytest.mark.e2e, skip_without_browser()]

REPORT_URL = "/progress/14/2022/h1/"
REASON = "下期に金融機関との共催セミナーを2回予定"


def test_an_officer_forecasts_the_year_and_the_bureau_approves_it(browsing):
    create_demo_users()
    period = open_demo_period()
    seminars, meetings = workflow.region_indicators(period.plan, Region.objects.get(code="14"))

    page = browsing.new_page()
    log_in(page, "demo-pref-14", then=REPORT_URL)
    line = page.locator("fieldset.progress-line").first
    # what the line says before anything is typed: the engine's targets and the half's pace
    expect(line.locator(".line-facts")).to_contain_text("年5回の半分（上期）のペース")
    expect(line.locator(".line-facts")).to_contain_text("目標（2022年度）")

    # The 上期 value, then the forecast: the reason forgotten.
    skip_to_content(page)
    tab_to(page, page.locator(f"#id_value-{seminars.pk}"))
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    expect(page.locator(f"#id_forecast-{seminars.pk}")).to_be_focused()
    page.keyboard.type("６")
    tab_to(page, page.locator(f"#id_value-{meetings.pk}"))
    page.keyboard.type("1")
    tab_to(page, page.get_by_role("button", name="提出（確認へ）"))
    press_and_wait(page, "Enter")
    reason_field = page.locator(f"#id_forecast_reason-{seminars.pk}")
    expect(page.locator(f"#id_forecast_reason-{seminars.pk}-error")).to_have_text(
        "見込みの理由を1行で入力してください。"
    )
    expect(reason_field).to_have_attribute("aria-invalid", "true")
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(f"{seminars.name}・見込みの理由（1行）")
    # nothing typed is lost, nothing stored
    expect(page.locator(f"#id_value-{seminars.pk}")).to_have_value("3")
    expect(page.locator(f"#id_forecast-{seminars.pk}")).to_have_value("６")
    assert not ProgressReport.objects.filter(region__code="14", state="submitted").exists()

    # The summary's link leads to the reason; typed, the report is submitted.
    skip_to_content(page)
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(reason_field).to_be_focused()
    page.keyboard.type(REASON)
    tab_to(page, page.get_by_role("button", name="提出（確認へ）"))
    press_and_wait(page, "Enter")
    # the confirmation: the values beside their targets; then submitted
    expect(page.get_by_role("table", name="提出する値と目標")).to_contain_text("5回（2022年度）")
    tab_to(page, page.get_by_role("button", name="この内容で提出する"))
    press_and_wait(page, "Enter")
    expect(page.locator(".messages")).to_contain_text("報告を提出しました。")
    values = page.locator(".entry-values").first
    expect(values).to_contain_text("6回")
    expect(values).to_contain_text(REASON)

    # The bureau reads the forecast and what the year's end would show with it, then approves.
    reviewer = browsing.new_page()
    log_in(reviewer, "demo-bureau-kanto", then=REPORT_URL)
    forecast = reviewer.locator(".entry-values .forecast").first
    expect(forecast).to_contain_text("6回")
    expect(forecast.locator(".badge.forecast")).to_have_text("見込み 〇")
    expect(forecast).to_contain_text("120%（2022年度の目標 5回に対して）")
    expect(reviewer.locator(".entry-values").first).to_contain_text(REASON)
    skip_to_content(reviewer)
    tab_to(reviewer, reviewer.get_by_role("button", name="承認"))
    press_and_wait(reviewer, "Enter")
    expect(reviewer.locator(".messages")).to_contain_text("報告を承認しました。")
    expect(reviewer.locator(".report-status .badge").first).to_have_text("承認済み")
    expect(reviewer.locator(".entry-values .forecast").first).to_contain_text(re.compile(r"6回\s*見込み 〇"))

    # Published: the half's value as an actual, the forecast as the year's forecast.
    assert Actual.objects.get(indicator=seminars, period="h1", year=2022).value == 3
    assert not Actual.objects.filter(indicator=seminars).exclude(period="h1").exists()
    published = Forecast.objects.get(indicator=seminars, fiscal_year=2022)
    assert (published.value, published.reason) == (Decimal(6), REASON)
    assert not Forecast.objects.filter(indicator=meetings).exists()

    # The officer's page, read-only now, shows it too.
    page.reload()
    expect(page.locator(".entry-values .forecast").first).to_contain_text("見込み 〇")

    # The block dashboard's 上期 view: progress against half the year's target, the forecast beside
    # it marked as a forecast, counted apart; no × anywhere in Kanagawa's section.
    reviewer.goto("/dashboard/2/blocks/kanto/?fiscal_year=2022&half=h1")
    kanagawa = reviewer.locator("#region-14")
    rows = table_records(kanagawa.locator("table.indicators"), "指標")
    row = rows[seminars.name]
    assert row["上期実績"] == "3"
    assert row["達成率"].startswith("順調") and "年5回の半分（上期）のペース" in row["達成率"]
    assert re.fullmatch(r"6回\s*見込み 〇", row["年度末見込み"])
    expect(kanagawa.locator(".badge.forecast").first).to_have_text("見込み 〇")
    assert "×" not in kanagawa.inner_text()
    summary = table_records(reviewer.locator("table.results").first)
    assert (summary["神奈川県"]["達成（〇）"], summary["神奈川県"]["年度末見込みのある項目"]) == ("0", "1")
    assert summary["神奈川県"]["うち目標に届かない見込み"] == "0"
    screenshot(reviewer, "dashboard-block-forecast", start=kanagawa)
    # the page with its forecasts passes axe-core like every other page (tests/e2e/test_accessibility.py)
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(reviewer).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
