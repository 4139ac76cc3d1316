from django.urls import path, register_converter

from reports.case_studies import views as case_studies
from reports.central import views as central
from reports.converters import EntryPeriodConverter, HalfConverter
from reports.dashboards.views import block, compare, home, indicator, national, programme, revisions
from reports.meetings import item_views as meeting_items
from reports.meetings import views as meetings
from reports.plans_page import views as plans_page
from reports.progress.views import board, periods
from reports.progress.views import report as progress

register_converter(HalfConverter, "half")
register_converter(EntryPeriodConverter, "entry_period")

app_name = "reports"

REPORT = "progress/<str:region_code>/<int:fiscal_year>/<half:half>/"
# A programme's half-years are also the action plan's: its reports live under an address of their own.
PROGRAMME_REPORT = REPORT + "programme/"

urlpatterns = [
    # dashboards (approved figures; 速報 adds submitted ones for those who may see them)
    path("dashboard/", home.current_plan_dashboard, name="current"),
    path("dashboard/compare/", compare.compare, name="compare"),
    path("dashboard/<int:plan_number>/", national.national, name="national"),
    path("dashboard/<int:plan_number>/blocks/<slug:block_code>/", block.block, name="block"),
    path(
        "dashboard/<int:plan_number>/blocks/<slug:block_code>/revisions/",
        revisions.block_revisions,
        name="block_revisions",
    ),
    path("dashboard/<int:plan_number>/regions/<str:region_code>/", block.region, name="region"),
    path("kpis/<int:indicator_id>/", indicator.indicator, name="indicator"),
    # the plans as their documents print them: basic policies, measures, KPIs, reported totals
    path("plans/", plans_page.plans, name="plans"),
    path("plans/<int:plan_number>/", plans_page.plan, name="plan"),
    path("kpis/<int:indicator_id>/revise/", revisions.revise, name="revise"),
    # half-year progress reports
    path("progress/", progress.index, name="progress_index"),
    path("progress/periods/", periods.periods, name="periods"),
    path("progress/periods/<int:period_id>/lock/", periods.lock, name="period_lock"),
    path("progress/periods/<int:period_id>/deadline/", periods.deadline, name="period_deadline"),
    path("progress/status/", board.status_board, name="status_board"),
    path(REPORT, progress.report, name="progress_report"),
    path(REPORT + "review/", progress.review, name="progress_review"),
    path(REPORT + "reopen/", progress.reopen, name="progress_reopen"),
    path(PROGRAMME_REPORT, progress.report, {"programme": True}, name="programme_report"),
    path(PROGRAMME_REPORT + "review/", progress.review, {"programme": True}, name="programme_review"),
    path(PROGRAMME_REPORT + "reopen/", progress.reopen, {"programme": True}, name="programme_reopen"),
    # the model-region programme (知財経営支援モデル地域創出事業), its own section
    path("programme/", programme.index, name="programmes"),
    path("programme/<int:plan_number>/", programme.programme, name="programme"),
    # central KPIs' actuals, entered by central staff
    path("central/", central.index, name="central_index"),
    path(
        "central/<int:plan_number>/<int:fiscal_year>/<entry_period:period>/",
        central.entry,
        name="central_entry",
    ),
    # case studies (成果事例): the library, one case study, drafting and publishing
    path("case-studies/", case_studies.library, name="case_studies"),
    path("case-studies/new/", case_studies.new, name="case_study_new"),
    path("case-studies/<int:pk>/", case_studies.case_study, name="case_study"),
    path("case-studies/<int:pk>/edit/", case_studies.edit, name="case_study_edit"),
    path("case-studies/<int:pk>/publish/", case_studies.publish, name="case_study_publish"),
    # regional liaison meetings (地域連絡会議) and their packs
    path("meetings/", meetings.index, name="meetings"),
    path("meetings/new/", meetings.new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.edit, name="meeting_edit"),
    path("meetings/<int:pk>/pack/", meetings.pack, name="meeting_pack"),
    path("meetings/<int:pk>/pack.xlsx", meetings.pack_workbook_download, name="meeting_pack_xlsx"),
    # a meeting's decision items (決定事項・宿題), answered by their owners
    path("meetings/<int:pk>/items/new/", meeting_items.item_new, name="meeting_item_new"),
    path("meetings/items/<int:pk>/edit/", meeting_items.item_edit, name="meeting_item_edit"),
    path("meetings/items/<int:pk>/answer/", meeting_items.item_answer, name="meeting_item_answer"),
]
