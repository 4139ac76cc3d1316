"""Two-factor log-in: a password, then a six-digit code from an authenticator app (TOTP), or one of
ten single-use backup codes when the phone is lost.

The devices and codes are django-otp's; the log-in, enrolment and backup-code pages are
django-two-factor-auth's, with Japanese templates of the portal's own (templates/two_factor/). What
is the portal's:
- who must use a second factor (`regions.access.needs_second_factor`): administrators, central staff
  and bureau staff whenever DEBUG is off, officers too with TWO_FACTOR_FOR_OFFICERS; such a user who
  has signed in with the password alone reaches nothing but the enrolment pages;
- the log-in page takes the same plain fields as before (`username`, `password`) for its first step;
- django-axes counts a wrong code like a wrong password, per user name and client address, and a
  locked-out user cannot try codes either.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django_otp import user_has_device
from two_factor.views import LoginView

from chizai_portal.login_security import locked_out
from regions import access

# What a signed-in user who still needs a second factor may open: enrolling, and leaving.
ENROLMENT_URL_NAMES = frozenset(
    {"login", "logout", "two_factor:setup", "two_factor:qr", "two_factor:setup_complete"}
)


# Not one transaction: the password's hashing (slow by design) must not hold SQLite's write lock while
# other log-ins wait; its writes (session, last log-in, log-in attempts) are short, each its own.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PortalLoginView(LoginView):
    """django-two-factor-auth's log-in: the password step, then the code or a backup code for users
    with a device. A code step's failure is a log-in failure for django-axes."""

    CODE_STEPS = (LoginView.TOKEN_STEP, LoginView.BACKUP_STEP)

    def get_form_prefix(self, step=None, form=None):
        # the password step keeps the fields every log-in form of the portal has sent: username, password
        return None if step == self.AUTH_STEP else super().get_form_prefix(step, form)

    def post(self, *args, **kwargs):
        step_field = f"{self.get_prefix(self.request, *args, **kwargs)}-current_step"
        if step_field not in self.request.POST:
            # a plain user name and password (a bookmark, a script): the first step
            self.request.POST = self.request.POST.copy()
            self.request.POST[step_field] = self.AUTH_STEP
        if self.steps.current in self.CODE_STEPS and not self._may_try_a_code():
            self.storage.reset()
            return locked_out(self.request)
        return super().post(*args, **kwargs)

    def render(self, form=None, **kwargs):
        if self._a_code_was_refused(form):
            user_login_failed.send(sender=type(self), credentials=self._credentials(), request=self.request)
            if not self._may_try_a_code():
                self.storage.reset()
                return locked_out(self.request)
        return super().render(form, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        return context

    def _a_code_was_refused(self, form) -> bool:
        return (
            self.request.method == "POST"
            and self.steps.current in self.CODE_STEPS
            and form is not None
            and form.is_bound
            and not form.is_valid()
        )

    def _credentials(self) -> dict:
        user = self.get_user()
        return {"username": user.get_username() if user else ""}

    def _may_try_a_code(self) -> bool:
        return AxesProxyHandler.is_allowed(self.request, self._credentials())


class SecondFactorRequiredMiddleware:
    """A user whose role needs a second factor and who has not given one reaches only the enrolment
    pages. Someone with an enrolled device who got in with the password alone (the admin's own log-in
    page) is signed out and sent to the portal's log-in, which asks for the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or not access.needs_second_factor(user):
            return None
        if request.resolver_match.view_name in ENROLMENT_URL_NAMES:
            return None
        if user_has_device(user, confirmed=True):
            logout(request)
            return redirect(f"{reverse('login')}?next={request.path}")
        return redirect("two_factor:setup")
