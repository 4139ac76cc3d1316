from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from kpis.models import Actual, Indicator, Kpi, Target
from plans.fixture_files import fixture_paths
from plans.models import Designation
from reports.models import CaseStudy, CaseStudyFigure, CaseStudyStep

# The first history record of a loaded object: later changes then show the documents' value as "before".
LOADED_REASON = "文書データの読込"
HISTORY_MODELS = (Kpi, Indicator, Target, Actual, Designation, CaseStudy, CaseStudyStep, CaseStudyFigure)


class Command(BaseCommand):
    help = "行動計画の文書データ（fixtures/）を読み込みます。自然キーで照合するため、何度実行しても重複しません。"

    @transaction.atomic
    def handle(self, *args, **options):
        call_command("loaddata", *fixture_paths(), verbosity=options["verbosity"])
        for model in HISTORY_MODELS:
            record_loaded_state(model)


def record_loaded_state(model) -> int:
    """A history record for every object that has none yet (loaddata writes no history)."""
    without_history = model.objects.exclude(pk__in=model.history.values("id"))
    instances = list(without_history)
    model.history.bulk_history_create(instances, batch_size=500, default_change_reason=LOADED_REASON)
    return len(instances)
