"""manage.py backup_restore portal.yaml.gz: a backup loaded into an empty, migrated database."""

from pathlib import Path

from django.core.management.base import BaseCommand

from reports.management import backup


class Command(BaseCommand):
    help = (
        "backup_dump のバックアップを、空のデータベース（migrate だけを実行したもの）に戻します。"
        "マニフェストと行数・チェックサムが一致しなければ何も戻しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup_dump で書き出したファイル")
        parser.add_argument(
            "--manifest",
            help="照合するマニフェスト（省略時は <ファイル名>.manifest.json があれば使います）",
        )

    def handle(self, *args, path: str, manifest: str | None, **options):
        source = Path(path)
        manifest_file = Path(manifest) if manifest else backup.manifest_path(source)
        expected = backup.read_manifest(manifest_file) if manifest or manifest_file.exists() else None
        restored = backup.restore(source, expected=expected)
        tables = restored["models"].values()
        self.stdout.write(f"戻しました: {source}（{len(tables)}表、{sum(t['rows'] for t in tables)}行）")
        if expected is None:
            self.stdout.write(
                self.style.WARNING(
                    "マニフェストがないため、行数とチェックサムの照合はしていません"
                    "（manage.py backup_manifest で確認できます）。"
                )
            )
        else:
            self.stdout.write(f"マニフェスト {manifest_file} と全表の行数・チェックサムが一致しました。")
