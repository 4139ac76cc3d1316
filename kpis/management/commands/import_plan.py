"""python manage.py import_plan FILE.xlsx [--dry-run]: a whole plan from one workbook (docs/new-plan.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kpis.workbook.importing import import_workbook


class Command(BaseCommand):
    help = (
        "計画ワークブック（export_plan の形式）を取り込みます。変わった行だけを書き込み、"
        "エラーが1件でもあれば何も書き込みません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="取り込むワークブック（.xlsx）")
        parser.add_argument(
            "--dry-run", action="store_true", help="確認だけ行い、データベースには書き込みません"
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if file.suffix.lower() != ".xlsx":
            raise CommandError(f"計画ワークブックは .xlsx ファイルです（{file.name}）")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"ファイル {file} を読めません（{error.strerror}）") from error
        outcome = import_workbook(data=data, dry_run=dry_run, filename=file.name)
        if not outcome.succeeded:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"エラーが {len(outcome.errors)}件あるため取り込みを中止しました。データベースは変更していません。"
            )
        done = "確認しました（--dry-run のため書き込みなし）" if dry_run else "取り込みました"
        self.stdout.write(f"{done}: {outcome.plan.label}")
        for line in outcome.summary_lines():
            self.stdout.write(f"  {line}")
