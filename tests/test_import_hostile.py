"""Hostile and broken import files: each is refused with a clear Japanese message (with its line and
column when a row is at fault) and changes nothing, or, when it is what Japanese offices send
(Shift_JIS, full-width digits, era years, extra sheets), is read.

Files go through the real entry points: the admin's upload page (the test client), the import
service and the management command.
"""

import html
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from test_import_export import (
    ACTUAL_COLUMNS,
    GOOD_ACTUAL_ROWS,
    actual,
    csv_bytes,
    database_state,
    figures_of,
    kpi_data,  # noqa: F401 (a fixture)
)

from kpis import import_files, importing
from kpis.admin import FileImportExportAdmin
from kpis.importing import LineError, import_file
from kpis.models import Actual, Target
from kpis.resources import FileKind

# Every test here runs on plan 2 with the test KPIs of test_import_export (TC01 with a count and a
# percentage indicator, 14-T1 of 神奈川県 with a quantity) and their figures.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kpi_data")]

CSV, XLSX = "0", "1"  # the admin's format choices
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 120


def state() -> dict:
    """Every KPI, indicator, target and actual, and every history record of a figure."""
    return database_state() | {
        "Actual history": list(Actual.history.order_by("history_id").values()),
        "Target history": list(Target.history.order_by("history_id").values()),
    }


def good_csv(**options) -> bytes:
    return csv_bytes(ACTUAL_COLUMNS, GOOD_ACTUAL_ROWS, **options)


def xlsx_bytes(
    sheets: dict[str, list[list]], *, hidden: tuple[str, ...] = (), merged: str | None = None
) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
        if merged:
            sheet.merge_cells(merged)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def actual_sheet(rows: list[dict], columns=ACTUAL_COLUMNS) -> list[list]:
    return [columns, *([row.get(column) for column in columns] for row in rows)]


def with_saved_values(data: bytes, values: dict[str, str]) -> bytes:
    """The XLSX with a saved (cached) value in the given formula cells, as Excel writes them;
    openpyxl writes formulas without one. An error value ("#DIV/0!") gets the error type."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for cell, value in values.items():
                    kind = ' t="e"' if value.startswith("#") else ""
                    text = re.sub(
                        rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/>',
                        rf'<c r="{cell}"\1{kind}><f>\2</f><v>{value}</v>',
                        text,
                    )
                content = text.encode()
            target.writestr(member, content)
    return stream.getvalue()


def zip_of(name: str, content: bytes) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr(name, content)
    return stream.getvalue()


def import_actual_file(data: bytes, file_format: str = "csv"):
    return import_file(kind=FileKind.ACTUALS, data=data, file_format=file_format, dry_run=False)


def messages_of(outcome) -> list[str]:
    return [str(error) for error in outcome.errors]


def upload(client, name: str, data: bytes, file_format: str = CSV):
    return client.post(
        reverse("admin:kpis_actual_import"),
        {"import_file": SimpleUploadedFile(name, data), "format": file_format, "resource": "0"},
    )


def page_of(response) -> str:
    return html.unescape(response.content.decode())


# --- what the file is ------------------------------------------------------------------------

WRONG_KINDS = {
    "PNG named .csv": ("graph.csv", PNG, CSV, "このファイルは CSV ではなくPNG 画像のようです"),
    "PNG named .xlsx": ("graph.xlsx", PNG, XLSX, "このファイルは XLSX ではなくPNG 画像のようです"),
    "PDF named .csv": ("report.csv", PDF, CSV, "このファイルは CSV ではなくPDFのようです"),
    "PDF named .xlsx": ("report.xlsx", PDF, XLSX, "このファイルは XLSX ではなくPDFのようです"),
    "old .xls named .xlsx": (
        "actuals.xlsx",
        OLD_XLS,
        XLSX,
        "古い Excel 形式（.xls）かパスワード付きの Office ファイルのようです",
    ),
    "old .xls named .csv": ("actuals.csv", OLD_XLS, CSV, "古い Excel 形式（.xls）"),
    "XLSX named .csv": (
        "actuals.csv",
        xlsx_bytes({"実績": actual_sheet(GOOD_ACTUAL_ROWS)}),
        CSV,
        "XLSX（Excel）などの ZIP 形式のようです",
    ),
    "CSV named .xlsx": ("actuals.xlsx", good_csv(), XLSX, "このファイルは XLSX（Excel）ではありません"),
    "a ZIP that is no workbook": (
        "actuals.xlsx",
        zip_of("readme.txt", b"hello"),
        XLSX,
        "ZIP 形式ですが、Excel の XLSX ではありません",
    ),
    "a broken ZIP": ("actuals.xlsx", b"PK\x03\x04" + b"\x00" * 200, XLSX, "XLSXファイルとして読めません"),
    "a workbook with a damaged sheet": (
        "actuals.xlsx",
        zip_of("xl/workbook.xml", b"<workbook><sheets><sheet"),
        XLSX,
        "XLSXファイルとして読めません",
    ),
    "binary bytes named .csv": (
        "actuals.csv",
        bytes(range(256)) * 4,
        CSV,
        "このファイルは CSV ではありません",
    ),
    "UTF-16 text": ("actuals.csv", good_csv().decode().encode("utf-16"), CSV, "UTF-16 のテキスト"),
}


@pytest.mark.parametrize("case", WRONG_KINDS.keys())
def test_the_admin_refuses_a_file_that_is_something_else_and_says_what_it_seems_to_be(admin_client, case):
    name, data, file_format, message = WRONG_KINDS[case]
    before = state()

    response = upload(admin_client, name, data, file_format)

    assert response.status_code == 200
    assert message in page_of(response)
    assert response.context.get("confirm_form") is None
    assert state() == before


@pytest.mark.parametrize("case", WRONG_KINDS.keys())
def test_the_service_refuses_a_file_that_is_something_else(case):
    _name, data, file_format, message = WRONG_KINDS[case]
    before = state()

    outcome = import_actual_file(data, "csv" if file_format == CSV else "xlsx")

    assert len(outcome.errors) == 1
    assert outcome.errors[0].line is None
    assert message in outcome.errors[0].message
    assert state() == before


@pytest.mark.parametrize("name", ["actuals.txt", "actuals.pdf", "graph.png", "actuals.xls", "actuals"])
def test_the_admin_refuses_a_file_named_neither_csv_nor_xlsx_before_reading_it(admin_client, name):
    before = state()

    response = upload(admin_client, name, good_csv())

    assert "には対応していません（csv, xlsx のいずれか）" in page_of(response)
    assert state() == before


def test_the_admin_refuses_a_format_other_than_the_files_extension(admin_client):
    response = upload(admin_client, "actuals.xlsx", xlsx_bytes({"実績": actual_sheet(GOOD_ACTUAL_ROWS)}), CSV)

    assert "選んだ形式（csv）とファイルの拡張子（.xlsx）が違います" in page_of(response)


def test_the_command_refuses_a_png_named_csv(tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_bytes(PNG)
    err = io.StringIO()
    before = state()

    with pytest.raises(CommandError, match="データベースは変更していません"):
        call_command("import_actuals", str(path), stderr=err)

    assert "このファイルは CSV ではなくPNG 画像のようです" in err.getvalue()
    assert state() == before


# --- size ------------------------------------------------------------------------------------


def fifty_megabytes_of_rows() -> bytes:
    header = ",".join(ACTUAL_COLUMNS).encode() + b"\r\n"
    line = b"2,TC01,,1,fy,2022,,10,,\r\n"
    return header + line * (50 * 1024 * 1024 // len(line))


def test_a_50_mb_upload_is_refused_by_its_size_before_it_is_read_or_parsed(admin_client, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a file over the limit must not be read")

    monkeypatch.setattr(FileImportExportAdmin, "write_to_tmp_storage", never)
    monkeypatch.setattr(importing, "csv_rows", never)
    data = fifty_megabytes_of_rows()
    before = state()

    response = upload(admin_client, "actuals.csv", data)

    assert response.status_code == 200
    assert "ファイルが大きすぎます（50 MB、上限 5 MB）。ファイルを分けて取り込んでください" in page_of(
        response
    )
    assert state() == before


def test_the_service_refuses_a_file_over_the_limit_before_parsing_it(settings, monkeypatch):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    monkeypatch.setattr(importing, "csv_rows", lambda data: pytest.fail("parsed"))
    before = state()

    outcome = import_actual_file(b"plan\r\n" + b"2\r\n" * (600 * 1024))

    assert messages_of(outcome) == [
        "ファイル: ファイルが大きすぎます（1.8 MB、上限 1 MB）。ファイルを分けて取り込んでください"
    ]
    assert state() == before


def test_the_command_refuses_a_file_over_the_limit(tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_bytes(b"plan\r\n" + b"2\r\n" * (2 * 1024 * 1024))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_actuals", str(path), stderr=err)

    assert "ファイルが大きすぎます（6 MB、上限 5 MB）" in err.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ファイルが空です（0バイト）"),
        (",".join(ACTUAL_COLUMNS).encode() + b"\r\n", "取り込む行がありません（2行目以降が空です）"),
        (b"\r\n\r\n" + good_csv(), "1行目: 1行目に列名（見出し）がありません"),
    ],
)
def test_an_empty_file_or_one_without_rows_is_refused(data, message):
    before = state()

    outcome = import_actual_file(data)

    assert message in messages_of(outcome)[0]
    assert state() == before


def test_a_file_of_more_rows_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    rows = [actual(year=str(year)) for year in range(2015, 2020)]

    outcome = import_actual_file(csv_bytes(ACTUAL_COLUMNS, rows))

    assert messages_of(outcome) == [
        "ファイル: 行数が多すぎます（3行まで）。ファイルを分けて取り込んでください"
    ]


def test_an_xlsx_claiming_a_million_rows_and_16384_columns_is_read_as_the_rows_it_has():
    data = xlsx_bytes({"実績": actual_sheet(GOOD_ACTUAL_ROWS)})
    data = with_sheet_xml(
        data, lambda xml: xml.replace('<dimension ref="A1:J3" />', '<dimension ref="A1:XFD1048576" />')
    )

    outcome = import_actual_file(data, "xlsx")

    assert outcome.errors == ()
    assert (outcome.new, outcome.updated) == (1, 1)


def test_an_xlsx_with_a_stray_empty_cell_on_its_last_row_imports_its_rows():
    stray = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t></t></is></c></row></sheetData>'
    data = with_sheet_xml(
        xlsx_bytes({"実績": actual_sheet(GOOD_ACTUAL_ROWS)}), lambda xml: xml.replace("</sheetData>", stray)
    )

    outcome = import_actual_file(data, "xlsx")

    assert outcome.errors == ()
    assert (outcome.new, outcome.updated) == (1, 1)


def test_an_xlsx_with_rows_past_excels_last_row_is_refused():
    stray = '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t></t></is></c></row></sheetData>'
    data = with_sheet_xml(
        xlsx_bytes({"実績": actual_sheet(GOOD_ACTUAL_ROWS)}), lambda xml: xml.replace("</sheetData>", stray)
    )

    outcome = import_actual_file(data, "xlsx")

    assert messages_of(outcome) == [
        "ファイル: 行数が多すぎます（空行を含めて 1,048,576行まで）。ファイルを分けて取り込んでください"
    ]


def with_sheet_xml(data: bytes, change, sheet: str = "xl/worksheets/") -> bytes:
    """The XLSX with its sheets' XML (or the one named) changed by `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename.startswith(sheet):
                changed = change(content.decode()).encode()
                assert changed != content, "the sheet's XML has changed shape: the test no longer tests"
                content = changed
            target.writestr(member, content)
    return stream.getvalue()


def test_an_xlsx_that_unpacks_to_more_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(import_files, "MAX_UNPACKED_BYTES", 2_000)
    data = xlsx_bytes({"実績": actual_sheet(GOOD_ACTUAL_ROWS)})

    outcome = import_actual_file(data, "xlsx")

    assert "XLSXファイルの中身が大きすぎます" in messages_of(outcome)[0]


# --- encodings and CSV dialects --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_the_admin_accepts_shift_jis_and_utf8_with_or_without_bom_and_imports_on_confirm(
    admin_client, encoding
):
    rows = [actual(note="県の報告（①速報値）", source="神奈川県 知財課")]
    data = csv_bytes(ACTUAL_COLUMNS, rows).decode().encode(encoding)

    preview = upload(admin_client, "実績.csv", data)
    admin_client.post(reverse("admin:kpis_actual_process_import"), preview.context["confirm_form"].initial)

    saved = figures_of(Actual, "TC01", "fy", 2022).get()
    assert (saved.note, saved.source) == ("県の報告（①速報値）", "神奈川県 知財課")
    assert saved.history.get().history_change_reason == "ファイル取込（実績.csv）"


def test_a_csv_in_neither_utf8_nor_shift_jis_is_refused():
    data = good_csv() + b"2,TC01,,1,fy,2023,,1,\x81 \xeb@,\r\n"  # neither UTF-8 nor Shift_JIS

    outcome = import_actual_file(data)

    assert "CSVファイルの文字コードを読み取れません。UTF-8" in messages_of(outcome)[0]


def test_control_characters_are_refused_with_their_line():
    # (escape sequences, C1 controls, and the bytes cp932 maps to nothing typed: all the same)
    data = csv_bytes(ACTUAL_COLUMNS, [*GOOD_ACTUAL_ROWS, actual(year="2023", note="端末\x1b[31m赤")])

    outcome = import_actual_file(data)

    assert outcome.errors == (
        LineError(
            4, "", "文字として使えないコード（U+001B）が含まれています。取り除いてから取り込んでください"
        ),
    )


def test_a_cell_longer_than_a_csv_field_may_be_is_refused():
    data = csv_bytes(ACTUAL_COLUMNS, [*GOOD_ACTUAL_ROWS, actual(year="2023", note="長" * 200_000)])

    outcome = import_actual_file(data)

    assert messages_of(outcome)[0].startswith("ファイル: CSVファイルとして読めません（")


@pytest.mark.parametrize(("separator", "name"), [("\t", "タブ"), (";", "セミコロン（;）")])
def test_a_file_separated_by_tabs_or_semicolons_is_refused_with_advice(separator, name):
    text = good_csv().decode().replace(",", separator)

    outcome = import_actual_file(text.encode())

    assert outcome.errors == (
        LineError(
            1,
            "",
            f"列が{name}で区切られています。コンマ区切りの CSV（「CSV UTF-8（コンマ区切り）」）で保存してください",
        ),
    )


def test_a_header_in_another_column_order_is_read_by_name():
    columns = list(reversed(ACTUAL_COLUMNS))

    csv_outcome = import_actual_file(csv_bytes(columns, [actual(year="2023", value="7")]))
    xlsx_outcome = import_actual_file(
        xlsx_bytes({"実績": actual_sheet([actual(year="2024", value="8")], columns)}), "xlsx"
    )

    assert (csv_outcome.errors, xlsx_outcome.errors) == ((), ())
    assert figures_of(Actual, "TC01", "fy", 2023).get().value == 7
    assert figures_of(Actual, "TC01", "fy", 2024).get().value == 8


def test_blank_lines_whitespace_lines_and_lines_of_commas_are_skipped_but_counted():
    header = ",".join(ACTUAL_COLUMNS)
    text = "\r\n".join(
        [header, "2,TC01,,1,fy,2021,,120,,", "", "   ", ",,,,,,,,,", "　", "2,TC01,,1,fy,2022,,x,,"]
    )

    outcome = import_actual_file(text.encode())

    assert outcome.errors == (LineError(7, "value", '値 "x" は数値ではありません'),)


# --- XLSX: sheets, formulas, merged cells, error values ---------------------------------------


def test_an_xlsx_is_read_at_the_sheet_named_after_the_file_whatever_its_place():
    data = xlsx_bytes(
        {
            "記入例": actual_sheet([actual(year="2030", value="999")]),
            "実績": actual_sheet([actual(year="2023", value="5")]),
        }
    )

    outcome = import_actual_file(data, "xlsx")

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", "fy", 2023).get().value == 5
    assert not figures_of(Actual, "TC01", "fy", 2030).exists()


def test_without_that_sheet_the_first_visible_sheet_is_read_and_the_others_ignored():
    data = xlsx_bytes(
        {
            "一覧（非表示）": actual_sheet([actual(year="2031")]),
            "Sheet1": actual_sheet([actual(year="2023", value="6")]),
            "メモ": [["この行は読まれません"], ["=1/0"]],
        },
        hidden=("一覧（非表示）",),
    )

    outcome = import_actual_file(data, "xlsx")

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", "fy", 2023).get().value == 6
    assert not figures_of(Actual, "TC01", "fy", 2031).exists()


def test_the_admin_reads_the_target_sheet_of_a_workbook_of_targets_and_actuals(admin_client):
    data = xlsx_bytes(
        {
            "実績": actual_sheet([actual(year="2023", value="5")]),
            "目標": actual_sheet([actual(year="2023", value="50")]),
        }
    )
    response = admin_client.post(
        reverse("admin:kpis_target_import"),
        {"import_file": SimpleUploadedFile("計画.xlsx", data), "format": XLSX, "resource": "0"},
    )

    admin_client.post(reverse("admin:kpis_target_process_import"), response.context["confirm_form"].initial)

    assert figures_of(Target, "TC01", "fy", 2023).get().value == 50
    assert not figures_of(Actual, "TC01", "fy", 2023).exists()


def formula_sheet(value_formula: str) -> bytes:
    """Line 2 a plain row, line 3 a row whose value (column H) is a formula."""
    rows = [actual(year="2023", value="5"), actual(year="2024", value=value_formula)]
    return xlsx_bytes({"実績": actual_sheet(rows)})


def test_a_formula_is_read_as_the_value_excel_saved_with_it():
    data = with_saved_values(formula_sheet("=2*6"), {"H3": "12"})

    outcome = import_actual_file(data, "xlsx")

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", "fy", 2024).get().value == 12


def test_a_formula_without_a_saved_value_is_refused_with_its_cell(admin_client):
    before = state()

    outcome = import_actual_file(formula_sheet("=2*6"), "xlsx")
    response = upload(admin_client, "actuals.xlsx", formula_sheet("=2*6"), XLSX)

    message = (
        "数式（H3）の計算結果が保存されていません。Excel で開いて保存し直すか、値として貼り付けてください"
    )
    assert outcome.errors == (LineError(3, "value", message),)
    assert f"3行目 value: {message}" in page_of(response)
    assert state() == before


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#REF!", "#VALUE!"])
def test_a_formula_showing_an_error_is_refused_with_its_line(error):
    data = with_saved_values(formula_sheet("=1/0"), {"H3": error})
    before = state()

    outcome = import_actual_file(data, "xlsx")

    assert outcome.errors == (
        LineError(3, "value", f"セルがエラー値 {error} です（数式の結果がエラーになっています）"),
    )
    assert state() == before


def test_merged_cells_are_refused_with_their_range(admin_client):
    rows = [actual(year="2023"), actual(year="2024")]
    data = xlsx_bytes({"実績": actual_sheet(rows)}, merged="B2:B3")  # one KPI code for two rows
    before = state()

    outcome = import_actual_file(data, "xlsx")
    response = upload(admin_client, "actuals.xlsx", data, XLSX)

    message = "セルが結合されています（B2:B3）。結合を解除し、各行のセルに値を入力してください"
    assert outcome.errors == (LineError(2, "kpi_code", message),)
    assert message in page_of(response)
    assert state() == before


# --- what Japanese offices type ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("１２３", 123), ("1,234", 1234), ("１，２３４", 1234), ("12,345,678", 12345678), (" ４５ ", 45)],
)
def test_full_width_digits_and_thousands_separators_are_read(typed, value):
    outcome = import_actual_file(csv_bytes(ACTUAL_COLUMNS, [actual(year="2023", value=typed)]))

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", "fy", 2023).get().value == value


@pytest.mark.parametrize("typed", ["1e3", "1_000", "NaN", "Infinity", "١٢٣", "12件", "30%", "1.2.3", "▲5"])
def test_what_is_not_a_plain_number_is_refused_with_its_line(typed):
    before = state()

    outcome = import_actual_file(
        csv_bytes(ACTUAL_COLUMNS, [*GOOD_ACTUAL_ROWS, actual(year="2023", value=typed)])
    )

    assert outcome.errors == (LineError(4, "value", f'値 "{typed}" は数値ではありません'),)
    assert state() == before


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("令和4年度", 2022),
        ("令和４年度", 2022),
        ("R4", 2022),
        ("r04", 2022),
        ("R5年度", 2023),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("H30", 2018),
        ("平成30年", 2018),
        ("2021年度", 2021),
        ("ＦＹ２０２０", 2020),
    ],
)
def test_era_years_are_read_in_the_year_column(typed, year):
    outcome = import_actual_file(csv_bytes(ACTUAL_COLUMNS, [actual(year=typed, period="h1")]))

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", "h1", year).exists()


def test_era_years_are_read_in_an_xlsx_and_in_the_start_year_column():
    row = actual(period="cum", year="令和4年度", start_year="R2", value="300")

    outcome = import_actual_file(xlsx_bytes({"実績": actual_sheet([row])}), "xlsx")

    assert outcome.errors == ()
    assert figures_of(Actual, "TC01", "cum", 2022).get().start_year == 2020


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("来年度", '年度 "来年度" は西暦（2022）か和暦（令和4年度、R4、平成30年度、H30）で入力してください'),
        ("令和", '年度 "令和" は西暦（2022）か和暦（令和4年度、R4、平成30年度、H30）で入力してください'),
        ("H1", '年度 "H1" は1990〜2100の範囲で入力してください'),
        ("昭和60年", '年度 "昭和60年" は1990〜2100の範囲で入力してください'),
    ],
)
def test_a_year_that_is_no_year_is_refused_with_both_ways_to_write_one(typed, message):
    outcome = import_actual_file(csv_bytes(ACTUAL_COLUMNS, [*GOOD_ACTUAL_ROWS, actual(year=typed)]))

    assert outcome.errors == (LineError(4, "year", message),)


def test_duplicated_rows_are_refused_naming_both_lines_even_when_identical():
    rows = [actual(year="2023"), actual(year="2024"), actual(year="2023"), actual(year="令和5年度")]
    before = state()

    outcome = import_actual_file(csv_bytes(ACTUAL_COLUMNS, rows))

    assert messages_of(outcome) == [
        "4行目 period: 同じ指標・期間・年度の行が 2行目にもあります",
        "5行目 period: 同じ指標・期間・年度の行が 2行目にもあります",
    ]
    assert state() == before


def test_an_error_value_saved_in_a_csv_is_refused():
    outcome = import_actual_file(
        csv_bytes(ACTUAL_COLUMNS, [*GOOD_ACTUAL_ROWS, actual(year="2023", note="#N/A")])
    )

    assert outcome.errors == (
        LineError(4, "note", "セルがエラー値 #N/A です（数式の結果がエラーになっています）"),
    )


def test_a_value_with_more_digits_than_the_database_holds_is_refused_with_djangos_message():
    outcome = import_actual_file(
        csv_bytes(ACTUAL_COLUMNS, [*GOOD_ACTUAL_ROWS, actual(year="2023", value="123456789012345")])
    )

    assert [(error.line, error.column) for error in outcome.errors] == [(4, "value")]
    assert "14" in outcome.errors[0].message


def test_a_source_longer_than_200_characters_is_refused_with_djangos_message():
    outcome = import_actual_file(csv_bytes(ACTUAL_COLUMNS, [actual(source="出" * 201)]))

    assert outcome.errors == (
        LineError(2, "source", "この値は 200 文字以下でなければなりません( 201 文字になっています)。"),
    )


def test_a_quantity_with_two_decimals_is_kept_and_a_third_is_refused():
    good = import_actual_file(
        csv_bytes(
            ACTUAL_COLUMNS, [actual(kpi_code="14-T1", region_code="14", year="2023", value="１２．２５")]
        )
    )
    bad = import_actual_file(
        csv_bytes(ACTUAL_COLUMNS, [actual(kpi_code="14-T1", region_code="14", year="2024", value="1.125")])
    )

    assert good.errors == ()
    assert figures_of(Actual, "14-T1", "fy", 2023).get().value == Decimal("12.25")
    assert [(error.line, error.column) for error in bad.errors] == [(2, "value")]


def test_the_admin_lists_the_first_100_errors_of_a_file_of_errors_and_counts_the_rest(admin_client):
    rows = [
        actual(period=period, year=str(year), value="x")
        for year in range(1990, 2065)
        for period in ("fy", "h1")
    ]
    before = state()

    response = upload(admin_client, "actuals.csv", csv_bytes(ACTUAL_COLUMNS, rows))

    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 102
    assert messages[0] == '2行目 value: 値 "x" は数値ではありません'
    assert messages[-2] == "ほか 50件のエラーがあります（最初の 100件を表示しています）。"
    assert messages[-1] == "エラーが 150件あるため取り込めません。データベースは変更していません。"
    assert state() == before


def test_a_merged_range_over_the_whole_sheet_is_refused_without_building_its_cells():
    # openpyxl's full workbook would build a cell object for each of the 17 billion cells.
    data = xlsx_bytes({"メモ": [["x"]], "実績": actual_sheet(GOOD_ACTUAL_ROWS)})
    data = with_sheet_xml(
        data,
        lambda xml: xml.replace(
            "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
        ),
        sheet="xl/worksheets/sheet2.xml",
    )

    outcome = import_actual_file(data, "xlsx")

    assert messages_of(outcome) == [
        "1行目 plan: セルが結合されています（A1:XFD1048576）。結合を解除し、各行のセルに値を入力してください"
    ]


def test_merged_cells_and_formulas_on_another_sheet_are_ignored():
    memo = [["メモ", "合計"], ["=1+1", "=SUM(A1:A2)"], ["結合", None]]
    data = xlsx_bytes({"メモ": memo, "実績": actual_sheet(GOOD_ACTUAL_ROWS)})
    data = with_sheet_xml(
        data,
        lambda xml: xml.replace(
            "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A3:B3"/></mergeCells>'
        ),
        sheet="xl/worksheets/sheet1.xml",
    )

    outcome = import_actual_file(data, "xlsx")

    assert (outcome.errors, outcome.new, outcome.updated) == ((), 1, 1)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_header_of_more_columns_than_a_file_of_figures_has_is_refused(file_format):
    columns = [*ACTUAL_COLUMNS, *(f"列{number}" for number in range(200))]
    data = (
        csv_bytes(columns, GOOD_ACTUAL_ROWS)
        if file_format == "csv"
        else xlsx_bytes({"実績": actual_sheet(GOOD_ACTUAL_ROWS, columns)})
    )

    outcome = import_actual_file(data, file_format)

    assert messages_of(outcome) == [
        "1行目: 列が多すぎます（210列、100列まで）。1行目の列名を確かめてください"
    ]
