"""Keyboard alone (Tab, Enter and typing, no mouse) for review and for reading, beside the officer's
entry journey in test_journeys.py: the journeys docs/accessibility.md reports.

- review: the bureau opens the report waiting in its queue, returns it with a comment, and approves it
  once the officer has submitted it again;
- reading: a viewer goes from the national dashboard to a block's, downloads a table and goes on to a
  region's page.
"""

import csv
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from regions.demo import create_demo_users
from regions.models import Region
from reports.models import ProgressReport
from reports.progress import workflow
from reports.progress.demo import open_demo_period

from .support import expect, log_in, press_and_wait, skip_to_content, skip_without_browser, tab_to

pytestmark = [pytest.mark.e2e, skip_without_browser()]

State = ProgressReport.State


# The national page lists every central KPI with its link before the table of blocks.
LONG_PAGE_TABS = 250


def tab_far(page, target) -> int:
    """Press Tab until the target has the focus, on a page with many links before it."""
    expect(target).to_have_count(1)
    for presses in range(1, LONG_PAGE_TABS + 1):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{LONG_PAGE_TABS}回 Tab を押しても {target} にフォーカスが移りませんでした")


def state_badge(page):
    return page.locator(".report-status .badge").first


def test_the_bureau_returns_and_approves_a_report_with_the_keyboard_alone(browsing):
    create_demo_users()
    period = open_demo_period()
    officer = User.objects.get(username="demo-pref-14")
    report = workflow.report_of(period, Region.objects.get(code="14"), officer)
    seminars, meetings = workflow.region_indicators(period.plan, Region.objects.get(code="14"))
    workflow.submit(
        officer,
        report,
        version=report.version,
        inputs={
            seminars.pk: workflow.EntryInput(value=Decimal(3)),
            meetings.pk: workflow.EntryInput(value=Decimal(2)),
        },
    )
    comment = "14-2 の回数を議事録と照合してください。"

    page = browsing.new_page()
    log_in(page, "demo-bureau-kanto")
    tab_to(page, page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="半期報告"))
    press_and_wait(page, "Enter")
    tab_to(page, page.get_by_role("link", name=re.compile(r"^確認する\s*（神奈川県")))
    press_and_wait(page, "Enter")
    expect(state_badge(page)).to_have_text("提出済み（確認待ち）")

    # the comment, then 差戻し
    skip_to_content(page)
    tab_to(page, page.get_by_label("コメント（差戻しの場合は必須）"))
    page.keyboard.type(comment)
    tab_to(page, page.get_by_role("button", name="差戻し"))
    press_and_wait(page, "Enter")
    expect(page.locator(".messages")).to_contain_text("報告を差し戻しました。")
    expect(state_badge(page)).to_have_text("差戻し")
    report.refresh_from_db()
    assert (report.state, report.return_comment) == (State.RETURNED, comment)

    # submitted again by the officer; the bureau approves it, by the keyboard again
    workflow.submit(officer, report, version=report.version)
    page.reload()
    skip_to_content(page)
    tab_to(page, page.get_by_role("button", name="承認"))
    press_and_wait(page, "Enter")
    expect(page.locator(".messages")).to_contain_text("報告を承認しました。")
    expect(state_badge(page)).to_have_text("承認済み")
    report.refresh_from_db()
    assert report.state == State.APPROVED
    assert report.reviewed_by.username == "demo-bureau-kanto"


def test_a_viewer_reads_a_dashboard_its_tables_and_downloads_with_the_keyboard_alone(browsing):
    create_demo_users()
    page = browsing.new_page()
    log_in(page, "demo-viewer", then="/dashboard/2/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("全国の達成状況")

    # from the national table of blocks to the block's dashboard
    skip_to_content(page)
    tab_far(page, page.get_by_role("link", name="関東", exact=True))
    press_and_wait(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("関東ブロックの達成状況")

    # the regions' table, downloaded from its link
    skip_to_content(page)
    link = page.locator("a[href*='_export=csv'][href*='table=summary']")
    tab_far(page, link)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    with open(info.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = {row["地域"]: row for row in csv.DictReader(file)}
    assert "神奈川県" in rows and "関東ブロック計" in rows

    # on to one region's page, below the tables and charts
    tab_far(page, page.get_by_role("link", name="神奈川県のKPI本文・産業振興ビジョン"))
    press_and_wait(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("神奈川県")
