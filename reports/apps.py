from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("報告")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Revision, Target
        from plans.models import BasicPolicy, Designation, Measure, Plan, ReportedResult
        from regions.models import Block, Region
        from reports.dashboards.caching import bump_data_version
        from reports.dashboards.versions import ensure_versions

        # the data versions' rows, after `migrate` and after a flush (a new generation each time)
        post_migrate.connect(ensure_versions, sender=self, dispatch_uid="dashboard-data-versions")

        for model in (
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
        ):
            post_save.connect(
                bump_data_version, sender=model, dispatch_uid=f"dashboard-version-save-{model.__name__}"
            )
            post_delete.connect(
                bump_data_version, sender=model, dispatch_uid=f"dashboard-version-delete-{model.__name__}"
            )
