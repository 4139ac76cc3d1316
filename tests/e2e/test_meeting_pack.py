"""The Kanto bureau prepares its liaison meeting in a real browser: it registers the FY2022 meeting,
opens the pack, prints it (A4 landscape, whole pages, a bounded number of them) and downloads the
workbook; then it records a decision for Kanagawa, which Kanagawa's officer answers on its half-year
report."""

import io
import re
import time

import openpyxl
import pytest
from django.utils import timezone

from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.models import LiaisonMeeting
from reports.progress.demo import open_demo_period

from .support import expect, log_in, screenshot, skip_without_browser, table_records
from .test_accessibility import violations_on

pytestmark = [pytest.mark.e2e, skip_without_browser()]

# A4 landscape in PDF points (1/72 inch): 297 mm × 210 mm.
A4_LANDSCAPE = (841.89, 595.28)
# The printable width of A4 landscape with the portal's 10 mm margins, in CSS pixels (96 per inch).
PRINTABLE_WIDTH_PX = round((297 - 2 * 10) / 25.4 * 96)
# The demo pack printed 44 pages when every region had pages of its own, empty or not.
MAX_DEMO_PACK_PAGES = 6


def pdf_page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's MediaBox (width, height) as Chromium writes it."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(width), float(height)) for width, height in boxes]


def print_width(page, settle_seconds: float = 10) -> int:
    """The page's width in the print layout, once charts.js has redrawn the charts to the paper (it does
    so asynchronously when the print media applies); the last width measured if it never fits."""
    deadline = time.monotonic() + settle_seconds
    while True:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width <= PRINTABLE_WIDTH_PX or time.monotonic() > deadline:
            return width
        page.wait_for_timeout(200)


def test_the_kanto_bureau_registers_its_meeting_prints_the_pack_and_downloads_the_workbook(browsing):
    create_demo_users()
    page = browsing.new_page()
    log_in(page, "demo-bureau-kanto")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="地域連絡会議").click()
    page.get_by_role("link", name="会議を登録する").click()

    expect(page.get_by_label("地域ブロック")).to_have_value(str(Block.objects.get(code="kanto").pk))
    page.get_by_label("年度").fill("2022")
    page.get_by_label("会議名").fill("令和4年度 関東地域知財連絡会議")
    page.get_by_label("開催日").fill("2022-07-15")
    page.get_by_label("開催場所").fill("さいたま新都心合同庁舎")
    page.get_by_label("参加機関").fill("関東経済産業局\n神奈川県\n埼玉県")
    expect(page.get_by_label("資料の基準日")).to_have_value(timezone.localdate().isoformat())
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_text("会議を登録しました。")).to_be_visible()
    meeting = LiaisonMeeting.objects.get()

    page.get_by_role("link", name="会議資料（印刷用）を開く").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("令和4年度 関東地域知財連絡会議")
    charts = page.locator("[data-chart]")
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()
    kanto_regions = Region.objects.filter(block__code="kanto").count()
    # the demo data has no approved report and no previous meeting: every region is one line of a table
    assert page.locator("section.pack-region").count() == 0
    expect(page.locator("table.pack-quiet tbody tr")).to_have_count(kanto_regions)
    expect(page.locator("#block-summary")).to_contain_text("達成状況")
    summary = table_records(page.locator("#summary table").first, "地域")
    screenshot(page, "meeting-pack", start=page.locator("#cover"))

    # printed: every page A4 landscape, one at least per region, and nothing wider than the paper
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINTABLE_WIDTH_PX, "height": 700})
    overflow = print_width(page)
    assert overflow <= PRINTABLE_WIDTH_PX, (
        f"印刷で用紙の幅（{PRINTABLE_WIDTH_PX}px）を超える内容: {overflow}px"
    )
    assert page.locator(".site-header").is_hidden() and page.locator("[data-print]").is_hidden()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    sizes = pdf_page_sizes(pdf)
    # the Kanto FY2022 demo pack: cover and summary, the regions' table, the national comparison
    print(f"関東 2022年度 会議資料: {len(sizes)} ページ（A4横）")
    assert 2 <= len(sizes) <= MAX_DEMO_PACK_PAGES, len(sizes)
    assert all(abs(w - A4_LANDSCAPE[0]) < 1 and abs(h - A4_LANDSCAPE[1]) < 1 for w, h in sizes)
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel（XLSX）でダウンロード").click()
    assert info.value.suggested_filename == f"meeting{meeting.pk}_kanto_2022_pack.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()))
    assert "ブロック集計" in workbook.sheetnames and "全国比較" in workbook.sheetnames
    header, *rows = workbook["ブロック集計"].iter_rows(values_only=True)
    downloaded = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert downloaded.keys() == summary.keys()
    for region, shown in summary.items():
        assert str(downloaded[region]["項目数（目標あり）"]) == shown["項目数（目標あり）"]


def test_a_decision_for_kanagawa_is_answered_on_its_half_year_report(browsing):
    create_demo_users()
    open_demo_period()  # the 2nd plan's FY2022 上期
    bureau = browsing.new_page()
    log_in(bureau, "demo-bureau-kanto")
    bureau.goto("/meetings/new/")
    bureau.get_by_label("年度").fill("2022")
    bureau.get_by_label("会議名").fill("関東地域連絡会議")
    bureau.get_by_label("開催日").fill("2022-07-15")
    bureau.get_by_role("button", name="登録する").click()
    bureau.get_by_role("link", name="決定事項を追加する").click()
    bureau.get_by_label("決定事項・宿題").fill("セミナー参加者の集計方法を統一する")
    bureau.get_by_role("combobox", name=re.compile(r"^担当（")).select_option(label="地域（都道府県）")
    bureau.get_by_label("担当の地域").select_option(label="神奈川県")
    bureau.get_by_label("期限").fill("2022-10-31")
    bureau.get_by_role("button", name="登録する").click()
    expect(bureau.get_by_text("決定事項を登録しました。")).to_be_visible()
    expect(bureau.locator("table.decision-items")).to_contain_text("神奈川県")

    officer = browsing.new_page()
    log_in(officer, "demo-pref-14")
    officer.goto("/progress/14/2022/h1/")
    items = officer.locator("section.decision-items")
    expect(items).to_contain_text("セミナー参加者の集計方法を統一する")
    items.get_by_label("状態").select_option(label="完了")
    items.get_by_label("対応状況").fill("県内の集計様式を統一した")
    items.get_by_role("button", name="対応状況を保存").click()
    expect(officer.get_by_text("対応状況を保存しました。")).to_be_visible()
    expect(officer).to_have_url(re.compile(r"/progress/14/2022/h1/$"))
    expect(officer.locator("section.decision-items")).to_have_count(0)
    bureau.reload()
    expect(bureau.locator("table.decision-items")).to_contain_text("県内の集計様式を統一した")

    # the next meeting's pack: the item closed since the previous one, with its response, and no
    # serious accessibility problem in its summary, changes and decisions
    bureau.goto("/meetings/new/")
    bureau.get_by_label("年度").fill("2022")
    bureau.get_by_label("会議名").fill("関東地域連絡会議（第2回）")
    bureau.get_by_label("開催日").fill("2022-12-15")
    bureau.get_by_role("button", name="登録する").click()
    bureau.get_by_role("link", name="会議資料（印刷用）を開く").click()
    expect(bureau.locator("#block-summary")).to_contain_text("完了した決定事項 1件")
    expect(bureau.locator("#changes")).to_contain_text("県内の集計様式を統一した")
    expect(bureau.locator("#decisions")).to_contain_text("完了")
    assert violations_on(bureau) == []
