from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("知財KPIポータル")
admin.site.site_title = _("知財KPIポータル")
admin.site.index_title = _("地域知財活性化行動計画の管理")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reports:current", permanent=False), name="home"),
    # Not one transaction: the password's hashing (slow by design) must not hold SQLite's write lock
    # while other log-ins wait; its writes (session, last log-in, log-in attempts) are short, each its own.
    path("accounts/login/", transaction.non_atomic_requests(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
]

# The Japanese 500 page with the request's id (chizai_portal/logs.py).
handler500 = "chizai_portal.logs.server_error"
