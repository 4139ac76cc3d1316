from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from plans.fixture_files import fixture_paths
from plans.loading import plan_data_loaded, record_loaded_state
from plans.models import Designation


class Command(BaseCommand):
    help = "行動計画の文書データ（fixtures/）を読み込みます。自然キーで照合するため、何度実行しても重複しません。"

    @transaction.atomic
    def handle(self, *args, **options):
        call_command("loaddata", *fixture_paths(), verbosity=options["verbosity"])
        record_loaded_state(Designation)
        # the KPIs, figures and case studies belong to the apps above this one
        plan_data_loaded.send(sender=self.__class__)
