"""The comparison (/dashboard/compare/) sets the three plans side by side, computed and reported apart."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import User

from regions.demo import create_demo_users


def exported(client, table: str) -> list[dict]:
    response = client.get(f"/dashboard/compare/?_export=csv&table={table}")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def overview(client) -> dict:
    """(区分, 項目, 値の種類) → the row."""
    return {(r["区分"], r["項目"], r["値の種類"]): r for r in exported(client, "plans")}


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get("/dashboard/compare/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("username", ["demo-jpo", "demo-bureau-kanto", "demo-pref-14", "demo-viewer"])
def test_every_role_reads_the_comparison(db, client, username):
    create_demo_users()
    client.force_login(User.objects.get(username=username))
    assert client.get("/dashboard/compare/").status_code == 200


def test_each_plan_shows_its_span(viewer):
    span = overview(viewer)[("計画", "期間", "")]
    # 000 §1 / 001 §1 / 003 II: FY2016–2019, FY2020–2022, FY2023–2025
    assert span["第1次計画"] == "2016〜2019年度（平成28〜令和元年度）"
    assert span["第2次計画"] == "2020〜2022年度（令和2〜令和4年度）"
    assert span["第3次計画"] == "2023〜2025年度（令和5〜令和7年度）"


def test_the_documents_totals_are_shown_as_reported_values(viewer):
    rows = overview(viewer)

    def reported(group, plan):
        return tuple(rows[(group, label, "報告値")][plan] for label in ("達成項目", "項目数"))

    # 000 §5 / 001 §1-2: 地域KPI 全国計 約92%（136項目／148項目）
    assert reported("地域KPI", "第1次計画") == ("136", "148")
    assert rows[("地域KPI", "文書の表記", "報告値")]["第1次計画"] == "約92%"
    # 003 I-2(2)②: 2022年度 114件のうち 90件（78.9%）
    assert reported("地域KPI", "第2次計画") == ("90", "114")
    assert rows[("地域KPI", "達成率", "報告値")]["第2次計画"] == "78.9"
    # 001 §1-2: 設定された6つのKPIのうち、5項目を達成
    assert reported("中央KPI", "第1次計画") == ("5", "6")
    # 000 §2 / 001 §1-2: 各支援段階別に設定された数値目標のうち、85%（17項目／20項目）
    assert reported("支援段階別の数値目標", "第1次計画") == ("17", "20")
    # No total is printed for the 3rd plan yet.
    assert reported("地域KPI", "第3次計画") == ("", "")


def test_computed_results_stand_apart_from_the_reported_ones(viewer):
    rows = overview(viewer)
    # The 1st plan's six central KPIs judged by the engine in FY2019 (000 §2): only 新規に特許等の
    # 出願を行う中小企業数 (1,629 of 2,500社) falls short, as the document's 5/6 says.
    assert rows[("中央KPI", "達成項目（〇）", "算出")]["第1次計画"] == "5"
    assert rows[("中央KPI", "目標のある項目", "算出")]["第1次計画"] == "6"
    assert rows[("中央KPI", "判定した年度（実績のある最後の年度）", "算出")]["第1次計画"] == (
        "2019年度（令和元年度）"
    )
    # The 2nd plan in FY2022 (003 I-2(2)①): 〇 C01 277/250, C02 251/150, C05 6,035/5,500,
    # C06 401/300, C07 15,022/9,000; △ C03 213/250, C04 328/400, C08 4,700/5,000; C09 not reported.
    assert rows[("中央KPI", "達成項目（〇）", "算出")]["第2次計画"] == "5"
    assert rows[("中央KPI", "目標のある項目", "算出")]["第2次計画"] == "9"
    # The 2nd plan's regional KPIs have no item-level actuals: no computed rate, only the 報告値.
    assert rows[("地域KPI", "判定した年度（実績のある最後の年度）", "算出")]["第2次計画"] == "実績なし"
    assert rows[("地域KPI", "達成率", "算出")]["第2次計画"] == ""
    # The 3rd plan has no actual yet.
    assert rows[("中央KPI", "判定した年度（実績のある最後の年度）", "算出")]["第3次計画"] == "実績なし"


def test_each_plan_counts_its_kpis(viewer):
    rows = overview(viewer)
    kpis = rows[("地域KPI", "KPIの数", "算出")]
    # 001 §5-2: 都道府県別に合計112項目の数値KPI (002 別添2, one KPI per bullet)
    assert kpis["第2次計画"] == "112"
    # 000 成果事例: the 1st plan's regional KPIs in the data are the nine case studies
    assert kpis["第1次計画"] == "9"
    # 001 §1-2: 6つのKPI; 001 §5-1: 9 central KPIs and effect indicators; 003 別添1: 3
    central = rows[("中央KPI", "KPIの数", "算出")]
    assert (central["第1次計画"], central["第2次計画"], central["第3次計画"]) == ("6", "9", "3")


def test_each_block_shows_computed_and_reported_results_per_plan(viewer):
    rows = {row["ブロック"]: row for row in exported(viewer, "blocks")}
    # 000 §5: 四国 8項目／13項目, 関東 33項目／38項目
    assert (rows["四国"]["第1次計画 報告値 達成"], rows["四国"]["第1次計画 報告値 項目数"]) == ("8", "13")
    assert (rows["関東"]["第1次計画 報告値 達成"], rows["関東"]["第1次計画 報告値 項目数"]) == ("33", "38")
    # 000 成果事例 北海道: 143件 of 130件 in FY2019, the block's one case-study KPI
    assert (rows["北海道"]["第1次計画 算出 達成"], rows["北海道"]["第1次計画 算出 項目数"]) == ("1", "1")
    # 003 I-2(2)②: the 2nd plan's total is national only
    assert (rows["全国"]["第2次計画 報告値 達成"], rows["全国"]["第2次計画 報告値 項目数"]) == ("90", "114")
    assert rows["四国"]["第2次計画 報告値 達成"] == ""


def test_predecessor_chains_are_listed_with_their_last_actuals(viewer):
    (chain,) = exported(viewer, "chains")
    # 000 §2: 2,615件（令和元年度実績）; 003 I-2(2)①1)ii)e: 2022年度 15,022件
    assert chain["第1次計画 指標"].startswith("全国の知財総合支援窓口とよろず支援拠点との連携件数")
    assert (chain["第1次計画 最終実績"], chain["第1次計画 最終実績の時点"]) == (
        "2615",
        "2019年度（令和元年度）",
    )
    assert chain["第2次計画 指標"] == "窓口における関係機関との連携件数"
    assert chain["第2次計画 最終実績"] == "15022"
    assert "よろず支援拠点" in chain["注記"]


def test_the_xlsx_export_holds_numbers_as_numbers(viewer):
    response = viewer.get("/dashboard/compare/?_export=xlsx&table=plans")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    rows = {row[:3]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    regional = rows[("地域KPI", "項目数", "報告値")]
    # 000 §5: 136項目／148項目; 003 I-2(2)②: 114件
    assert (regional[header.index("第1次計画")], regional[header.index("第2次計画")]) == (148, 114)
    rate = rows[("地域KPI", "達成率", "報告値")]
    assert rate[header.index("第2次計画")] == pytest.approx(78.9)  # 003: 78.9%


def test_the_page_shows_every_table_with_reported_values_marked(viewer):
    page = viewer.get("/dashboard/compare/").content.decode()
    assert '<tr class="reported' in page
    assert "約92%" in page and "78.9%" in page
    for table in ("plans", "blocks", "chains"):
        assert f"_export=csv&amp;table={table}" in page
