"""Liaison meetings' decision items where the owners work: a region's open items on its half-year report
page, the overdue items on the home page and the review queue.

A tag rather than the pages' views, so that the report pages (reports/progress, a layer below the
meetings) stay unaware of meetings: the report template holds one line.
"""

from django import template
from django.utils import timezone

from reports.meetings import decisions, rules
from reports.models import DecisionItem

register = template.Library()


@register.inclusion_tag("reports/_decision_items.html", takes_context=True)
def region_decision_items(context, region):
    """The region's open items, each with an answer form for those who may answer it."""
    request = context["request"]
    today = timezone.localdate()
    items = decisions.open_items_of_region(region.pk)
    return {
        "rows": [
            {
                "item": item,
                "overdue": rules.is_overdue(item, today),
                "may_answer": rules.may_answer_item(request.user, item),
            }
            for item in items
        ],
        "states": DecisionItem.State.choices,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reports/_overdue_items.html", takes_context=True)
def overdue_decision_items(context):
    """The items past their due date and not done that the user follows (nothing for the others)."""
    request = context["request"]
    return {"items": decisions.overdue_items(request.user, timezone.localdate())}
