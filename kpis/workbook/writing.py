"""Writing a plan workbook: a plan's sheets (`plan_workbook`), or the empty template with one example
row per sheet (`template_workbook`), each with the 記入方法 sheet explaining every column.

Cells go through kpis.export's formula-safe writer (text a spreadsheet could run gets a leading
apostrophe, which the import takes off again); codes are text cells in columns formatted as text, so
that Excel keeps 01 and 14-1 as typed.
"""

import io

import openpyxl
import tablib
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kpis.cells import DateCell, TextCell
from kpis.export import write_sheet
from kpis.workbook.cells import CodeCell
from kpis.workbook.columns import Sheet
from kpis.workbook.plan_rows import plan_rows
from kpis.workbook.sheets import INSTRUCTIONS_TITLE, SHEETS
from plans.models import Plan

TEXT_FORMAT = "@"
GENERAL_NOTES = (
    "このワークブックは1つの計画（行動計画またはモデル地域創出事業の1年度）の全体です。",
    "シートの名前と1行目の列名は変えないでください（英語の列名も使えます）。列の順番は自由、省略した列は今の値のままです。",
    "1行が1件です。キー（計画・番号・コード）が同じ行がデータベースにあれば更新、なければ新規登録です。行の削除はしません。",
    "1行でもエラーがあれば何も書き込みません。エラーは「シート名 N行目 列: メッセージ」で示します。",
    "ひな形の2行目は記入例です。取り込む前に書き換えるか削除してください。",
    "コードの列（地域コード・KPIコード・指標コード）は文字列の書式です。01 や 14-1 をそのまま入力できます。",
    "取り込みは管理画面の「行動計画」→「計画ワークブックの取り込み」、または manage.py import_plan（docs/new-plan.md）。",
)
INSTRUCTION_HEADERS = ["シート", "列名", "英語の列名（別名）", "必須", "説明", "記入例"]


def plan_workbook(plan: Plan) -> bytes:
    """The plan's workbook: every sheet filled from the database, then 記入方法."""
    return workbook_bytes(plan_rows(plan))


def template_workbook() -> bytes:
    """Every sheet with its header and one example row, then 記入方法."""
    return workbook_bytes({sheet.title: [example_row(sheet)] for sheet in SHEETS})


def example_row(sheet: Sheet) -> dict:
    """The examples as the import reads them (then written as an export writes them)."""
    return {column.alias: column.cell.clean(column.example) for column in sheet.columns}


def workbook_bytes(rows_by_sheet: dict[str, list[dict]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        add_sheet(workbook, sheet, rows_by_sheet.get(sheet.title, []))
    add_instructions(workbook)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def add_sheet(workbook, sheet: Sheet, rows: list[dict]) -> None:
    dataset = tablib.Dataset(headers=[column.name for column in sheet.columns])
    for row in rows:
        dataset.append([cell_value(column.cell.render(row.get(column.alias))) for column in sheet.columns])
    worksheet = workbook.create_sheet(sheet.title)
    write_sheet(worksheet, dataset)
    for position, column in enumerate(sheet.columns, start=1):
        dimension = worksheet.column_dimensions[get_column_letter(position)]
        dimension.width = 40 if isinstance(column.cell, TextCell) else 14
        if isinstance(column.cell, CodeCell):
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = TEXT_FORMAT
        elif isinstance(column.cell, DateCell):
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = "yyyy-mm-dd"


def cell_value(value):
    """Blank text is an empty cell."""
    return None if value == "" else value


def add_instructions(workbook) -> None:
    worksheet = workbook.create_sheet(INSTRUCTIONS_TITLE)
    worksheet.append([INSTRUCTIONS_TITLE])
    worksheet["A1"].font = Font(bold=True, size=14)
    for note in GENERAL_NOTES:
        worksheet.append([note])
    worksheet.append([])
    worksheet.append(INSTRUCTION_HEADERS)
    for cell in worksheet[worksheet.max_row]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        worksheet.append([sheet.title, "（シート）", sheet.alias, "", sheet.about, ""])
        for column in sheet.columns:
            worksheet.append(
                [
                    sheet.title,
                    column.name,
                    column.alias,
                    "〇" if column.required else "",
                    column.help,
                    column.example,
                ]
            )
    for letter, width in zip("ABCDEF", (16, 22, 26, 6, 80, 24), strict=True):
        worksheet.column_dimensions[letter].width = width
    for row in worksheet.iter_rows(min_row=len(GENERAL_NOTES) + 3):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
