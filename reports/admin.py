"""Admin of the workflow's records. Reports change state through the portal's pages (which check who
may do what); the admin is for the administrator's corrections and keeps their history too."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.caching import bump_data_version
from reports.models import CentralEntry, ProgressReport, ReportEntry, ReportingPeriod


class VersionedAdmin(SimpleHistoryAdmin):
    """A change made here moves the optimistic-locking version on, so an open form notices it."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        # the portal's own writes bump the dashboards where it matters; an administrator's may change anything
        bump_data_version()


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "fiscal_year", "half", "deadline", "is_locked", "opened_by", "opened_at"]
    list_filter = ["plan", "fiscal_year", "half", "is_locked"]
    list_select_related = ["plan", "opened_by"]


class ReportEntryInline(admin.StackedInline):
    model = ReportEntry
    fields = ["indicator", "value", "activities", "outcomes", "next_steps", "updated_by", "on_behalf"]
    readonly_fields = ["indicator", "updated_by", "on_behalf"]
    extra = 0
    can_delete = False


@admin.register(ProgressReport)
class ProgressReportAdmin(VersionedAdmin):
    list_display = [
        "region",
        "period",
        "state",
        "first_submitted_at",
        "submitted_at",
        "reviewed_by",
        "version",
    ]
    list_filter = ["period", "state", "region__block"]
    list_select_related = ["region", "period__plan", "reviewed_by"]
    search_fields = ["region__name_ja", "region__code"]
    readonly_fields = ["version"]
    inlines = [ReportEntryInline]


@admin.register(ReportEntry)
class ReportEntryAdmin(SimpleHistoryAdmin):
    list_display = ["report", "indicator", "value", "updated_by", "on_behalf", "updated_at"]
    list_filter = ["report__period", "report__region__block", "on_behalf"]
    list_select_related = ["report__region", "report__period__plan", "indicator", "updated_by"]
    search_fields = ["indicator__name", "report__region__name_ja"]
    raw_id_fields = ["report", "indicator"]


@admin.register(CentralEntry)
class CentralEntryAdmin(VersionedAdmin):
    list_display = ["indicator", "fiscal_year", "period", "value", "state", "updated_by", "updated_at"]
    list_filter = ["fiscal_year", "period", "state"]
    list_select_related = ["indicator__kpi", "updated_by"]
    readonly_fields = ["version"]
    raw_id_fields = ["indicator"]
