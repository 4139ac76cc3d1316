"""A whole plan in one workbook: exported and imported again exactly, into the database as it is or
into one holding only the regions, with the same dashboards; a changed workbook changes only what
changed, with history; what a workbook holds that the KPI file leaves out (KPIs without a numeric
indicator, measures with their marks, reported totals, predecessors, designations)."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Target
from kpis.workbook.importing import import_workbook
from kpis.workbook.writing import plan_workbook
from plans.models import BasicPolicy, Designation, Plan, ReportedResult
from regions.models import Block, Region
from reports.models import CaseStudy

pytestmark = pytest.mark.django_db

PLANS = (1, 2, 3, 2024, 2025)


def cells(data: bytes) -> dict[str, list[list]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in workbook.worksheets
    }


def sheet_rows(data: bytes, title: str) -> list[dict]:
    header, *rows = cells(data)[title]
    return [dict(zip(header, row, strict=True)) for row in rows]


def edited(data: bytes, title: str, row: int, column: str, value) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook[title]
    header = [c.value for c in sheet[1]]
    sheet.cell(row, header.index(column) + 1).value = value  # cell(…, value=None) would leave it
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def export(number: int) -> bytes:
    return plan_workbook(Plan.objects.get(number=number))


def only_the_regions() -> None:
    """What `load_plan_data --regions-only` leaves: blocks and regions, no plan, no case study."""
    CaseStudy.objects.all().delete()
    Plan.objects.all().delete()
    call_command("load_plan_data", "--regions-only", verbosity=0)


# --- the round trip ------------------------------------------------------------------------------


def test_every_plan_exports_and_imports_again_with_every_row_unchanged():
    for number in PLANS:
        outcome = import_workbook(data=export(number), dry_run=False, filename=f"plan{number}.xlsx")
        assert outcome.succeeded, outcome.errors
        assert outcome.changes == 0, outcome.summary_lines()
        assert sum(count.unchanged for count in outcome.counts) > 0


NATIONAL = ((1, 2019), (2, 2020), (2, 2022), (3, 2025))
BLOCKS = ((1, 2019, "kanto"), (2, 2022, "tohoku"), (2, 2021, "kinki"))
DASHBOARD_EXPORTS = [
    *(
        f"/dashboard/{n}/?_export=csv&table={t}&fiscal_year={y}"
        for n, y in NATIONAL
        for t in ("central", "blocks")
    ),
    *(
        f"/dashboard/{n}/blocks/{b}/?_export=csv&table={t}&fiscal_year={y}"
        for n, y, b in BLOCKS
        for t in ("summary", "indicators")
    ),
    "/dashboard/2/regions/14/?_export=csv&table=indicators&fiscal_year=2021",
    *(f"/programme/2024/?_export=csv&table={t}" for t in ("summary", "indicators")),
    *(f"/dashboard/compare/?_export=csv&table={t}" for t in ("plans", "blocks", "chains")),
]


def dashboard_exports(client) -> dict[str, bytes]:
    found = {}
    for url in DASHBOARD_EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = response.content
    return found


def test_plans_imported_into_a_database_of_regions_only_export_the_same_workbooks_and_dashboards(client):
    client.force_login(User.objects.create_user("reader"))
    books = {number: export(number) for number in PLANS}
    dashboards = dashboard_exports(client)

    only_the_regions()
    assert (Plan.objects.count(), Kpi.objects.count(), Indicator.objects.count()) == (0, 0, 0)
    assert (Region.objects.count(), Block.objects.count()) == (48, 9)
    for number, data in books.items():  # in order: the 2nd plan's predecessor is in the 1st
        outcome = import_workbook(data=data, dry_run=False, filename=f"plan{number}.xlsx")
        assert outcome.succeeded, [str(e) for e in outcome.errors]

    for number, data in books.items():
        assert cells(export(number)) == cells(data), f"plan {number}"
    assert dashboard_exports(client) == dashboards


RECORDS_OF_PLAN_2 = (
    (BasicPolicy, "plan__number"),
    (IndustrialVision, "plan__number"),
    (Kpi, "plan__number"),
    (Indicator, "kpi__plan__number"),
    (Target, "indicator__kpi__plan__number"),
    (Actual, "indicator__kpi__plan__number"),
    (ReportedResult, "plan__number"),
)


def records_of_plan_2() -> dict:
    return {model.__name__: model.objects.filter(**{path: 2}).count() for model, path in RECORDS_OF_PLAN_2}


def test_a_reimported_plan_has_every_kind_of_record_of_the_documents():
    counts = records_of_plan_2()
    books = [export(number) for number in PLANS]
    only_the_regions()
    for data in books:
        assert import_workbook(data=data, dry_run=False, filename="plan.xlsx").succeeded
    assert records_of_plan_2() == counts
    # 002 別添2 鳥取: 「活動指標（公表予定）」, a KPI without a numeric indicator; 003: C03 モデル地域の創出
    assert not Indicator.objects.filter(kpi__plan__number=2, kpi__code="31-1").exists()
    assert Kpi.objects.get(plan__number=2, code="31-1").region.code == "31"
    assert Kpi.objects.filter(plan__number=3, code="C03").exists()
    # 003 I-2(2)①: 251社 (達成率 167.3%) is printed with a decimal
    assert Indicator.objects.filter(kpi__plan__number=2, rate_places=1).exists()
    c07 = Indicator.objects.get(kpi__plan__number=2, kpi__code="C07", code="1")
    assert (c07.predecessor.kpi.plan.number, c07.predecessor.kpi.code) == (1, "C03")
    assert set(Designation.objects.filter(programme__number=2024).values_list("region__code", flat=True)) == {
        "02",
        "17",
        "28100",
    }


def test_the_regions_only_load_leaves_no_plan_and_every_region():
    CaseStudy.objects.all().delete()
    Plan.objects.all().delete()
    Region.objects.filter(kind=Region.Kind.DESIGNATED_CITY).delete()
    Region.objects.all().delete()
    Block.objects.all().delete()
    call_command("load_plan_data", "--regions-only", verbosity=0)
    assert (Block.objects.count(), Region.objects.count(), Plan.objects.count()) == (9, 48, 0)
    assert Region.objects.get(code="28100").name_ja == "神戸市"


# --- what the workbook holds ---------------------------------------------------------------------


def test_the_first_plans_measures_print_their_marks_as_the_documents_do():
    rows = sheet_rows(export(1), "施策")
    # 000 §3-2, §3-3: 20 measures of basic policy 1, 〇17 △2 ×1 (85%, 17/20)
    assert len(rows) == 20
    marks = [row["達成状況"] for row in rows]
    assert (marks.count("〇"), marks.count("△"), marks.count("×")) == (17, 2, 1)
    assert "○" not in marks  # U+25CB is not the documents' mark
    loans = next(row for row in rows if row["区分"] == "utilization" and row["番号"] == 1)
    assert loans["実績"] == "地域金融機関における知財金融の認知数　301機関（認知度59.84%）（累計）"
    assert loans["期限"] == "令和元年度"


def test_the_kpi_sheet_holds_kpis_without_a_numeric_indicator():
    kpis = {row["KPIコード"]: row for row in sheet_rows(export(2), "KPI")}
    indicators = {row["KPIコード"] for row in sheet_rows(export(2), "指標")}
    assert "31-1" in kpis and "31-1" not in indicators
    assert kpis["31-1"]["名称"] == "活動指標（公表予定）"
    assert "C03" in {row["KPIコード"] for row in sheet_rows(export(3), "KPI")}


def test_the_indicator_sheet_holds_the_precision_of_rates():
    rates = {(r["KPIコード"], r["指標コード"]): r["達成率の小数桁数"] for r in sheet_rows(export(2), "指標")}
    assert set(rates.values()) == {0, 1}
    assert rates[("C01", "1")] == 0


def test_the_reported_totals_are_the_documents():
    rows = {(r["対象"], r["範囲"]): r for r in sheet_rows(export(1), "報告値")}
    # 000 §2, §5: 全国計 約92％（136項目／148項目）; 四国 8項目／13項目; 基本方針１ 85％（17項目／20項目）
    national = rows[("regional_kpis", "national")]
    assert (national["達成項目数"], national["項目数"], national["文書上の達成率"]) == (136, 148, "約92%")
    assert (
        rows[("regional_kpis", "shikoku")]["達成項目数"],
        rows[("regional_kpis", "shikoku")]["項目数"],
    ) == (8, 13)
    measures = rows[("measure_targets", "national")]
    assert (measures["達成項目数"], measures["項目数"], measures["文書上の達成率"]) == (17, 20, "85%")


def test_codes_are_text_and_formula_like_text_is_escaped():
    data = export(2)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    kpi = workbook["KPI"]
    header = [c.value for c in kpi[1]]
    region = kpi.cell(
        row=next(i for i in range(2, kpi.max_row + 1) if kpi.cell(i, 2).value == "02-1"),
        column=header.index("地域コード") + 1,
    )
    assert region.value == "02" and region.number_format == "@"
    plan = Plan.objects.get(number=3)
    plan.summary = '=HYPERLINK("http://example.com")'
    plan.save()
    written = sheet_rows(export(3), "計画")[0]["概要"]
    assert written == '\'=HYPERLINK("http://example.com")'
    outcome = import_workbook(data=export(3), dry_run=False, filename="plan3.xlsx")
    assert outcome.succeeded and outcome.changes == 0
    plan.refresh_from_db()
    assert plan.summary.startswith("=HYPERLINK")
