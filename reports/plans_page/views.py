"""/plans/ and /plans/<number>/: every plan, and one plan as its documents print it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from plans.fiscal import fiscal_year_label
from plans.models import Plan
from reports.plans_page.reading import plan_page


@login_required
@require_safe
def plans(request):
    listed = [
        {
            "plan": plan,
            "start": fiscal_year_label(plan.start_fiscal_year),
            "end": fiscal_year_label(plan.end_fiscal_year),
        }
        for plan in Plan.objects.order_by("kind", "number")
    ]
    return render(request, "reports/plans.html", {"plans": listed})


@login_required
@require_safe
def plan(request, plan_number: int):
    found = get_object_or_404(Plan, number=plan_number)
    return render(request, "reports/plan.html", {"page": plan_page(found, as_of=timezone.localdate())})
