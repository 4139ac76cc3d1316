"""Importing and exporting KPI, target and actual files: service, commands and admin."""

import csv
import html
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis.export import dataset_to_csv, export_file
from kpis.importing import LineError, import_file
from kpis.models import Actual, Indicator, Kpi, Period, Target
from kpis.resources import RESOURCES, FileKind
from plans.models import Plan
from regions.models import Region

pytestmark = pytest.mark.django_db

FIGURE_COLUMNS = [
    "plan",
    "kpi_code",
    "region_code",
    "indicator_code",
    "period",
    "year",
    "start_year",
    "value",
]
ACTUAL_COLUMNS = [*FIGURE_COLUMNS, "note", "source"]
TARGET_COLUMNS = [
    *FIGURE_COLUMNS,
    *["baseline_value", "baseline_year", "is_minimum", "due_date", "note", "source"],
]
KPI_COLUMNS = [
    *["plan", "kpi_code", "level", "region_code", "kind", "kpi_title", "kpi_text", "period_label", "stage"],
    *["indicator_code", "indicator_name", "unit", "measure", "target_shape", "direction", "aggregation"],
]
FORMULA_NOTES = ["=1+1", "+81 3 1234", "-減少した", "@担当者", "\tタブ始まり", "\r改行始まり"]


# --- data and files --------------------------------------------------------------------------


@pytest.fixture
def kpi_data():
    """Plan 2 gets a central KPI with a count and a percentage indicator, and a 神奈川県 KPI
    with a quantity; codes no document uses, so the documents' data can sit beside them."""
    plan = Plan.objects.get(number=2)
    central = Kpi.objects.create(
        plan=plan, code="TC01", level="central", kind="core", title="テスト中央KPI", text="ハンズオン支援"
    )
    regional = Kpi.objects.create(
        plan=plan,
        code="14-T1",
        level="regional",
        region=Region.objects.get(code="14"),
        kind="activity",
        title="テスト地域KPI",
        text="セミナーを開催する",
    )
    count = Indicator.objects.create(
        kpi=central, code="1", name="支援件数", unit="件", target_shape="per_year"
    )
    share = Indicator.objects.create(
        kpi=central,
        code="2",
        name="満足度",
        unit="%",
        measure="percent",
        target_shape="share",
        aggregation="level",
    )
    tons = Indicator.objects.create(
        kpi=regional, code="1", name="出荷量", unit="t", measure="quantity", target_shape="per_year"
    )
    Target.objects.create(
        indicator=count, period="fy", year=2020, value=100, is_minimum=True, source="001 §5-1"
    )
    Target.objects.create(
        indicator=count, period="cum", year=2022, start_year=2020, value=300, note=FORMULA_NOTES[0]
    )
    Target.objects.create(
        indicator=share, period="fy", year=2022, value=30, baseline_value=20, baseline_year=2019
    )
    Target.objects.create(
        indicator=tons,
        period="fy",
        year=2021,
        value=Decimal("12.5"),
        due_date=date(2022, 3, 31),
        note="行1\r\n行2",
    )
    Actual.objects.create(indicator=count, period="fy", year=2020, value=95, note=FORMULA_NOTES[1])
    Actual.objects.create(indicator=count, period="h1", year=2021, value=40, note=FORMULA_NOTES[2])
    Actual.objects.create(indicator=count, period="h2", year=2021, value=41, note=FORMULA_NOTES[3])
    Actual.objects.create(
        indicator=share, period="fy", year=2020, value=Decimal("45.5"), note=FORMULA_NOTES[4]
    )
    Actual.objects.create(
        indicator=tons, period="cy", year=2021, value=Decimal("12.25"), note=FORMULA_NOTES[5]
    )
    Actual.objects.create(indicator=tons, period="fy", year=2021, value=Decimal("7"), note="'引用符で始まる")


def database_state() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Kpi, Indicator, Target, Actual)
    }


def csv_bytes(columns: list[str], rows: list[dict], *, bom: bool = False) -> bytes:
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return stream.getvalue().encode("utf-8-sig" if bom else "utf-8")


def actual(**cells) -> dict:
    return {
        "plan": "2",
        "kpi_code": "TC01",
        "indicator_code": "1",
        "period": "fy",
        "year": "2022",
        "value": "10",
    } | cells


def target(**cells) -> dict:
    return actual(**cells)


def kpi_row(**cells) -> dict:
    return {
        "plan": "2",
        "kpi_code": "TC09",
        "level": "central",
        "region_code": "",
        "kind": "effect",
        "kpi_title": "新しいKPI",
        "kpi_text": "知財総合支援窓口の相談件数",
        "indicator_code": "1",
        "indicator_name": "相談件数",
        "unit": "件",
        "measure": "count",
        "target_shape": "per_year",
        "direction": "higher",
        "aggregation": "flow",
    } | cells


# A new row (line 2) and an update (line 3) before the bad row (line 4): with a partial import,
# they would be written.
GOOD_ACTUAL_ROWS = [actual(year="2021", period="fy", value="120"), actual(year="2020", value="96")]


def figures_of(model, kpi_code: str, period: str, year: int, indicator_code: str = "1"):
    return model.objects.filter(
        indicator__kpi__plan__number=2,
        indicator__kpi__code=kpi_code,
        indicator__code=indicator_code,
        period=period,
        year=year,
    )


def import_actuals(rows: list[dict], **options):
    return import_file(
        kind=FileKind.ACTUALS, data=csv_bytes(ACTUAL_COLUMNS, rows), file_format="csv", **options
    )


# --- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("kind", "model"), [(FileKind.ACTUALS, Actual), (FileKind.TARGETS, Target)])
def test_an_export_of_plan_2_imports_again_with_every_row_unchanged(kpi_data, kind, model, file_format):
    figures = model.objects.filter(indicator__kpi__plan__number=2)
    before = database_state()

    data = export_file(kind=kind, file_format=file_format, queryset=figures)
    outcome = import_file(kind=kind, data=data, file_format=file_format, dry_run=False)

    assert outcome.errors == ()
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 0, figures.count())
    assert database_state() == before


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_of_the_kpis_imports_again_with_every_row_unchanged(kpi_data, file_format):
    before = database_state()

    data = export_file(kind=FileKind.KPIS, file_format=file_format)
    outcome = import_file(kind=FileKind.KPIS, data=data, file_format=file_format, dry_run=False)

    assert outcome.errors == ()
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 0, Indicator.objects.count())
    assert database_state() == before


def test_an_unchanged_import_looks_keys_up_once_not_per_row(kpi_data):
    data = export_file(kind=FileKind.ACTUALS, file_format="csv")

    with CaptureQueriesContext(connection) as queries:
        outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)

    assert outcome.unchanged == Actual.objects.count()
    selects = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    # plans, regions, KPIs, indicators, actuals: whatever the number of rows
    assert len(selects) == 5


# --- good files ------------------------------------------------------------------------------


def test_a_good_actuals_file_creates_and_updates_rows(kpi_data):
    outcome = import_actuals(GOOD_ACTUAL_ROWS, dry_run=False)

    assert outcome.errors == ()
    assert (outcome.new, outcome.updated, outcome.unchanged) == (1, 1, 0)
    assert figures_of(Actual, "TC01", "fy", 2021).get().value == 120
    updated = figures_of(Actual, "TC01", "fy", 2020).get()
    assert updated.value == 96
    assert updated.measure == "count"


def test_a_good_targets_file_reads_flags_dates_and_baselines(kpi_data):
    row = target(
        kpi_code="14-T1",
        region_code="14",
        period="cum",
        year="2022",
        start_year="2020",
        value="30.5",
        baseline_value="10",
        baseline_year="2019",
        is_minimum="1",
        due_date="2023/3/31",
        note="以上",
    )
    data = csv_bytes(TARGET_COLUMNS, [row])

    outcome = import_file(kind=FileKind.TARGETS, data=data, file_format="csv", dry_run=False)

    assert outcome.errors == ()
    created = figures_of(Target, "14-T1", "cum", 2022).get()
    assert (created.start_year, created.value, created.baseline_value, created.baseline_year) == (
        2020,
        Decimal("30.5"),
        Decimal("10"),
        2019,
    )
    assert created.is_minimum is True
    assert created.due_date == date(2023, 3, 31)


def test_a_targets_file_updates_every_kind_of_column_and_records_each_change(kpi_data):
    row = target(
        period="cum",
        year="2022",
        start_year="2021",
        value="310",
        baseline_value="12.5",
        baseline_year="2018",
        is_minimum="0",
        due_date="2023-03-31",
        note="改定",
        source="003 III-3",
    )

    outcome = import_file(
        kind=FileKind.TARGETS,
        data=csv_bytes(TARGET_COLUMNS, [row]),
        file_format="csv",
        dry_run=False,
        filename="目標.csv",
    )

    assert (outcome.errors, outcome.updated) == ((), 1)
    updated = figures_of(Target, "TC01", "cum", 2022).get()
    assert (updated.start_year, updated.value, updated.baseline_value, updated.baseline_year) == (
        2021,
        Decimal("310"),
        Decimal("12.5"),
        2018,
    )
    assert (updated.is_minimum, updated.due_date, updated.note, updated.source) == (
        False,
        date(2023, 3, 31),
        "改定",
        "003 III-3",
    )
    record = updated.history.filter(history_type="~").get()
    assert (record.value, record.due_date, record.history_change_reason) == (
        Decimal("310"),
        date(2023, 3, 31),
        "ファイル取込（目標.csv）",
    )


@pytest.mark.parametrize(
    ("label", "code"), [("上期", "h1"), ("下期", "h2"), ("年度", "fy"), ("年", "cy"), ("累計", "cum")]
)
def test_a_period_may_be_written_as_its_japanese_label(kpi_data, label, code):
    outcome = import_actuals([actual(period=label, year="2024")], dry_run=False)

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", code, 2024).exists()


@pytest.mark.parametrize("bom", [True, False])
def test_a_utf8_csv_is_read_with_or_without_a_byte_order_mark(kpi_data, bom):
    data = csv_bytes(ACTUAL_COLUMNS, [actual(note="日本語の注記")], bom=bom)

    outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", "fy", 2022).get().note == "日本語の注記"


def test_an_xlsx_typed_by_hand_reads_numbers_as_codes_and_full_width_digits(kpi_data):
    workbook = openpyxl.Workbook()
    workbook.active.append(ACTUAL_COLUMNS)
    # Excel turns "14" and "1" into numbers; an input method types "２０２３".
    workbook.active.append([2, "14-T1", 14, 1, "fy", "２０２３", None, 3.75, "手入力", None])
    stream = io.BytesIO()
    workbook.save(stream)

    outcome = import_file(kind=FileKind.ACTUALS, data=stream.getvalue(), file_format="xlsx", dry_run=False)

    assert outcome.errors == ()
    assert figures_of(Actual, "14-T1", "fy", 2023).get().value == Decimal("3.75")


def test_a_kpi_file_creates_kpis_and_indicators_and_updates_an_existing_kpi(kpi_data):
    rows = [
        kpi_row(indicator_code="1"),
        kpi_row(
            indicator_code="2", indicator_name="満足度", unit="%", measure="percent", target_shape="share"
        ),
        kpi_row(
            kpi_code="14-T1",
            level="regional",
            region_code="14",
            kind="activity",
            kpi_title="テスト地域KPI（改）",
            kpi_text="セミナーを開催する",
            indicator_name="出荷量",
            unit="t",
            measure="quantity",
        ),
    ]

    outcome = import_file(
        kind=FileKind.KPIS, data=csv_bytes(KPI_COLUMNS, rows), file_format="csv", dry_run=False
    )

    assert outcome.errors == ()
    assert (outcome.new, outcome.updated, outcome.unchanged) == (2, 1, 0)
    created = Kpi.objects.get(plan__number=2, code="TC09")
    assert (created.level, created.region, created.kind, created.title) == (
        "central",
        None,
        "effect",
        "新しいKPI",
    )
    assert list(created.indicators.order_by("code").values_list("code", "measure")) == [
        ("1", "count"),
        ("2", "percent"),
    ]
    assert Kpi.objects.get(plan__number=2, code="14-T1").title == "テスト地域KPI（改）"


# --- dry run ---------------------------------------------------------------------------------


def test_a_dry_run_counts_the_changes_and_writes_nothing(kpi_data):
    before = database_state()

    outcome = import_actuals(GOOD_ACTUAL_ROWS, dry_run=True)

    assert outcome.errors == ()
    assert (outcome.new, outcome.updated) == (1, 1)
    assert database_state() == before


def test_the_command_with_dry_run_prints_the_counts_and_writes_nothing(kpi_data, tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_bytes(csv_bytes(ACTUAL_COLUMNS, GOOD_ACTUAL_ROWS))
    before = database_state()
    out = io.StringIO()

    call_command("import_actuals", str(path), "--dry-run", stdout=out)

    assert "書き込みなし" in out.getvalue()
    assert "新規 1件、更新 1件、変更なし 0件" in out.getvalue()
    assert database_state() == before


def test_the_command_imports_a_good_file_and_prints_the_counts_in_japanese(kpi_data, tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_bytes(csv_bytes(ACTUAL_COLUMNS, GOOD_ACTUAL_ROWS))
    out = io.StringIO()

    call_command("import_actuals", str(path), stdout=out)

    assert out.getvalue().strip() == "取り込みました: 新規 1件、更新 1件、変更なし 0件"
    assert figures_of(Actual, "TC01", "fy", 2021).exists()
    # the history says which file each figure came from
    actual = figures_of(Actual, "TC01", "fy", 2021).get()
    assert actual.history.latest().history_change_reason == "ファイル取込（actuals.csv）"


def test_the_command_reads_the_format_from_the_file_extension(kpi_data, tmp_path):
    path = tmp_path / "targets.xlsx"
    path.write_bytes(export_file(kind=FileKind.TARGETS, file_format="xlsx"))
    out = io.StringIO()

    call_command("import_targets", str(path), stdout=out)

    assert f"変更なし {Target.objects.count()}件" in out.getvalue()


def test_the_command_refuses_a_file_that_is_neither_csv_nor_xlsx(tmp_path):
    path = tmp_path / "kpis.txt"
    path.write_text("plan\n")

    with pytest.raises(CommandError, match=r'ファイル形式 "\.txt" には対応していません'):
        call_command("import_kpis", str(path))


# --- bad actuals: every message, its line, and nothing written -------------------------------

BAD_ACTUALS = {
    "unknown plan": (actual(plan="9"), "plan", '計画 "9" は存在しません'),
    "unknown region": (
        actual(kpi_code="14-T1", region_code="99"),
        "region_code",
        '地域コード "99" は存在しません',
    ),
    "unknown KPI": (actual(kpi_code="C99"), "kpi_code", 'KPI "C99" は第2次計画に存在しません'),
    "unknown indicator": (
        actual(indicator_code="9"),
        "indicator_code",
        '指標 "9" はKPI "TC01" に存在しません',
    ),
    "another region": (
        actual(kpi_code="14-T1", region_code="13"),
        "region_code",
        '地域コード "13" はKPI "14-T1" の地域（"14"）と一致しません',
    ),
    "no region for a regional KPI": (
        actual(kpi_code="14-T1", region_code=""),
        "region_code",
        'KPI "14-T1" は地域KPIのため、地域コード（"14"）を入力してください',
    ),
    "a region for a central KPI": (
        actual(region_code="14"),
        "region_code",
        'KPI "TC01" は中央KPIのため、地域コードは空欄にしてください',
    ),
    "non-numeric value": (actual(value="abc"), "value", '値 "abc" は数値ではありません'),
    "negative value": (actual(value="-5"), "value", "負の値は入力できません。"),
    "decimal count": (actual(value="2.5"), "value", "件数等の値は整数で入力してください。"),
    "percentage over 100": (
        actual(indicator_code="2", value="100.5"),
        "value",
        "割合は0〜100の範囲で入力してください。",
    ),
    "unknown period": (
        actual(period="h3"),
        "period",
        '期間 "h3" は不明です（h1, h2, fy, cy, cum のいずれか）',
    ),
    "year before 1990": (actual(year="1989"), "year", '年度 "1989" は1990〜2100の範囲で入力してください'),
    "year after 2100": (actual(year="2101"), "year", '年度 "2101" は1990〜2100の範囲で入力してください'),
    "duplicate period": (
        actual(year="2021", value="121"),
        "period",
        "同じ指標・期間・年度の行が 2行目にもあります",
    ),
    "missing value": (actual(value=""), "value", "値を入力してください"),
}


@pytest.mark.parametrize("case", BAD_ACTUALS.keys())
def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_written(kpi_data, case):
    bad_row, column, message = BAD_ACTUALS[case]
    before = database_state()

    outcome = import_actuals([*GOOD_ACTUAL_ROWS, bad_row], dry_run=False)

    assert outcome.errors == (LineError(4, column, message),)
    assert database_state() == before


@pytest.mark.parametrize("case", BAD_ACTUALS.keys())
def test_the_command_prints_a_bad_row_to_stderr_and_fails_writing_nothing(kpi_data, tmp_path, case):
    bad_row, column, message = BAD_ACTUALS[case]
    path = tmp_path / "actuals.csv"
    path.write_bytes(csv_bytes(ACTUAL_COLUMNS, [*GOOD_ACTUAL_ROWS, bad_row]))
    before = database_state()
    err = io.StringIO()

    with pytest.raises(CommandError, match="エラーが 1件あるため取り込みを中止しました"):
        call_command("import_actuals", str(path), stderr=err)

    assert err.getvalue().splitlines() == [f"4行目 {column}: {message}"]
    assert database_state() == before


def test_every_bad_row_is_reported_not_only_the_first(kpi_data):
    rows = [actual(value="abc"), actual(year="2023", period="h3"), actual(year="2024", plan="9", value="-1")]

    outcome = import_actuals(rows, dry_run=False)

    assert [str(error) for error in outcome.errors] == [
        '2行目 value: 値 "abc" は数値ではありません',
        '3行目 period: 期間 "h3" は不明です（h1, h2, fy, cy, cum のいずれか）',
        '4行目 plan: 計画 "9" は存在しません',
        "4行目 value: 負の値は入力できません。",
    ]


def test_a_missing_required_column_is_reported_on_line_1_and_nothing_is_written(kpi_data, tmp_path):
    columns = [column for column in ACTUAL_COLUMNS if column != "value"]
    data = csv_bytes(columns, GOOD_ACTUAL_ROWS)
    before = database_state()

    outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)

    assert outcome.errors == (LineError(1, "value", '必須の列 "value"（実績値）がありません'),)
    assert database_state() == before


def test_the_command_reports_a_missing_required_column(kpi_data, tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_bytes(csv_bytes([c for c in ACTUAL_COLUMNS if c != "value"], GOOD_ACTUAL_ROWS))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_actuals", str(path), stderr=err)

    assert err.getvalue().splitlines() == ['1行目 value: 必須の列 "value"（実績値）がありません']


def test_a_misspelt_column_is_reported_rather_than_ignored(kpi_data):
    data = csv_bytes([*ACTUAL_COLUMNS, "nots"], GOOD_ACTUAL_ROWS)

    outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)

    assert [(error.line, error.column) for error in outcome.errors] == [(1, "nots")]
    assert outcome.errors[0].message.startswith('列 "nots" は不明です')


def test_line_numbers_count_blank_lines_and_cells_with_line_breaks_as_a_spreadsheet_does(kpi_data):
    header = ",".join(ACTUAL_COLUMNS)
    data = "\r\n".join(
        [
            header,
            '2,TC01,,1,fy,2021,,120,"一行目\n二行目",',  # line 2, over two text lines
            "",  # line 3, blank
            "2,TC01,,1,fy,2022,,abc,,",  # line 4
        ]
    ).encode()

    outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)

    assert outcome.errors == (LineError(4, "value", '値 "abc" は数値ではありません'),)


def test_a_csv_saved_as_shift_jis_by_a_japanese_excel_is_read(kpi_data):
    data = csv_bytes(ACTUAL_COLUMNS, [actual(note="県の報告（ＣＳＶ）")]).decode().encode("cp932")

    outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", "fy", 2022).get().note == "県の報告（ＣＳＶ）"


# --- bad targets and KPI files ---------------------------------------------------------------

BAD_TARGETS = {
    "flag": (
        target(is_minimum="たぶん"),
        "is_minimum",
        '以上（下限目標） "たぶん" は 1（はい）か 0（いいえ）で入力してください',
    ),
    "date": (target(due_date="来年"), "due_date", '期限 "来年" は日付（例 2021-03-31）で入力してください'),
    "start after end": (
        target(period="cum", start_year="2023"),
        "start_year",
        "累計の開始年度 2023 が年度 2022 より後です",
    ),
    "baseline": (target(baseline_value="-3"), "baseline_value", "負の値は入力できません。"),
}


@pytest.mark.parametrize("case", BAD_TARGETS.keys())
def test_a_bad_target_row_is_reported_and_nothing_is_written(kpi_data, case):
    bad_row, column, message = BAD_TARGETS[case]
    before = database_state()

    outcome = import_file(
        kind=FileKind.TARGETS,
        data=csv_bytes(TARGET_COLUMNS, [target(year="2021"), bad_row]),
        file_format="csv",
        dry_run=False,
    )

    assert outcome.errors == (LineError(3, column, message),)
    assert database_state() == before


def other_kpi(**cells) -> dict:
    return kpi_row(kpi_code="TC10", **cells)


BAD_KPIS = {
    "unknown plan": (other_kpi(plan="9"), "plan", '計画 "9" は存在しません'),
    "unknown region": (
        kpi_row(kpi_code="99-1", level="regional", region_code="99"),
        "region_code",
        '地域コード "99" は存在しません',
    ),
    "region for a central KPI": (
        other_kpi(region_code="14"),
        "region_code",
        "中央KPIでは地域コードを空欄にしてください",
    ),
    "no region for a regional KPI": (
        other_kpi(level="regional"),
        "region_code",
        "地域KPIには地域コードを入力してください",
    ),
    "region moved": (
        kpi_row(kpi_code="14-T1", level="regional", region_code="13", kind="activity"),
        "region_code",
        '地域コード "13" はKPI "14-T1" の地域（"14"）と一致しません',
    ),
    "level changed": (
        kpi_row(kpi_code="TC01", level="regional", region_code="14"),
        "level",
        'KPI "TC01" の区分（中央）は変更できません',
    ),
    "unknown level": (
        other_kpi(level="national"),
        "level",
        '区分 "national" は不明です（central, regional のいずれか）',
    ),
    "unknown measure": (
        other_kpi(measure="money"),
        "measure",
        '値の種類 "money" は不明です（count, percent, quantity のいずれか）',
    ),
    "percent without %": (
        other_kpi(measure="percent", unit="件"),
        "unit",
        '割合（percent）の指標は単位を "%" にしてください',
    ),
    "KPI columns differ between its rows": (
        kpi_row(indicator_code="2", kpi_title="別の名前"),
        "kpi_title",
        'KPI "TC09" の kpi_title が 2行目と異なります',
    ),
    "same indicator twice": (kpi_row(), "indicator_code", "同じKPI・指標の行が 2行目にもあります"),
    "missing title": (other_kpi(kpi_title=""), "kpi_title", "このフィールドは空ではいけません。"),
    "title too long": (
        other_kpi(kpi_title="長" * 201),
        "kpi_title",
        "この値は 200 文字以下でなければなりません( 201 文字になっています)。",
    ),
}


@pytest.mark.parametrize("case", BAD_KPIS.keys())
def test_a_bad_kpi_row_is_reported_and_nothing_is_written(kpi_data, case):
    bad_row, column, message = BAD_KPIS[case]
    before = database_state()

    outcome = import_file(
        kind=FileKind.KPIS,
        data=csv_bytes(KPI_COLUMNS, [kpi_row(), bad_row]),
        file_format="csv",
        dry_run=False,
    )

    assert outcome.errors == (LineError(3, column, message),)
    assert database_state() == before


def test_a_new_kpi_without_text_is_refused_with_djangos_japanese_message(kpi_data):
    outcome = import_file(
        kind=FileKind.KPIS,
        data=csv_bytes(KPI_COLUMNS, [kpi_row(kpi_text="")]),
        file_format="csv",
        dry_run=False,
    )

    assert outcome.errors == (LineError(2, "kpi_text", "このフィールドは空ではいけません。"),)


# --- formula escaping on export --------------------------------------------------------------


def exported_notes_csv(kind: FileKind) -> list[str]:
    text = export_file(kind=kind, file_format="csv").decode("utf-8-sig")
    return [row["note"] for row in csv.DictReader(io.StringIO(text, newline=""))]


def test_a_csv_export_puts_an_apostrophe_before_text_a_spreadsheet_would_run(kpi_data):
    notes = exported_notes_csv(FileKind.ACTUALS) + exported_notes_csv(FileKind.TARGETS)

    for note in FORMULA_NOTES:
        assert "'" + note in notes
    assert "''引用符で始まる" in notes
    assert "行1\r\n行2" in notes


def test_a_csv_export_leaves_numbers_alone(kpi_data):
    text = export_file(kind=FileKind.ACTUALS, file_format="csv").decode("utf-8-sig")
    values = {row["value"] for row in csv.DictReader(io.StringIO(text, newline=""))}

    assert {"95", "40", "45.5", "12.25"} <= values


def test_a_csv_export_starts_with_a_byte_order_mark_for_excel(kpi_data):
    assert export_file(kind=FileKind.ACTUALS, file_format="csv").startswith("\ufeff".encode())


def exported_sheet(kind: FileKind):
    return openpyxl.load_workbook(io.BytesIO(export_file(kind=kind, file_format="xlsx"))).active


def column_cells(sheet, column: str) -> list:
    index = [cell.value for cell in sheet[1]].index(column)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def test_an_xlsx_export_puts_an_apostrophe_before_text_a_spreadsheet_would_run(kpi_data):
    notes = column_cells(exported_sheet(FileKind.ACTUALS), "note") + column_cells(
        exported_sheet(FileKind.TARGETS), "note"
    )

    texts = {cell.value for cell in notes}
    for note in ["=1+1", "+81 3 1234", "-減少した", "@担当者", "\tタブ始まり"]:
        assert "'" + note in texts
    # XLSX keeps no carriage return: it comes back as a line feed, still escaped.
    assert "'\n改行始まり" in texts
    assert not any(cell.data_type == "f" for cell in notes)


def test_an_xlsx_export_keeps_values_numeric(kpi_data):
    values = column_cells(exported_sheet(FileKind.ACTUALS), "value")

    assert all(cell.data_type == "n" for cell in values)
    assert {95, 40, 45.5, 12.25} <= {cell.value for cell in values}


def test_formula_escaping_leaves_numbers_dates_and_empty_cells_alone():
    dataset = tablib.Dataset(["=A1", Decimal("3"), date(2021, 3, 31), None], headers=["a", "b", "c", "d"])

    assert dataset_to_csv(dataset).decode("utf-8-sig").splitlines() == ["a,b,c,d", "'=A1,3,2021-03-31,"]


# --- admin -----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["industrialvision", "kpi", "indicator", "target", "actual"])
def test_the_admin_changelist_answers_in_a_few_queries_whatever_the_number_of_rows(
    admin_client, kpi_data, model, django_assert_max_num_queries
):
    # session, user, two counts, the page of rows with their plan and region, the filters' choices
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse(f"admin:kpis_{model}_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", ["kpi", "target", "actual"])
def test_the_admin_import_page_answers_for_a_superuser(admin_client, model):
    response = admin_client.get(reverse(f"admin:kpis_{model}_import"))

    assert response.status_code == 200


def upload(rows: list[dict], columns=ACTUAL_COLUMNS) -> SimpleUploadedFile:
    return SimpleUploadedFile("actuals.csv", csv_bytes(columns, rows), content_type="text/csv")


def test_the_admin_import_shows_every_bad_line_and_writes_nothing(admin_client, kpi_data):
    before = database_state()

    response = admin_client.post(
        reverse("admin:kpis_actual_import"),
        {
            "import_file": upload([*GOOD_ACTUAL_ROWS, actual(value="abc"), actual(period="h3")]),
            "format": "0",
            "resource": "0",
        },
    )

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert '4行目 value: 値 "abc" は数値ではありません' in page
    assert '5行目 period: 期間 "h3" は不明です（h1, h2, fy, cy, cum のいずれか）' in page
    # the library's own headings are in Japanese too (locale/ja)
    assert "検証できなかった行があります" in page
    assert "Some rows failed to validate" not in page
    assert response.context.get("confirm_form") is None
    assert database_state() == before


def test_the_admin_import_previews_a_good_file_then_writes_it_on_confirm(admin_client, kpi_data):
    preview = admin_client.post(
        reverse("admin:kpis_actual_import"),
        {"import_file": upload(GOOD_ACTUAL_ROWS), "format": "0", "resource": "0"},
    )
    assert not figures_of(Actual, "TC01", "fy", 2021).exists()
    confirm_form = preview.context["confirm_form"]

    response = admin_client.post(
        reverse("admin:kpis_actual_process_import"), confirm_form.initial, follow=True
    )

    assert figures_of(Actual, "TC01", "fy", 2021).get().value == 120
    assert figures_of(Actual, "TC01", "fy", 2020).get().value == 96
    assert "取り込みました: 新規 1件、更新 1件、変更なし 0件" in response.content.decode()


def test_the_admin_preview_shows_each_row_as_it_will_be_and_a_changed_cell_as_before_and_after(
    admin_client, kpi_data
):
    response = admin_client.post(
        reverse("admin:kpis_actual_import"),
        {"import_file": upload(GOOD_ACTUAL_ROWS), "format": "0", "resource": "0"},
    )

    rows = [
        [html.unescape(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", response.content.decode(), flags=re.S)
    ]
    assert ["新規", "2", "TC01", "", "1", "fy", "2021", "", "120", "", ""] in rows
    # The file's note is empty: the import will clear the note the actual has.
    assert ["更新", "2", "TC01", "", "1", "fy", "2020", "", "95 → 96", "+81 3 1234 →", ""] in rows


def test_the_admin_imports_a_kpi_file_through_preview_and_confirm(admin_client, kpi_data):
    kpi_file = SimpleUploadedFile(
        "kpis.csv", csv_bytes(KPI_COLUMNS, [kpi_row(), kpi_row(indicator_code="2")])
    )
    preview = admin_client.post(
        reverse("admin:kpis_kpi_import"), {"import_file": kpi_file, "format": "0", "resource": "0"}
    )
    assert not Kpi.objects.filter(code="TC09").exists()

    admin_client.post(reverse("admin:kpis_kpi_process_import"), preview.context["confirm_form"].initial)

    assert list(
        Indicator.objects.filter(kpi__code="TC09").values_list("code", flat=True).order_by("code")
    ) == [
        "1",
        "2",
    ]


def test_the_admin_confirm_step_writes_nothing_when_the_data_went_bad_since_the_preview(
    admin_client, kpi_data
):
    preview = admin_client.post(
        reverse("admin:kpis_actual_import"),
        {
            "import_file": upload(
                [*GOOD_ACTUAL_ROWS, actual(kpi_code="14-T1", region_code="14", year="2023")]
            ),
            "format": "0",
            "resource": "0",
        },
    )
    confirm_form = preview.context["confirm_form"]
    Kpi.objects.filter(code="14-T1").update(region=Region.objects.get(code="13"))
    before = database_state()

    response = admin_client.post(
        reverse("admin:kpis_actual_process_import"), confirm_form.initial, follow=True
    )

    assert "4行目 region_code" in html.unescape(response.content.decode())
    assert database_state() == before


def test_the_admin_exports_a_file_that_imports_again_unchanged(admin_client, kpi_data):
    response = admin_client.post(reverse("admin:kpis_target_export"), {"format": "1", "resource": "0"})

    assert response.status_code == 200
    outcome = import_file(kind=FileKind.TARGETS, data=response.content, file_format="xlsx", dry_run=True)
    assert outcome.errors == ()
    assert outcome.unchanged == Target.objects.count()


def test_the_admin_exports_the_kpi_file_one_row_per_indicator(admin_client, kpi_data):
    response = admin_client.post(reverse("admin:kpis_kpi_export"), {"format": "0", "resource": "0"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == Indicator.objects.count()
    assert {"kpi_code": "14-T1", "region_code": "14", "indicator_code": "1"}.items() <= next(
        row for row in rows if row["kpi_code"] == "14-T1"
    ).items()


@pytest.mark.parametrize("kind", list(FileKind))
def test_the_user_documentation_explains_every_column_of_every_file(kind, settings):
    documentation = (settings.BASE_DIR / "docs" / "imports.md").read_text()

    for column in RESOURCES[kind]().get_export_headers():
        assert f"| `{column}` |" in documentation


def test_the_user_documentation_lists_every_period_with_its_japanese_label(settings):
    documentation = (settings.BASE_DIR / "docs" / "imports.md").read_text()

    for period in Period:
        assert f"`{period.value}` {period.label}" in documentation
