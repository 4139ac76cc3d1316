"""python manage.py import_targets FILE [--dry-run]: targets of indicators from a CSV or XLSX file."""

from kpis.management.commands.import_kpis import ImportFileCommand
from kpis.resources import FileKind


class Command(ImportFileCommand):
    help = "指標の目標をCSV・XLSXファイルから取り込みます。エラーが1件でもあれば何も書き込みません。"
    kind = FileKind.TARGETS
