"""Admin of the workflow's records. Reports change state through the portal's pages (which check who
may do what); the admin is for the administrator's corrections and keeps their history too."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.dashboards.caching import bump_data_version, bump_submissions_version
from reports.models import (
    CaseStudy,
    CaseStudyFigure,
    CaseStudyStep,
    CaseStudyTheme,
    CentralEntry,
    DecisionItem,
    Forecast,
    LiaisonMeeting,
    ProgressReport,
    ReportEntry,
    ReportingPeriod,
)


class VersionedAdmin(SimpleHistoryAdmin):
    """A change made here moves the optimistic-locking version on, so an open form notices it."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        # the portal's own writes bump the dashboards where it matters; an administrator's may change anything
        bump_data_version()
        bump_submissions_version()


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "fiscal_year", "half", "deadline", "is_locked", "opened_by", "opened_at"]
    list_filter = ["plan", "fiscal_year", "half", "is_locked"]
    list_select_related = ["plan", "opened_by"]


class ReportEntryInline(admin.StackedInline):
    model = ReportEntry
    fields = [
        "indicator",
        "value",
        "no_result",
        "no_result_reason",
        "warnings",
        "check_cause",
        "check_note",
        "forecast",
        "forecast_reason",
        "activities",
        "outcomes",
        "next_steps",
        "updated_by",
        "on_behalf",
    ]
    # warnings: what the plausibility rule flagged when the line was last saved through the workflow
    readonly_fields = ["indicator", "warnings", "updated_by", "on_behalf"]
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
    list_display = [
        "indicator",
        "fiscal_year",
        "period",
        "value",
        "forecast",
        "state",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["fiscal_year", "period", "state"]
    list_select_related = ["indicator__kpi", "updated_by"]
    readonly_fields = ["version"]
    raw_id_fields = ["indicator"]


@admin.register(Forecast)
class ForecastAdmin(SimpleHistoryAdmin):
    """Published by approving a 上期 report or confirming a central 上期 entry; corrected here only."""

    list_display = ["indicator", "fiscal_year", "value", "reason", "source", "published_by", "published_at"]
    list_filter = ["fiscal_year", "indicator__kpi__plan", "indicator__kpi__level"]
    list_select_related = ["indicator", "published_by"]
    search_fields = ["indicator__name", "reason"]
    raw_id_fields = ["indicator"]


# --- case studies (成果事例) ---


@admin.register(CaseStudyTheme)
class CaseStudyThemeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "order"]
    ordering = ["order", "code"]


class CaseStudyStepInline(admin.TabularInline):
    model = CaseStudyStep
    fields = ["order", "date_label", "month", "fiscal_year", "text"]
    extra = 0


class CaseStudyFigureInline(admin.TabularInline):
    model = CaseStudyFigure
    fields = ["order", "indicator", "fiscal_year", "label"]
    raw_id_fields = ["indicator"]
    extra = 0


@admin.register(CaseStudy)
class CaseStudyAdmin(VersionedAdmin):
    list_display = ["code", "title", "region", "plan", "state", "stage", "published_at", "version"]
    list_filter = ["plan", "state", "stage", "region__block", "themes"]
    list_select_related = ["region", "plan"]
    search_fields = ["title", "subtitle", "outcomes", "region__name_ja", "code"]
    readonly_fields = ["version"]
    raw_id_fields = ["kpi"]
    filter_horizontal = ["themes"]
    inlines = [CaseStudyStepInline, CaseStudyFigureInline]


@admin.register(CaseStudyStep)
class CaseStudyStepAdmin(SimpleHistoryAdmin):
    list_display = ["case_study", "order", "date_label", "fiscal_year"]
    list_filter = ["case_study__plan", "case_study__region__block"]
    list_select_related = ["case_study__region", "case_study__plan"]
    search_fields = ["text", "case_study__title"]
    raw_id_fields = ["case_study"]


@admin.register(CaseStudyFigure)
class CaseStudyFigureAdmin(SimpleHistoryAdmin):
    list_display = ["case_study", "order", "indicator", "fiscal_year", "label"]
    list_filter = ["case_study__plan", "fiscal_year"]
    list_select_related = ["case_study__region", "case_study__plan", "indicator"]
    raw_id_fields = ["case_study", "indicator"]


@admin.register(LiaisonMeeting)
class LiaisonMeetingAdmin(VersionedAdmin):
    list_display = ["held_on", "title", "block", "fiscal_year", "as_of", "version"]
    list_filter = ["block", "fiscal_year"]
    list_select_related = ["block"]
    search_fields = ["title", "minutes", "decisions", "agenda"]
    # the pack's moment is set by the portal's form (reports/meetings/rules.py cut_off), shown here only
    readonly_fields = ["version", "as_of", "created_at", "created_by", "updated_by"]


@admin.register(DecisionItem)
class DecisionItemAdmin(VersionedAdmin):
    list_display = ["due_on", "content", "meeting", "owner", "region", "state", "version"]
    list_filter = ["state", "owner", "meeting__block"]
    list_select_related = ["meeting__block", "region"]
    search_fields = ["content", "response"]
    raw_id_fields = ["meeting", "kpi"]
    readonly_fields = ["version", "closed_at", "created_at", "created_by", "updated_by"]
