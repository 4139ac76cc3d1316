import html
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


# A report's page lists every earlier figure of each line and every change of its lines: hundreds of
# items, written here in one pass (a template loop resolves each variable and filter of every item).


def text(value) -> str:
    """As `{{ value }}` prints a string: escaped unless marked safe (Django's escape without its
    lazy-text check, which costs more than the escaping here)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


@register.filter
def figure_list(figures):
    """A line's earlier figures (reports/progress/line_facts.py FigureFact): 2021年度（令和3年度）
    上期：2回 （出典）／…, or なし."""
    if not figures:
        return gettext("なし")
    return mark_safe("／".join(figure_item(f) for f in figures))


def figure_item(figure) -> str:
    source = f' <span class="muted">（{text(figure.source)}）</span>' if figure.source else ""
    return f"{text(figure.when)}：{text(figure.value)}{source}"


@register.filter
def change_rows(changes):
    """The rows of a history's changes (reports/audit.py Change), as its table prints them."""
    moments = {}  # a save changes many fields at one moment: each moment written once
    rows = []
    for change in changes:
        if change.at not in moments:
            moments[change.at] = text(japanese_datetime(change.at, "short"))
        rows.append(f"\n      {change_row(change, moments[change.at])}\n    ")
    return mark_safe("".join(rows))


def change_row(change, moment: str) -> str:
    cells = (
        moment,
        text(change.what),
        lines(change.old or "（空欄）"),
        lines(change.new or "（空欄）"),
        text(change.by or "—"),
    )
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def lines(value) -> str:
    """As `|linebreaksbr` prints it; most values are one line."""
    return linebreaksbr(value) if "\n" in value or "\r" in value else text(value)


@register.filter
def chart_rows(points):
    """The rows of the table beside a region's chart (reports/dashboards/rows.py chart_points): the
    indicator with what its target is, its unit, its target and its actual, as the loop printed them."""
    return mark_safe("".join(f"\n      {chart_row(point)}\n    " for point in points))


def chart_row(point: dict) -> str:
    basis = point["target_label"]
    basis = f'<br><span class="muted">{text(basis)}</span>' if basis else ""
    return (
        f'<tr><th scope="row">{text(point["label"])}{basis}</th>\n'
        f"          <td>{text(point['unit'])}</td>\n"
        f'          <td class="number">{text(display_number(point["target"]))}</td>\n'
        f'          <td class="number">{text(display_number(point["actual"]))}</td></tr>'
    )


# What Django's json_script replaces in the JSON, by str.replace: its str.translate with six-character
# replacements walks the text a character at a time (a third of a block page's charts' time).
JSON_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


@register.filter
def chart_json(value, element_id):
    """`{{ figure|chart_json:id }}`: the same <script type="application/json"> as `|json_script:id`."""
    text_ = json.dumps(value, cls=DjangoJSONEncoder)
    for character, escaped in JSON_SCRIPT_ESCAPES:
        text_ = text_.replace(character, escaped)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text_))
