from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("知財KPIポータル")
admin.site.site_title = _("知財KPIポータル")
admin.site.index_title = _("地域知財活性化行動計画の管理")

urlpatterns = [
    # Until the dashboards exist, the first page a user sees is the list of the three plans.
    path("", RedirectView.as_view(pattern_name="admin:plans_plan_changelist", permanent=False)),
    path("admin/", admin.site.urls),
]
