from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from two_factor import views as two_factor

from chizai_portal.second_factor import PortalLoginView
from reports.home import views as home

admin.site.site_header = _("知財KPIポータル")
admin.site.site_title = _("知財KPIポータル")
admin.site.index_title = _("地域知財活性化行動計画の管理")

# django-two-factor-auth's pages the portal uses: enrolment with an authenticator app (QR code), backup
# codes, the user's own settings and turning the device off (to enrol a new phone). No telephone or
# e-mail methods.
two_factor_pages = [
    path("setup/", two_factor.SetupView.as_view(), name="setup"),
    path("setup/qrcode/", two_factor.QRGeneratorView.as_view(), name="qr"),
    path("setup/complete/", two_factor.SetupCompleteView.as_view(), name="setup_complete"),
    path("backup-codes/", two_factor.BackupTokensView.as_view(), name="backup_tokens"),
    path("", two_factor.ProfileView.as_view(), name="profile"),
    path("disable/", two_factor.DisableView.as_view(), name="disable"),
]

urlpatterns = [
    path("", home.home, name="home"),
    # a signed-in page with only the base template (the benchmarks' floor)
    path("health/", home.health, name="health"),
    # The password, then the second factor for those who have one (chizai_portal/second_factor.py).
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include((two_factor_pages, "two_factor"))),
    path("admin/", admin.site.urls),
    # the accessibility statement (docs/accessibility.md), readable without logging in, as a public
    # body publishes it
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path("", include("reports.urls")),
]

# The Japanese 500 page with the request's id (chizai_portal/logs.py).
handler500 = "chizai_portal.logs.server_error"
