from django.core.management import call_command
from django.core.management.base import BaseCommand

from plans.fixture_files import fixture_paths


class Command(BaseCommand):
    help = "行動計画の文書データ（fixtures/）を読み込みます。自然キーで照合するため、何度実行しても重複しません。"

    def handle(self, *args, **options):
        call_command("loaddata", *fixture_paths(), verbosity=options["verbosity"])
