"""`{% progress_field f kind help %}`: one field of a half-year report's line, as
the include it replaced printed it. A report has some thirty lines of seven fields;
an include per field (a template resolving a dozen variables each) was a third of the page's time."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def progress_field(context, f, kind: str, help: str = ""):
    """`kind`: "number" (with the line's measure beside it), "line" or "text"; `help`: the id of the
    help text the field is described by, "" for none."""
    error = f.error
    described = [help] if help else []
    if error:
        described.append(f"{f.id}-error")
    invalid = ' aria-invalid="true"' if error else ""
    if kind == "text":
        attrs = f' aria-invalid="true" aria-describedby="{escape(f.id)}-error"' if error else ""
        control = (
            f'<textarea id="{escape(f.id)}" name="{escape(f.name)}" rows="3" cols="80"{attrs}>'
            f"{escape(f.value)}</textarea>"
        )
    else:
        describe = f' aria-describedby="{escape(" ".join(described))}"' if described else ""
        number = kind == "number"
        inputmode = ' inputmode="decimal"' if number else ""
        control = (
            f'<input type="text"{inputmode} id="{escape(f.id)}" '
            f'name="{escape(f.name)}" value="{escape(f.value)}" size="{16 if number else 60}" '
            f'autocomplete="off"{describe}{invalid}>'
        )
        if number:
            measure = context["line"].indicator.get_measure_display()
            control += f'\n  <span class="muted">{escape(measure)}</span>'
    problem = f'<p class="error" id="{escape(f.id)}-error">{escape(error)}</p>' if error else ""
    sent = ""
    if f.sent is not None:
        sent = (
            f'<p class="sent">{escape(gettext("送信した内容（保存されていません）"))}：'
            f"{linebreaksbr(f.sent or '（空欄）', autoescape=True)}</p>"
        )
    return mark_safe(
        f'<div class="field{" has-error" if error else ""}">\n'
        f'  <label for="{escape(f.id)}">{escape(f.label)}</label>\n'
        f"  \n  {control}\n  \n"
        f'  <div class="print-only">{escape(f.value or "—")}</div>\n'
        f"  {problem}\n"
        f"  {sent}\n"
        "</div>\n"
    )
