"""python manage.py export_plan NUMBER FILE.xlsx: a whole plan as one workbook (docs/new-plan.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kpis.workbook.writing import plan_workbook, template_workbook
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "計画の全体（計画・基本方針・施策・KPI・指標・目標・実績・報告値・前計画との対応・指定地域）を"
        "1つの XLSX ワークブックに書き出します。--template で空のひな形を書き出します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("number", nargs="?", type=int, help="計画の番号（行動計画は次数、事業は年度）")
        parser.add_argument("file", type=Path, help="書き出すファイル（.xlsx）")
        parser.add_argument("--template", action="store_true", help="記入例1行だけのひな形を書き出します")

    def handle(self, *args, number: int | None, file: Path, template: bool, **options):
        if file.suffix.lower() != ".xlsx":
            raise CommandError(f"書き出すファイルの拡張子は .xlsx にしてください（{file.name}）")
        if template:
            data = template_workbook()
        else:
            plan = Plan.objects.filter(number=number).first() if number is not None else None
            if plan is None:
                raise CommandError(f"計画 {number} はありません（番号: {self.numbers()}）")
            data = plan_workbook(plan)
        try:
            file.write_bytes(data)
        except OSError as error:
            raise CommandError(f"ファイル {file} に書き込めません（{error.strerror}）") from error
        what = "ひな形" if template else f"{plan.label}"
        self.stdout.write(f"{what}を {file} に書き出しました")

    @staticmethod
    def numbers() -> str:
        return ", ".join(str(n) for n in Plan.objects.values_list("number", flat=True)) or "なし"
