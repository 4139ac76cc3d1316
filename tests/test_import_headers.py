"""The KPI, target and actual files' headers: English keys or the Japanese names (計画, KPIコード, 実績値…),
in any case and in full-width letters; every message names a column as the file wrote it. And the
KPI–region check for KPI rows: a KPI whose code is another region's is refused."""

import csv
import io

import pytest

from kpis.import_keys import JAPANESE_HEADERS, header_keys
from kpis.importing import LineError, import_file
from kpis.models import Actual, Kpi
from kpis.resources import RESOURCES, FileKind
from kpis.workbook.sheets import ACTUALS, INDICATORS, KPIS, TARGETS

pytestmark = pytest.mark.django_db

ENGLISH = ["plan", "kpi_code", "region_code", "indicator_code", "period", "year", "value"]
JAPANESE = ["計画", "KPIコード", "地域コード", "指標コード", "期間", "年度", "実績値"]
# 第2次計画 神奈川県 14-1 実務・経営セミナーの開催回数, FY2021 上期
ROW = ["2", "14-1", "14", "1", "h1", "2021", "3"]


def csv_of(headers: list[str], *rows: list[str]) -> bytes:
    stream = io.StringIO(newline="")
    csv.writer(stream).writerows([headers, *rows])
    return stream.getvalue().encode("utf-8")


def import_actuals(headers, *rows, dry_run=False):
    return import_file(kind=FileKind.ACTUALS, data=csv_of(headers, *rows), file_format="csv", dry_run=dry_run)


def kanagawa_h1_2021():
    return Actual.objects.get(
        indicator__kpi__plan__number=2, indicator__kpi__code="14-1", period="h1", year=2021
    )


@pytest.mark.parametrize(
    "headers",
    [
        JAPANESE,
        [header.upper() for header in ENGLISH],  # PLAN, KPI_CODE…
        ["ＰＬＡＮ", "ＫＰＩコード", "Region_Code", " 指標コード ", "期間", "年度", "実績値"],
    ],
    ids=["japanese", "capitals", "full-width and mixed"],
)
def test_japanese_and_capital_headers_are_read_as_their_columns(headers):
    outcome = import_actuals(headers, ROW)
    assert outcome.errors == ()
    assert kanagawa_h1_2021().value == 3


def test_a_bad_cell_is_named_by_its_header_as_written():
    outcome = import_actuals(JAPANESE, ["2", "14-1", "14", "1", "h3", "2021", "abc"])
    assert {(error.line, error.column) for error in outcome.errors} == {(2, "期間"), (2, "実績値")}
    capitals = import_actuals([h.upper() for h in ENGLISH], ["2", "14-1", "14", "1", "h1", "2021", "abc"])
    assert [(error.line, error.column) for error in capitals.errors] == [(2, "VALUE")]


def test_a_kpi_of_another_region_is_named_by_the_region_column_as_written():
    outcome = import_actuals(JAPANESE, ["2", "14-1", "13", "1", "h1", "2021", "3"])
    assert outcome.errors == (
        LineError(2, "地域コード", '地域コード "13" はKPI "14-1" の地域（"14"）と一致しません'),
    )


def test_a_missing_column_is_named_with_its_japanese_name_too():
    outcome = import_actuals(JAPANESE[:-1], ROW[:-1])
    assert outcome.errors == (LineError(1, "value", '必須の列 "value"（実績値）がありません'),)


def test_one_column_written_twice_in_two_languages_is_refused():
    outcome = import_actuals([*ENGLISH, "計画"], [*ROW, "2"])
    assert [(error.column, error.message) for error in outcome.errors] == [
        ("plan", '同じ列 "plan"、"計画" が複数あります'),
        ("計画", '同じ列 "plan"、"計画" が複数あります'),
    ]


def test_an_unknown_column_lists_the_keys_with_their_japanese_names():
    outcome = import_actuals([*JAPANESE, "備考"], [*ROW, "x"])
    (error,) = outcome.errors
    assert error.column == "備考"
    assert error.message.startswith('列 "備考" は不明です（使える列: plan（計画）、kpi_code（KPIコード）、')
    assert "value（実績値）" in error.message


def test_the_target_file_calls_its_value_a_target():
    assert RESOURCES[FileKind.TARGETS]().japanese_headers["value"] == "目標値"
    assert header_keys(["目標値", "以上", "期限"], RESOURCES[FileKind.TARGETS]().japanese_headers) == [
        "value",
        "is_minimum",
        "due_date",
    ]


def test_the_files_japanese_names_are_the_plan_workbooks():
    """One name per column wherever a person types it: the files' and the workbook's sheets agree."""
    for sheets, kind in [
        ((KPIS, INDICATORS), FileKind.KPIS),
        ((TARGETS,), FileKind.TARGETS),
        ((ACTUALS,), FileKind.ACTUALS),
    ]:
        names = RESOURCES[kind]().japanese_headers
        for sheet in sheets:
            for column in sheet.columns:
                if column.alias in names:
                    assert names[column.alias] == column.name, (sheet.title, column.alias)
    assert set(JAPANESE_HEADERS) >= {
        field.column_name for resource in RESOURCES.values() for field in resource().get_import_fields()
    } - {"value"}


# --- KPI rows: a KPI belongs to the region its code names ------------------------------------------

KPI_HEADERS = [
    *["計画", "KPIコード", "区分", "地域コード", "種類", "名称", "KPI本文"],
    *["指標コード", "指標名", "単位", "値の種類", "目標の形"],
]


def kpi_row(code: str, region_code: str) -> list[str]:
    return [
        "2",
        code,
        "regional",
        region_code,
        "activity",
        "新しいKPI",
        "セミナーを開く",
        "1",
        "回数",
        "回",
        "count",
        "per_year",
    ]


def import_kpis(*rows):
    return import_file(kind=FileKind.KPIS, data=csv_of(KPI_HEADERS, *rows), file_format="csv", dry_run=False)


def test_a_new_kpi_whose_code_is_another_regions_is_refused():
    outcome = import_kpis(kpi_row("14-9", "13"))
    assert outcome.errors == (
        LineError(
            2,
            "地域コード",
            'KPIコード "14-9" は神奈川県（地域コード "14"）のKPIのコードです。地域コード "13" と一致しません',
        ),
    )
    assert not Kpi.objects.filter(plan__number=2, code="14-9").exists()


def test_an_existing_kpi_row_with_another_region_is_refused():
    outcome = import_kpis(kpi_row("14-1", "13"))
    assert [(error.column, error.message) for error in outcome.errors] == [
        ("地域コード", '地域コード "13" はKPI "14-1" の地域（"14"）と一致しません')
    ]
    assert Kpi.objects.get(plan__number=2, code="14-1").region.code == "14"


@pytest.mark.parametrize(("code", "region_code"), [("14-9", "14"), ("28100-9", "28100"), ("K-9", "13")])
def test_a_new_kpi_of_its_own_region_or_with_a_code_of_another_form_is_taken(code, region_code):
    outcome = import_kpis(kpi_row(code, region_code))
    assert outcome.errors == ()
    assert Kpi.objects.get(plan__number=2, code=code).region.code == region_code
