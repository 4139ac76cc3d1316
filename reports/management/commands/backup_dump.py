"""manage.py backup_dump portal.yaml.gz: the portal's data, history included, and its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand

from reports.management import backup


class Command(BaseCommand):
    help = (
        "ポータルのデータ（変更履歴・利用者を含む）を YAML にバックアップし、"
        "表ごとの行数とチェックサムをマニフェスト（<ファイル名>.manifest.json）に書きます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="書き出すファイル（.yaml.gz など。既にあれば上書き）")

    def handle(self, *args, path: str, **options):
        target = Path(path)
        contents = backup.dump(target)
        tables = contents["models"].values()
        self.stdout.write(
            f"バックアップしました: {target}（{len(tables)}表、{sum(t['rows'] for t in tables)}行）\n"
            f"マニフェスト: {backup.manifest_path(target)}"
        )
