"""/progress/status/: which region has submitted its half-year report, and how late, per period.

Central staff see every region, a bureau the regions of its block; other roles may not open it.
The same table downloads as CSV or XLSX (`?_export=csv|xlsx`).
"""

import django_tables2 as tables
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from plans.dates import SHORT, japanese_datetime
from plans.models import Plan
from regions import access
from reports.dashboards.programme import report_url_name
from reports.display.exports import export_response, requested_format, sheet_name
from reports.display.tables import MomentColumn, NumberColumn
from reports.models import ProgressReport, ReportingPeriod
from reports.progress import board

NOT_ALLOWED = "提出状況一覧を見られるのは、中央（特許庁・INPIT）と経済産業局等の担当者です。"


class BoardFilterForm(forms.Form):
    """Which periods to show (GET parameters `plan` = plan number, `period` = period id)."""

    plan = forms.TypedChoiceField(label="行動計画", required=False, coerce=int, empty_value=None)
    period = forms.TypedChoiceField(label="報告期間", required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, plans, periods):
        super().__init__(data)
        self.fields["plan"].choices = [("", "すべて")] + [(plan.number, plan.name) for plan in plans]
        self.fields["period"].choices = [("", "すべて")] + [
            (period.pk, board.period_label(period)) for period in periods
        ]

    def chosen(self, name: str):
        self.is_valid()  # a bad value drops out of cleaned_data and is shown next to its field
        return self.cleaned_data.get(name)


@login_required
@require_safe
def status_board(request):
    user = request.user
    if not access.may_see_status_board(user):
        raise PermissionDenied(NOT_ALLOWED)
    today = timezone.localdate()
    plans = list(Plan.objects.only("number", "name"))
    all_periods = list(ReportingPeriod.objects.select_related("plan"))
    filters = BoardFilterForm(request.GET, plans=plans, periods=all_periods)
    plan_number, period_id = filters.chosen("plan"), filters.chosen("period")
    periods = [
        period
        for period in all_periods
        if (plan_number is None or period.plan.number == plan_number)
        and (period_id is None or period.pk == period_id)
    ]
    # oldest first, left to right
    periods.sort(key=lambda period: (period.fiscal_year, period.half, period.plan.number))
    regions = list(access.regions_in_scope(user))
    reports = (
        list(
            ProgressReport.objects.filter(
                period__in=[p.pk for p in periods], region__in=[r.pk for r in regions]
            ).only("period_id", "region_id", "state", "first_submitted_at", "submitted_at")
        )
        if periods and regions
        else []
    )
    expected = board.expected_pairs({period.plan_id for period in periods}) if periods else set()
    rows = board.board_rows(periods, regions, reports, today, expected=expected)
    flagged = board.flagged_counts([p.pk for p in periods], [r.pk for r in regions]) if reports else {}
    file_format = requested_format(request)
    if file_format:
        return export_response(
            board_table(periods, rows, flagged=flagged),
            file_format=file_format,
            filename=f"status_board_{today:%Y%m%d}",
            sheet=sheet_name("status", ""),
        )
    return render(
        request,
        "reports/status_board.html",
        {
            "filters": filters,
            # the exports' table, built only if read: the screen prints screen_rows
            "table": SimpleLazyObject(lambda: board_table(periods, rows, flagged=flagged)),
            "board": screen_rows(periods, rows, flagged=flagged),
            "summaries": board.period_summaries(periods, rows),
            "state_labels": [board.STATE_LABELS[s] for s in board.COUNTED_STATES],
            "today": today,
            "scope_label": scope_label(user, regions),
            "has_periods": bool(all_periods),
        },
    )


def scope_label(user, regions) -> str:
    if access.access_of(user).is_central:
        return "全地域"
    block = regions[0].block if regions else None
    return f"{block.name_ja}ブロック" if block else "担当ブロック"


# --- the table ------------------------------------------------------------------------------------


class BoardTable(tables.Table):
    block = tables.Column(verbose_name="ブロック")
    region = tables.Column(verbose_name="地域")

    class Meta:
        orderable = False
        attrs = {"class": "results status-board"}


class StateColumn(tables.Column):
    """On screen the state links to the report; in exports the state's name alone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def render(self, value, record, bound_column):
        cell = value
        if cell.state == board.NOT_EXPECTED:
            return format_html('<span class="muted">{}</span>', cell.state_label)
        return format_html(
            '<a class="state state-{}" href="{}">{}</a>',
            cell.state,
            report_url(record["region_obj"], cell),
            cell.state_label,
        )

    def value(self, value):
        return value.state_label


class DaysLateColumn(NumberColumn):
    def render(self, value):
        return f"{value}日"


def report_url(region, cell: board.Cell) -> str:
    period = cell.period
    return reverse(
        report_url_name(period),
        kwargs={"region_code": region.code, "fiscal_year": period.fiscal_year, "half": period.half},
    )


class SubmittedColumn(MomentColumn):
    """On screen the first submission, and the latest one when the report was submitted again after a
    return; in exports the first submission as a date cell (the latest has a column of its own)."""

    def render(self, value, record, bound_column):
        text = japanese_datetime(value, SHORT)
        latest = record.get(bound_column.name.replace("submitted_", "resubmitted_"))
        return f"{text}（再提出 {japanese_datetime(latest, SHORT)}）" if latest else text


def submitted_text(cell: board.Cell) -> str:
    """On screen: the first submission, and the latest when the report was submitted again."""
    first = cell.first_submitted_at
    if first is None:
        return ""
    latest = resubmitted_at(cell)
    text = japanese_datetime(first, SHORT)
    return f"{text}（再提出 {japanese_datetime(latest, SHORT)}）" if latest else text


def resubmitted_at(cell: board.Cell):
    """The latest submission when it is not the first (a report submitted again after a return)."""
    first, latest = cell.first_submitted_at, cell.submitted_at
    return latest if first is not None and latest is not None and latest != first else None


# each region's lines flagged by the plausibility rule in the periods shown (reports/progress/checks.py)
FLAGGED_LABEL = "確認が必要な値（件）"


def period_headings(period) -> tuple[str, str, str]:
    """The headings of a period's three columns: state, submission time, days late."""
    label = f"{period.fiscal_year}年度{period.get_half_display()}（{period.plan.short_label}）"
    lock = board.LOCK_LABELS[period.is_locked]
    return (f"{label} 状態［{lock}・期限{period.deadline:%m/%d}］", f"{label} 提出日時", f"{label} 遅延日数")


def board_table(periods, rows: list[board.Row], *, flagged: dict[int, int] | None = None) -> BoardTable:
    """The table as django-tables2 holds it, for the exports (CSV, XLSX)."""
    columns = []
    for index, period in enumerate(periods):
        state, submitted, late = period_headings(period)
        columns += [
            (f"state_{index}", StateColumn(verbose_name=state)),
            (f"submitted_{index}", SubmittedColumn(verbose_name=submitted)),
            # exported only: on screen the submitted cell says it
            (
                f"resubmitted_{index}",
                MomentColumn(verbose_name=f"{submitted.removesuffix('提出日時')}再提出日時", visible=False),
            ),
            (f"late_{index}", DaysLateColumn(verbose_name=late, default=0)),
        ]
    data = []
    for row in rows:
        record = {"block": row.region.block.name_ja, "region": row.region.name_ja, "region_obj": row.region}
        for index, cell in enumerate(row.cells):
            record[f"state_{index}"] = cell
            record[f"submitted_{index}"] = cell.first_submitted_at
            record[f"resubmitted_{index}"] = resubmitted_at(cell)
            record[f"late_{index}"] = cell.days_late if cell.expected else None
        record["flagged"] = (flagged or {}).get(row.region.pk, 0)
        data.append(record)
    columns.append(("flagged", NumberColumn(verbose_name=FLAGGED_LABEL, default=0)))
    return BoardTable(data, extra_columns=columns)


# --- the table on screen --------------------------------------------------------------------------
# Rendered by a plain loop over rows whose cells are written here, once: django-tables2 renders a
# cell at a time (a template context and a reverse() each), most of the page's time with many periods.


def _report_url_pattern(period) -> str:
    """The period's report address with a marker for the region code, so one reverse() serves all
    regions (a region code is digits: the marker never occurs in one)."""
    return reverse(
        report_url_name(period),
        kwargs={"region_code": "REGION", "fiscal_year": period.fiscal_year, "half": period.half},
    )


def _state_html(cell: board.Cell, url: str, labels: dict[str, str]) -> str:
    if cell.state == board.NOT_EXPECTED:
        return f'<span class="muted">{labels[cell.state]}</span>'
    return f'<a class="state state-{cell.state}" href="{url}">{labels[cell.state]}</a>'


def _submitted_html(cell: board.Cell) -> str:
    return escape(submitted_text(cell)) if cell.first_submitted_at else ""


def _days_late_text(cell: board.Cell) -> str:
    # as the table's column shows it: "n日", and the column's default where no report is expected
    return f"{cell.days_late}日" if cell.expected else "0"


def screen_rows(periods, rows: list[board.Row], *, flagged: dict[int, int] | None = None) -> dict:
    """Headings and, per region, its cells as one piece of HTML ready to print (the flagged lines'
    count last, as in the exports): what the template loops over. Each label and address is escaped
    once, not once per cell (a board of many periods has thousands)."""
    patterns = [escape(_report_url_pattern(period)) for period in periods]
    # the states are the board's own words (draft, missing…), their labels escaped once
    labels = {state: escape(label) for state, label in board.STATE_LABELS.items()}
    body = []
    for row in rows:
        code = escape(row.region.code)
        cells = [
            f"<td>{_state_html(cell, pattern.replace('REGION', code), labels)}</td>"
            f'<td>{_submitted_html(cell)}</td><td class="number">{_days_late_text(cell)}</td>'
            for pattern, cell in zip(patterns, row.cells, strict=True)
        ]
        cells.append(f'<td class="number">{(flagged or {}).get(row.region.pk, 0)}</td>')
        body.append(
            {
                "block": row.region.block.name_ja,
                "region": row.region.name_ja,
                "cells": mark_safe("".join(cells)),
            }
        )
    headings = [heading for period in periods for heading in period_headings(period)] + [FLAGGED_LABEL]
    return {"headings": headings, "rows": body}
