"""`?_export=csv` / `?_export=sjis` / `?_export=xlsx` on every dashboard table, through the same
formula-safe writers as the KPI files (numbers stay numbers, text that looks like a formula is escaped
by kpis.export.escape_formula, the one function every export of the portal goes through).

CSV is UTF-8 with a byte order mark, or Shift_JIS (`sjis`) for tools that read nothing else: a
character Shift_JIS cannot hold is written 〓 and named in a note row at the end (kpis/export.py).
The XLSX says, in a comment on its first cell and on a sheet of its own, that it is a table as shown
on the page, not a file to import (the import formats are the KPI, target and actual files and the
plan workbook).
"""

import io

import openpyxl
import tablib
from django.http import HttpResponse
from openpyxl.comments import Comment
from openpyxl.styles import Font

from kpis.export import dataset_to_csv, dataset_to_csv_shift_jis, write_sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PARAMETER = "_export"
DISPLAY_TABLE_TITLE = "この表について"
DISPLAY_TABLE_NOTE = (
    "この表は、画面に表示した表をそのまま書き出した表示用の表です。取り込み（インポート）の形式ではありません。",
    "KPI・目標・実績の取り込みには、管理画面の KPI・目標・実績のエクスポート（同じ列で取り込めます）を、"
    "計画の全体には計画ワークブック（管理画面の「行動計画」、manage.py export_plan）を使ってください。",
    "数値は数値のまま、達成率は画面と同じ桁数で書き出しています。",
)


def dataset_to_display_xlsx(dataset: tablib.Dataset) -> bytes:
    """The table on its sheet, saying on its first cell and on a second sheet that it is for display."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = dataset.title or "data"
    write_sheet(sheet, dataset)
    if sheet.max_column and sheet["A1"].value is not None:
        sheet["A1"].comment = Comment(DISPLAY_TABLE_NOTE[0], "知財KPIポータル")
    about = workbook.create_sheet(DISPLAY_TABLE_TITLE)
    about.append([DISPLAY_TABLE_TITLE])
    about["A1"].font = Font(bold=True)
    for line in DISPLAY_TABLE_NOTE:
        about.append([line])
    about.column_dimensions["A"].width = 120
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


# format → (content type, writer, file name ending)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", dataset_to_csv, ".csv"),
    "sjis": ("text/csv; charset=shift_jis", dataset_to_csv_shift_jis, "_sjis.csv"),
    "xlsx": (XLSX, dataset_to_display_xlsx, ".xlsx"),
}


# The sheet each exported table is written on, by its `table` name (a region's indicators,
# `region-<code>`, are 「指標別」 too); a name not listed keeps the file's name.
SHEET_NAMES = {
    "central": "中央KPI（年度）",
    "calendar": "中央KPI（暦年）",
    "blocks": "ブロック別",
    "summary": "地域別の集計",
    "indicators": "指標別",
    "years": "年度別",
    "targets": "目標",
    "series": "計画をまたぐ推移",
    "revisions": "改定",
    "plans": "計画の比較",
    "chains": "指標のつながり",
    "status": "提出状況",
}


def sheet_name(table_name: str, fallback: str) -> str:
    """The Japanese sheet name of an exported table (XLSX allows 31 characters)."""
    name = SHEET_NAMES.get(table_name.split("-")[0], fallback)
    return name[:31]


def requested_format(request) -> str | None:
    value = request.GET.get(EXPORT_PARAMETER)
    return value if value in FORMATS else None


def table_dataset(table, title: str) -> tablib.Dataset:
    """The table's header and values; `title` names its sheet in an XLSX."""
    rows = list(table.as_values())
    dataset = tablib.Dataset(*rows[1:], headers=[str(h) for h in rows[0]])
    dataset.title = title[:31]  # the longest sheet name XLSX allows
    return dataset


def export_response(table, *, file_format: str, filename: str, sheet: str = "") -> HttpResponse:
    content_type, write, ending = FORMATS[file_format]
    response = HttpResponse(write(table_dataset(table, sheet or filename)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}{ending}"'
    return response
