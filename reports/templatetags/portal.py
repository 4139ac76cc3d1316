from django import template

from kpis.achievement import Status
from reports.display.formatting import display_number, display_percent

register = template.Library()


@register.filter
def number(value):
    """6853 → 6,853; None → —"""
    return display_number(value)


@register.filter
def percent(rate, places=0):
    return display_percent(rate, int(places))


@register.filter
def mark(status):
    """A Status (or its value) as the documents print it: ○ △ × 未報告 対象外."""
    return Status(status).label if status else "—"
