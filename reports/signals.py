"""What reports listens to: any change to the data behind the dashboards (their data version is
raised), the documents' data being loaded (the loaded case studies get their first history record),
and `migrate` (the data versions' rows are made)."""

from django.db.models.signals import post_delete, post_migrate, post_save

from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Revision, Target
from kpis.signals import figures_written
from plans.loading import plan_data_loaded, record_loaded_state
from plans.models import BasicPolicy, Designation, Measure, Plan, ReportedResult
from regions.models import Block, Region
from reports.dashboards.caching import bump_data_version
from reports.dashboards.versions import ensure_versions
from reports.models import CaseStudy, CaseStudyFigure, CaseStudyStep, Forecast

DASHBOARD_MODELS = (
    Actual,
    Target,
    Indicator,
    Kpi,
    IndustrialVision,
    Plan,
    BasicPolicy,
    Measure,
    ReportedResult,
    Designation,
    Block,
    Region,
    Revision,
    Forecast,  # read beside the figures (見込み), never as one
)


def record_loaded_case_studies(sender, **kwargs) -> None:
    for model in (CaseStudy, CaseStudyStep, CaseStudyFigure):
        record_loaded_state(model)


def connect(app_config) -> None:
    # the data versions' rows, after `migrate` and after a flush (a new generation each time)
    post_migrate.connect(ensure_versions, sender=app_config, dispatch_uid="dashboard-data-versions")
    for model in DASHBOARD_MODELS:
        post_save.connect(
            bump_data_version, sender=model, dispatch_uid=f"dashboard-version-save-{model.__name__}"
        )
        post_delete.connect(
            bump_data_version, sender=model, dispatch_uid=f"dashboard-version-delete-{model.__name__}"
        )
    # imports write figures in bulk, without post_save
    figures_written.connect(bump_data_version, dispatch_uid="dashboard-version-bulk-figures")
    plan_data_loaded.connect(record_loaded_case_studies, dispatch_uid="loaded-case-studies-history")
