"""The national dashboard (/dashboard/<plan>/) shows the documents' numbers to every signed-in role."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import User

from regions.demo import create_demo_users


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get("/dashboard/2/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "username", ["demo-jpo", "demo-bureau-kanto", "demo-pref-14", "demo-pref-02", "demo-viewer", "demo-admin"]
)
def test_every_role_reads_the_national_dashboard(db, client, username):
    create_demo_users()
    client.force_login(User.objects.get(username=username))
    assert client.get("/dashboard/2/").status_code == 200


def test_an_unknown_plan_is_not_found(viewer):
    assert viewer.get("/dashboard/9/").status_code == 404


def test_second_plan_central_kpis_show_the_printed_rates(viewer):
    rows = {row[0]: row for row in csv_rows(viewer.get("/dashboard/2/?_export=csv&table=central"))}
    header = csv_rows(viewer.get("/dashboard/2/?_export=csv&table=central"))[0]
    core = dict(zip(header, rows["ハンズオン支援社数"], strict=True))
    # 003 I-2(2)①1)i): 267社(107%), 256社(102%), 277社(111%) against 250社/年度
    assert [core[f"{y}年度 実績"] for y in (2020, 2021, 2022)] == ["267", "256", "277"]
    assert [core[f"{y}年度 達成率"] for y in (2020, 2021, 2022)] == ["107", "102", "111"]
    assert core["2020年度 状況"] == "〇"
    grants = dict(zip(header, rows["外国出願補助金支援による新規採択件数"], strict=True))
    # 003 I-2(2)①1)ii)b: 515件(129%)、383件(96%)、328件(82%)
    assert [grants[f"{y}年度 達成率"] for y in (2020, 2021, 2022)] == ["129", "96", "82"]


def test_first_plan_shows_the_reported_block_totals_beside_the_computed_ones(viewer):
    rows = {row[0]: row for row in csv_rows(viewer.get("/dashboard/1/?_export=csv&table=blocks"))}
    header = csv_rows(viewer.get("/dashboard/1/?_export=csv&table=blocks"))[0]
    national = dict(zip(header, rows["全国"], strict=True))
    # 000 §5: 全国計 約92%（136項目／148項目）— a reported total, not computed from items
    assert (national["報告値 達成項目"], national["報告値 項目数"], national["報告値 達成率"]) == (
        "136",
        "148",
        "91.9",
    )
    shikoku = dict(zip(header, rows["四国"], strict=True))
    assert (shikoku["報告値 達成項目"], shikoku["報告値 項目数"]) == ("8", "13")
    # The case-study KPIs of 000 are the only item-level data: 9 prefectures' indicators in FY2019.
    assert int(national["項目数（目標あり）"]) >= 9


def test_the_xlsx_export_holds_numbers_as_numbers(viewer):
    response = viewer.get("/dashboard/2/?_export=xlsx&table=central")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    core = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "ハンズオン支援社数")
    assert core[header.index("2022年度 実績")] == 277
    assert core[header.index("2022年度 達成率")] == 111


def test_the_page_draws_charts_from_local_plotly(viewer):
    page = viewer.get("/dashboard/2/").content.decode()
    assert "/static/plotly/plotly.min.js" in page
    assert 'data-chart="chart-blocks"' in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


@pytest.mark.parametrize(
    ("today", "plan_number"),
    [
        ("2016-04-01", 1),
        ("2020-03-31", 1),
        ("2020-04-01", 2),
        ("2024-06-01", 3),
        ("2030-01-01", 3),
        ("2010-01-01", 1),
    ],
)
def test_the_plan_in_force_is_the_one_whose_years_include_today(db, today, plan_number):
    import datetime

    from plans.models import Plan
    from reports.dashboards.selectors import current_plan

    assert current_plan(Plan.objects.all(), datetime.date.fromisoformat(today)).number == plan_number


def test_chart_series_without_a_target_still_show_their_figures(viewer):
    rows = csv_rows(viewer.get("/dashboard/1/?_export=csv&table=central"))
    header = rows[0]
    loans = dict(zip(header, next(r for r in rows if "融資につながったビジネス案件数" in r[0]), strict=True))
    # 000 §4-2 グラフ: 融資につながったビジネス案件数 2016–2019: 42, 57, 98, 112 (no target: 対象外)
    assert [loans[f"{y}年度 実績"] for y in (2016, 2017, 2018, 2019)] == ["42", "57", "98", "112"]
    assert loans["2019年度 状況"] == "対象外"


def test_an_unreported_year_says_so_in_the_rate_cell(viewer):
    page = viewer.get("/dashboard/3/").content.decode()
    # 003 別添1: the 3rd plan's 60件／年度 has no actual yet: the targets show, the cell says 未報告
    assert "未報告" in page
