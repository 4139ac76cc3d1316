"""`?_export=csv` / `?_export=xlsx` on every dashboard table, through the same formula-safe writers
as the KPI files (numbers stay numbers, text that looks like a formula is escaped by
kpis.export.escape_formula, the one function every export of the portal goes through)."""

import tablib
from django.http import HttpResponse

from kpis.export import dataset_to_csv, dataset_to_xlsx

FORMATS = {
    "csv": ("text/csv; charset=utf-8", dataset_to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", dataset_to_xlsx),
}
EXPORT_PARAMETER = "_export"


def requested_format(request) -> str | None:
    value = request.GET.get(EXPORT_PARAMETER)
    return value if value in FORMATS else None


def table_dataset(table, title: str) -> tablib.Dataset:
    rows = list(table.as_values())
    dataset = tablib.Dataset(*rows[1:], headers=[str(h) for h in rows[0]])
    dataset.title = title[:31]  # the longest sheet name XLSX allows
    return dataset


def export_response(table, *, file_format: str, filename: str) -> HttpResponse:
    content_type, write = FORMATS[file_format]
    response = HttpResponse(write(table_dataset(table, filename)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response
