from django.urls import path

from reports.views import block, compare, home, indicator, national

app_name = "reports"

urlpatterns = [
    path("dashboard/", home.current_plan_dashboard, name="current"),
    path("dashboard/compare/", compare.compare, name="compare"),
    path("dashboard/<int:plan_number>/", national.national, name="national"),
    path("dashboard/<int:plan_number>/blocks/<slug:block_code>/", block.block, name="block"),
    path("dashboard/<int:plan_number>/regions/<str:region_code>/", block.region, name="region"),
    path("kpis/<int:indicator_id>/", indicator.indicator, name="indicator"),
]
