"""/: a home page for each role, with the work waiting for it; a viewer goes to the current plan's
dashboard (what a viewer comes for)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from regions import access
from reports.home.reading import bureau_home, central_home, officer_home


@login_required
@require_safe
def home(request):
    role = access.access_of(request.user)
    today = timezone.localdate()
    if role.is_central:
        context = central_home(request.user, today)
    elif role.is_bureau:
        context = bureau_home(request.user, role.block_id, today)
    elif role.is_officer:
        context = officer_home(request.user, role.region_id, today)
    else:
        return redirect("reports:current")
    return render(request, "reports/home.html", context | {"today": today})


@login_required
@require_safe
def health(request):
    """A signed-in page with nothing but the base template: what any page costs at least (the
    benchmark's floor), and a check that the portal answers for a signed-in user."""
    return render(request, "reports/health.html")
