from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.models import BasicPolicy, Designation, Measure, Plan, ReportedResult


class BasicPolicyInline(admin.TabularInline):
    model = BasicPolicy
    fields = ["number", "title"]
    extra = 0
    show_change_link = True


class DesignationInline(admin.TabularInline):
    model = Designation
    fields = ["region", "source", "note"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "kind",
        "name",
        "start_fiscal_year",
        "end_fiscal_year",
        "decided_on",
        "revised_on",
    ]
    list_filter = ["kind"]
    inlines = [BasicPolicyInline, DesignationInline]


class MeasureInline(admin.TabularInline):
    model = Measure
    fields = ["category", "number", "plan_text", "deadline_text", "mark"]
    extra = 0
    show_change_link = True


@admin.register(BasicPolicy)
class BasicPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["policy", "category", "number", "short_plan_text", "deadline_text", "mark"]
    list_filter = ["policy__plan", "category", "mark"]
    search_fields = ["plan_text", "result_text"]
    list_select_related = ["policy__plan"]

    @admin.display(description="計画")
    def short_plan_text(self, measure):
        return measure.plan_text[:60]


@admin.register(ReportedResult)
class ReportedResultAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "scope", "area", "fiscal_year", "items_achieved", "items_total", "printed_rate"]
    list_filter = ["plan", "scope"]
    list_select_related = ["plan"]


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "region", "source"]
    list_filter = ["programme"]
    list_select_related = ["programme", "region"]
