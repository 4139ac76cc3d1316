"""python manage.py import_kpis FILE [--dry-run]: KPIs and their indicators from a CSV or XLSX file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kpis.importing import FILE_FORMATS, format_of_filename, import_file
from kpis.resources import FileKind


class ImportFileCommand(BaseCommand):
    """What the three import commands share: they differ only in the kind of file."""

    kind: FileKind

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="取り込むファイル（.csv または .xlsx）")
        parser.add_argument(
            "--dry-run", action="store_true", help="確認だけ行い、データベースには書き込みません"
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        file_format = format_of_filename(file.name)
        if file_format is None:
            raise CommandError(
                f'ファイル形式 "{file.suffix}" には対応していません（{", ".join(FILE_FORMATS)} のいずれか）'
            )
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"ファイル {file} を読めません（{error.strerror}）") from error
        outcome = import_file(
            kind=self.kind, data=data, file_format=file_format, dry_run=dry_run, filename=file.name
        )
        if not outcome.succeeded:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"エラーが {len(outcome.errors)}件あるため取り込みを中止しました。データベースは変更していません。"
            )
        for warning in outcome.warnings:
            self.stdout.write(str(warning))
        done = "確認しました（--dry-run のため書き込みなし）" if dry_run else "取り込みました"
        self.stdout.write(f"{done}: {outcome.summary()}")


class Command(ImportFileCommand):
    help = "KPIと指標をCSV・XLSXファイルから取り込みます（1行が1指標）。エラーが1件でもあれば何も書き込みません。"
    kind = FileKind.KPIS
