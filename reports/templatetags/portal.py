from django import template

from kpis.rules.status import label_of
from plans.dates import japanese_date, japanese_datetime
from reports.display.formatting import display_number, display_percent
from reports.display.judgements import status_html
from reports.display.screen import screen_table as build_screen_table

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
    """A stored status as printed: 〇 △ × 未報告 対象外, or a progress word (順調 遅れ 進行中)."""
    return label_of(status) if status else "—"


@register.filter
def status_cell(cell):
    """A judged status cell (reports/display/judgements.py): its words, and its pace or reason beneath."""
    return status_html(cell)


@register.filter
def jdate(value, style="long"):
    """A day as plans/dates.py writes it: 2026年12月4日（令和8年12月4日）, or `|jdate:"short"` 令和8年12月4日."""
    return japanese_date(value, style)


@register.filter
def jdatetime(value, style="long"):
    """A moment with its time: 2026年12月4日（令和8年12月4日）13:02, or `|jdatetime:"short"` 令和8年12月4日 13:02."""
    return japanese_datetime(value, style)


@register.inclusion_tag("reports/_screen_table.html", takes_context=True)
def screen_table(context, table):
    """`{% screen_table table %}`: a django-tables2 table printed as `{% render_table %}` would print it,
    with every cell rendered once (reports/display/screen.py)."""
    request = context.get("request")
    return {"table": build_screen_table(table, request.GET if request else None)}
