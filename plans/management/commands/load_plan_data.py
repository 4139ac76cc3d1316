from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from plans.fixture_files import REGION_FIXTURES, fixture_paths
from plans.loading import plan_data_loaded, record_loaded_state
from plans.models import BasicPolicy, Designation, Measure, Plan, ReportedResult


class Command(BaseCommand):
    help = (
        "行動計画の文書データ（fixtures/）を読み込みます。自然キーで照合するため、何度実行しても重複しません。"
        "--regions-only では地域（ブロック・都道府県・政令市）だけを読み込みます（計画をワークブックから設定するとき）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--regions-only",
            action="store_true",
            help="地域（ブロック・都道府県・政令市）だけを読み込み、計画・KPI・事例は読み込みません",
        )

    @transaction.atomic
    def handle(self, *args, regions_only: bool = False, **options):
        paths = fixture_paths(REGION_FIXTURES if regions_only else None)
        call_command("loaddata", *paths, verbosity=options["verbosity"])
        if regions_only:
            return  # regions keep no history, and no plan was loaded
        for model in (Plan, BasicPolicy, Measure, ReportedResult, Designation):
            record_loaded_state(model)
        # the KPIs, figures and case studies belong to the apps above this one
        plan_data_loaded.send(sender=self.__class__)
