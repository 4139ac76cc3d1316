from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regions.demo import DEMO_PASSWORD, create_demo_users
from reports.progress.demo import open_demo_period


class Command(BaseCommand):
    help = "デモ用ユーザーを作成します（DEBUG が有効な開発環境のみ）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("DEBUG が無効のため、デモ用ユーザーは作成しません。")
        users = create_demo_users()
        period = open_demo_period()
        self.stdout.write(f"デモ用ユーザー（パスワードはすべて {DEMO_PASSWORD}）:")
        for demo in users:
            self.stdout.write(f"  {demo.username:<20} {demo.description}")
        self.stdout.write(f"受付中の報告期間: {period}（提出期限 {period.deadline:%Y-%m-%d}）")
        self.stdout.write("ログイン: http://127.0.0.1:8000/ （管理画面: http://127.0.0.1:8000/admin/）")
