"""docs/new-plan.md's worked example, built only from its workbook: the tables of the page are the
sheets, imported as JPO staff would (a dry run, then the import), and the new plan's page, national
and block dashboards show what the page says they show."""

import csv
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import User

from kpis.models import Indicator, Kpi
from kpis.workbook.importing import import_workbook
from plans.models import Plan

pytestmark = pytest.mark.django_db

SHEET_HEADING = re.compile(r"^### シート「(?P<title>[^」]+)」$")


def example_sheets() -> dict[str, list[list[str | None]]]:
    """Each `### シート「…」` section's first table, as rows of cells (blank cells None)."""
    sheets: dict[str, list] = {}
    title = None
    for line in (settings.BASE_DIR / "docs" / "new-plan.md").read_text().splitlines():
        heading = SHEET_HEADING.match(line)
        if heading:
            title = heading.group("title")
            sheets[title] = []
        elif line.startswith("## "):
            title = None
        elif title and line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= {"-"} for cell in cells):  # the separator row
                sheets[title].append([cell or None for cell in cells])
    return sheets


def example_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in example_sheets().items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_records(response, key: str) -> dict[str, dict[str, str]]:
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    return {row[key]: row for row in rows}


@pytest.fixture
def plan4(client):
    outcome = import_workbook(data=example_workbook(), dry_run=False, filename="plan4.xlsx")
    assert outcome.succeeded, [str(error) for error in outcome.errors]
    client.force_login(User.objects.create_user("reader"))
    return client


def test_the_pages_tables_are_every_sheet_of_a_workbook():
    assert list(example_sheets()) == [
        "計画",
        "基本方針",
        "施策",
        "産業振興ビジョン",
        "KPI",
        "指標",
        "目標",
        "実績",
        "報告値",
        "前計画との対応",
        "指定地域",
    ]


def test_the_dry_run_counts_what_the_page_says_and_writes_nothing():
    outcome = import_workbook(data=example_workbook(), dry_run=True, filename="plan4.xlsx")
    assert outcome.succeeded, [str(error) for error in outcome.errors]
    new = {count.title: count.new for count in outcome.counts if count.new}
    # docs/new-plan.md 「取り込んだ結果」
    assert new == {
        "計画": 1,
        "基本方針": 2,
        "施策": 2,
        "産業振興ビジョン": 1,
        "KPI": 4,
        "指標": 3,
        "目標": 7,
        "実績": 3,
        "前計画との対応": 1,
    }
    assert not Plan.objects.filter(number=4).exists()


def test_the_plan_is_built_from_the_workbook_alone(plan4):
    plan = Plan.objects.get(number=4)
    assert (plan.start_fiscal_year, plan.end_fiscal_year, plan.kind) == (2026, 2028, Plan.Kind.ACTION_PLAN)
    assert not Kpi.objects.get(plan=plan, code="13-1").indicators.exists()
    assert Kpi.objects.get(plan=plan, code="14-1").vision.title == "かながわ産業振興ビジョン（記入例）"
    c01 = Indicator.objects.get(kpi__plan=plan, kpi__code="C01")
    assert (c01.predecessor.kpi.plan.number, c01.predecessor.kpi.code) == (3, "C01")
    page = plan4.get("/plans/4/").content.decode()
    assert "2026年度（令和8年度）〜2028年度（令和10年度）" in page
    assert "施策の達成状況（計）: 〇 1・△ 0・× 0、達成 1／1項目 ＝ 100%" in page
    assert "数値指標なし" in page


def test_the_national_dashboard_shows_the_central_kpi_and_the_blocks(plan4):
    central = csv_records(plan4.get("/dashboard/4/?fiscal_year=2026&_export=csv&table=central"), "KPI")
    row = central["地域の中核企業への伴走支援件数（伴走支援件数）"]
    assert [row[f"{year}年度 目標"] for year in (2026, 2027, 2028)] == ["60", "60", "60"]
    assert row["2026年度 実績"] == "28"
    blocks = csv_records(plan4.get("/dashboard/4/?fiscal_year=2026&_export=csv&table=blocks"), "ブロック")
    assert blocks["関東"]["項目数（目標あり）"] == "2"
    assert {
        name: r["項目数（目標あり）"] for name, r in blocks.items() if name not in ("関東", "全国")
    } == dict.fromkeys([name for name in blocks if name not in ("関東", "全国")], "0")
    assert "4次計画" in plan4.get("/dashboard/4/").content.decode()  # the menu lists the new plan


def test_the_kanto_dashboard_shows_saitama_and_kanagawa(plan4):
    url = "/dashboard/4/blocks/kanto/?fiscal_year=2026&_export=csv&table="
    summary = csv_records(plan4.get(url + "summary"), "地域")
    assert (summary["埼玉県"]["項目数（目標あり）"], summary["神奈川県"]["項目数（目標あり）"]) == ("1", "1")
    indicators = csv_records(plan4.get(url + "indicators"), "指標")
    matching, seminars = indicators["マッチング成約件数"], indicators["セミナー開催回数"]
    assert (matching["地域"], matching["目標"], matching["上期実績"]) == ("埼玉県", "30", "8")
    assert (seminars["地域"], seminars["目標"], seminars["上期実績"]) == ("神奈川県", "6", "4")
    first_half = csv_records(
        plan4.get(url.replace("fiscal_year=2026", "fiscal_year=2026&half=h1") + "indicators"), "指標"
    )
    # A 上期 view judges progress against half the year's 6, said in words, never as a mark.
    seminars_h1 = first_half["セミナー開催回数"]
    assert (seminars_h1["目標"], seminars_h1["ペース"]) == ("6", "年6回のうち上期3回のペース")
    assert (seminars_h1["状況"], seminars_h1["判定"]) == ("順調", "進捗")
