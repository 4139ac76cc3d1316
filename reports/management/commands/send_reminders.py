"""Send the day's reminders about half-year reports (run once a day, e.g. from cron).

python manage.py send_reminders [--days-before 7] [--review-after 5] [--today 2022-10-24] [--dry-run]
"""

import datetime
import smtplib
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.progress import reminders

KIND_LABELS = {
    reminders.DUE_SOON: "締切前のお知らせ（自治体）",
    reminders.OVERDUE: "期限超過のお知らせ（自治体）",
    reminders.REVIEW_WAITING: "確認待ちのお知らせ（経済産業局等）",
}


def non_negative(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise CommandError(f"日数は0以上の整数で指定してください: {raw}") from None
    if value < 0:
        raise CommandError(f"日数は0以上の整数で指定してください: {raw}")
    return value


class Command(BaseCommand):
    help = "受付中の報告期間について、未提出の自治体と確認待ちの経済産業局等にお知らせメールを送ります。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            default="7",
            help="提出期限の何日前に「締切N日前のお知らせ」を送るか（既定: 7）",
        )
        parser.add_argument(
            "--review-after",
            default="5",
            help="提出から何日を超えて確認待ちの報告を経済産業局等に知らせるか（既定: 5）",
        )
        parser.add_argument("--today", help="基準日 YYYY-MM-DD（既定: 今日）。再実行や確認に使います。")
        parser.add_argument("--dry-run", action="store_true", help="送信せず、送る内容を表示します。")

    def handle(self, *args, **options):
        days_before = non_negative(str(options["days_before"]))
        review_after = non_negative(str(options["review_after"]))
        today = self.parse_today(options.get("today"))
        due = reminders.collect_reminders(today, days_before=days_before, review_after=review_after)
        counts = Counter(reminder.kind for reminder in due)
        breakdown = "、".join(f"{KIND_LABELS[kind]} {counts[kind]}通" for kind in KIND_LABELS if counts[kind])

        if options["dry_run"]:
            for reminder in due:
                self.stdout.write(f"宛先: {', '.join(reminder.recipients)}")
                self.stdout.write(f"件名: {reminder.subject}")
                self.stdout.write(reminder.body)
                self.stdout.write("-" * 60)
            self.stdout.write(f"{today:%Y-%m-%d}: {len(due)}通送信予定（--dry-run のため送信していません）")
            if breakdown:
                self.stdout.write(f"内訳: {breakdown}")
            return

        try:
            sent = reminders.send_reminders(due)
        except (smtplib.SMTPException, OSError) as error:
            raise CommandError(f"メールを送信できませんでした: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{today:%Y-%m-%d}: {sent}通送信"))
        if breakdown:
            self.stdout.write(f"内訳: {breakdown}")

    @staticmethod
    def parse_today(raw: str | None) -> datetime.date:
        if not raw:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"--today は YYYY-MM-DD の形で指定してください: {raw}") from None
