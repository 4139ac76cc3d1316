"""manage.py backup_manifest: every table's rows and checksum, to compare a restore with its source."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.management import backup


class Command(BaseCommand):
    help = (
        "表ごとの行数と内容のチェックサム（SHA-256）を表示します。--output でマニフェストに書き出し、"
        "--check でマニフェストと照合します（違いがあれば一覧を表示して終了コード 1）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="マニフェスト（JSON）を書き出すファイル")
        parser.add_argument(
            "--check", help="照合するマニフェスト（backup_dump または --output で作ったもの）"
        )

    def handle(self, *args, output: str | None, check: str | None, **options):
        current = backup.manifest()
        if output:
            backup.write_manifest(Path(output), current)
            self.stdout.write(f"マニフェストを書き出しました: {output}")
        if check:
            mismatch = backup.differences(backup.read_manifest(Path(check)), current)
            if mismatch:
                raise CommandError("マニフェストと一致しません:\n" + "\n".join(mismatch))
            tables = current["models"].values()
            self.stdout.write(f"一致しました（{len(tables)}表、{sum(t['rows'] for t in tables)}行）: {check}")
            return
        if not output:
            self.print_table(current)

    def print_table(self, current: dict) -> None:
        self.stdout.write(f"{'表':<48}{'行数':>8}  チェックサム（SHA-256 の先頭16桁）")
        for key, table in current["models"].items():
            self.stdout.write(f"{key:<48}{table['rows']:>8}  {table['sha256'][:16]}")
        total = sum(table["rows"] for table in current["models"].values())
        self.stdout.write(f"{'合計':<48}{total:>8}")
