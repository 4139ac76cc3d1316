"""The plan page in Chromium, with the keyboard alone: a viewer goes from the menu to the list of plans
and to the 1st plan, jumps to its measures, and reads the marks as the documents print them. Both
pages pass axe-core's accessibility check."""

import pytest

from regions.demo import create_demo_users

from .support import expect, log_in, press_and_wait, screenshot, skip_to_content, skip_without_browser, tab_to
from .test_two_factor import no_accessibility_violations

pytestmark = [pytest.mark.e2e, skip_without_browser()]


def test_a_viewer_opens_the_first_plan_from_the_menu_and_reads_its_measures_with_the_keyboard(browsing):
    create_demo_users()
    page = browsing.new_page()
    log_in(page, "demo-viewer", then="/dashboard/1/")

    tab_to(page, page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="計画の内容"))
    press_and_wait(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("計画一覧")
    no_accessibility_violations(page)

    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name="地域知財活性化行動計画（第1次）", exact=True))
    press_and_wait(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("地域知財活性化行動計画（第1次）")
    no_accessibility_violations(page)

    skip_to_content(page)
    contents = page.get_by_role("navigation", name="このページの内容")
    tab_to(page, contents.get_by_role("link", name="基本方針と施策"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{browsing.base_url}/plans/1/#policies")
    measures = page.locator("table.measures").first
    expect(measures.locator("tbody tr")).to_have_count(20)
    loans = measures.locator("tbody tr").filter(has_text="全国540の地方銀行")
    expect(loans).to_contain_text("301機関（認知度59.84%）")
    expect(loans.locator("td.mark")).to_have_text("〇達成")  # the mark, and the word a screen reader says
    expect(page.locator("#marks-total")).to_have_text(
        "施策の達成状況（計）: 〇 17・△ 2・× 1、達成 17／20項目 ＝ 85%"
    )
    screenshot(page, "plan-page", start=page.locator("#policies"))
