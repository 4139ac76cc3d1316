"""A half-year report's lines written in one pass: `{% progress_field f kind help %}` (one field) and
`{% line_facts line period %}` (what the line is measured on) and `{% line_checks line choices %}`
(実績なし and the plausibility check's cause and note), each as the include it replaced
printed it. A report has some thirty lines of seven fields; an include per field and per line (a
template resolving a dozen variables each) was most of the page's time."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from reports.display.screen import printed
from reports.templatetags.portal import figure_list, jdatetime

register = template.Library()


@register.simple_tag(takes_context=True)
def progress_field(context, f, kind: str, help: str = ""):
    """`kind`: "number" (with the line's measure beside it), "line" or "text"; `help`: the id of the
    help text the field is described by, "" for none."""
    measure = context["line"].indicator.get_measure_display() if kind == "number" else ""
    return field_html(f, kind, help, measure)


def field_html(f, kind: str, help: str = "", measure: str = "") -> str:
    error = f.error
    described = [help] if help else []
    if error:
        described.append(f"{f.id}-error")
    invalid = ' aria-invalid="true"' if error else ""
    if kind == "text":
        attrs = f' aria-invalid="true" aria-describedby="{printed(f.id)}-error"' if error else ""
        control = (
            f'<textarea id="{printed(f.id)}" name="{printed(f.name)}" rows="3" cols="80"{attrs}>'
            f"{printed(f.value)}</textarea>"
        )
    else:
        describe = f' aria-describedby="{printed(" ".join(described))}"' if described else ""
        number = kind == "number"
        inputmode = ' inputmode="decimal"' if number else ""
        control = (
            f'<input type="text"{inputmode} id="{printed(f.id)}" '
            f'name="{printed(f.name)}" value="{printed(f.value)}" size="{16 if number else 60}" '
            f'autocomplete="off"{describe}{invalid}>'
        )
        if number:
            control += f'\n  <span class="muted">{printed(measure)}</span>'
    problem = f'<p class="error" id="{printed(f.id)}-error">{printed(error)}</p>' if error else ""
    sent = ""
    if f.sent is not None:
        sent = (
            f'<p class="sent">{printed(gettext("送信した内容（保存されていません）"))}：'
            f"{linebreaksbr(f.sent or '（空欄）', autoescape=True)}</p>"
        )
    return mark_safe(
        f'<div class="field{" has-error" if error else ""}">\n'
        f'  <label for="{printed(f.id)}">{printed(f.label)}</label>\n'
        f"  \n  {control}\n  \n"
        f'  <div class="print-only">{printed(f.value or "—")}</div>\n'
        f"  {problem}\n"
        f"  {sent}\n"
        "</div>\n"
    )


@register.simple_tag
def line_facts(line, period):
    """`{% line_facts line period %}`: a report line's KPI text and what it is measured on (its
    targets, pace, running total, published and earlier figures, who entered it), as the include it
    replaced printed it."""
    facts, half = line.facts, printed(period.get_half_display())
    parts = [
        f'<p class="kpi-text">{printed(line.kpi.text)}</p>\n<dl class="line-facts">\n',
        f"  <dt>{printed(gettext('目標'))}（{half}）</dt>\n",
        f"  <dd>{_with_basis(facts.half)}</dd>\n",
        f"  <dt>{printed(gettext('目標'))}（{printed(period.fiscal_year)}年度）</dt>\n",
        f"  <dd>{_with_basis(facts.year)}</dd>\n  ",
    ]
    if facts.pace:
        parts.append(f"<dt>{half}{printed(gettext('の目安'))}</dt><dd>{printed(facts.pace)}</dd>")
    parts.append(f"\n  {_running(facts.running)}\n  ")
    if facts.published:
        published = facts.published
        source = f' <span class="muted">（{printed(published.source)}）</span>' if published.source else ""
        parts.append(
            f"<dt>{half}{printed(gettext('の公表中の実績'))}</dt>\n"
            f"  <dd>{printed(published.value)}{source}</dd>"
        )
    parts.append(
        f"\n  <dt>{printed(gettext('これまでの実績'))}</dt>\n"
        f"  <dd>{printed(figure_list(facts.earlier))}</dd>\n  "
    )
    if line.entered_by:
        badge = f'<span class="badge">{printed(gettext("代理入力"))}</span> ' if line.entry.on_behalf else ""
        parts.append(
            f"<dt>{printed(gettext('入力者'))}</dt>\n"
            f"  <dd>{badge}{printed(line.entered_by)}（{printed(jdatetime(line.entry.updated_at))}）</dd>"
        )
    parts.append("\n</dl>\n")
    return mark_safe("".join(parts))


def _with_basis(target) -> str:
    basis = f' <span class="muted">（{printed(target.basis)}）</span>' if target.basis else ""
    return f"{printed(target.text)}{basis}"


def _running(running) -> str:
    if not running:
        return ""
    if running.through:
        so_far = f"{printed(running.through)}の累計 {printed(running.total)}"
    else:
        so_far = printed(gettext("これまでの累計 0（まだ報告がありません）"))
    with_report = (
        f'<br><span class="muted">{printed(running.with_report)}</span>' if running.with_report else ""
    )
    return (
        f"\n  <dt>{printed(gettext('累計の実績'))}</dt>\n"
        f"  <dd>{so_far}／{printed(running.goal)}{printed(gettext('まで残り'))} {printed(running.remaining)}"
        f"{with_report}</dd>\n  "
    )


@register.simple_tag
def line_checks(line, cause_choices):
    """`{% line_checks line cause_choices %}`: the line's 実績なし box with its reason, and, where the
    value is implausible or was explained, the cause chosen and its note."""
    checks = line.checks
    no_result, reason = checks["no_result"], checks["no_result_reason"]
    cause, note = checks["check_cause"], checks["check_note"]
    parts = [
        f'<div class="field no-result{" has-error" if reason.error else ""}">\n'
        f'  <input type="checkbox" id="{printed(no_result.id)}" name="{printed(no_result.name)}" value="1"'
        f"{' checked' if no_result.value else ''}>\n"
        f'  <label for="{printed(no_result.id)}">'
        f"{printed(gettext('実績なし（この半期の実績がない・集計できない）'))}</label>\n</div>\n",
        field_html(reason, "line"),
        "\n",
    ]
    if line.warnings or cause.value or note.value or cause.error or note.error:
        parts.append(_plausibility(line, cause, note, cause_choices))
    parts.append("\n")
    return mark_safe("".join(parts))


def _plausibility(line, cause, note, cause_choices) -> str:
    warnings = ""
    if line.warnings:
        items = "".join(f"<li>{printed(warning.message)}</li>" for warning in line.warnings)
        advice = gettext(
            "誤りでなければ、このまま提出できます。提出するには要因を選び、説明を1行で入力してください。"
        )
        warnings = f"<ul>{items}</ul>\n  <p>{printed(advice)}</p>"
    described = f' aria-invalid="true" aria-describedby="{printed(cause.id)}-error"' if cause.error else ""
    options = "".join(
        f'<option value="{printed(code)}"{" selected" if cause.value == code else ""}>{printed(label)}</option>'
        for code, label in cause_choices
    )
    problem = (
        f'<p class="error" id="{printed(cause.id)}-error">{printed(cause.error)}</p>' if cause.error else ""
    )
    return (
        f'\n<div class="plausibility" role="group" aria-labelledby="{printed(cause.id)}-heading">\n'
        f'  <p id="{printed(cause.id)}-heading"><strong>{printed(gettext("確認が必要な値"))}</strong></p>\n'
        f"  {warnings}\n"
        f'  <div class="field{" has-error" if cause.error else ""}">\n'
        f'    <label for="{printed(cause.id)}">{printed(cause.label)}</label>\n'
        f'    <select id="{printed(cause.id)}" name="{printed(cause.name)}"{described}>\n'
        f'      <option value="">{printed(gettext("（選んでください）"))}</option>\n'
        f"      {options}\n"
        "    </select>\n"
        f"    {problem}\n"
        "  </div>\n"
        f"  {field_html(note, 'line')}\n"
        "</div>\n"
    )
