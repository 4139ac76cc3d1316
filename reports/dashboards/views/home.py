from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_safe

from plans.models import Plan
from reports.dashboards.selectors import current_plan


@login_required
@require_safe
def current_plan_dashboard(request):
    """The dashboard of the plan in force today (after the last plan ends, the last plan)."""
    plan = current_plan(Plan.objects.action_plans(), timezone.localdate())
    return redirect("reports:national", plan.number)
