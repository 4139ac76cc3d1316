"""What the indicator page (/kpis/<id>/) shows besides its history: the year table, the targets, the
chart of the years, and the series across plans when the indicator continues another plan's.

Each year is what the one rule (kpis/rules/judgement.py) shows for it: 〇△× with the rate once the
target's period is complete, the progress word and its pace before that (docs/judgement.md)."""

import django_tables2 as tables
from django.urls import reverse

from kpis.figures import target_of
from kpis.rules.inputs import BASELINE, CUM, CUMULATIVE, CY
from kpis.rules.pace import PaceKind
from kpis.rules.targets import gap_closed
from plans.fiscal import H1, H2, HALF_LABELS, fiscal_year_label
from reports.dashboards.selectors import is_calendar_year
from reports.display import charts
from reports.display.judgements import judged_values, pace_value_shown, pace_value_text
from reports.display.labels import (
    amount,
    indicator_title,
    last_actual_label,
    plan_label,
    short_year_label,
    target_label,
    year_label,
)
from reports.display.tables import NumberColumn, PercentColumn, judged_columns


class YearTable(tables.Table):
    class Meta:
        orderable = False
        attrs = {"class": "results indicator-years"}


def year_table(indicator, rows: list[dict], calendar: bool) -> tables.Table:
    per = "年" if calendar else "年度"
    columns = [
        ("period", tables.Column(verbose_name=per)),
        ("target", NumberColumn(verbose_name="目標")),
        (H1, NumberColumn(verbose_name=f"{HALF_LABELS[H1]} 実績")),
        (H2, NumberColumn(verbose_name=f"{HALF_LABELS[H2]} 実績")),
        ("year_value", NumberColumn(verbose_name=f"{per} 実績")),
    ]
    if indicator.target_shape == CUMULATIVE:
        columns += [
            ("cumulative", NumberColumn(verbose_name="累計 実績")),
            ("to_date", NumberColumn(verbose_name="累計（年度末まで）")),
        ]
    # the rule's note goes to 備考: 注記 is the figures' own notes
    columns += judged_columns(with_note=False)
    if indicator.target_shape == BASELINE:
        columns += [
            ("baseline", NumberColumn(verbose_name="基準値")),
            ("gap_closed", PercentColumn(verbose_name="基準値から目標までの進捗")),
        ]
    columns += [
        ("remark", tables.Column(verbose_name="備考", default="")),
        ("source", tables.Column(verbose_name="出典", default="")),
        ("note", tables.Column(verbose_name="注記", default="")),
    ]
    return YearTable(rows, extra_columns=columns)


def year_row(indicator, row, calendar: bool) -> dict:
    result = row.result if row.in_plan else None
    judged = row.judged
    values = judged_values(result, indicator.unit)
    del values["note"]  # said in 備考
    return {
        "period": year_label(row.year, calendar),
        "target": result.target_value if result else None,
        "h1": judged.h1,
        "h2": judged.h2,
        "year_value": judged.year_value,
        "cumulative": row.cumulative_value,
        "to_date": result.actual_value if result else None,
        **values,
        "baseline": result.target.baseline_value if result and result.target else None,
        "gap_closed": gap_closed(result.actual_value, result.target) if result and result.target else None,
        "remark": "／".join(remarks(indicator, row, calendar)),
        "source": "、".join(row.sources),
        "note": "／".join(row.notes),
    }


def remarks(indicator, row, calendar: bool) -> list[str]:
    plan = indicator.kpi.plan
    notes = []
    if row.year < plan.start_fiscal_year:
        notes.append("計画期間前（判定の対象外）")
    elif row.year > plan.end_fiscal_year:
        notes.append("計画期間後（判定の対象外）")
    for target in indicator.targets.all():
        if target.baseline_year == row.year and target.baseline_value is not None:
            note = f"基準年（基準値 {amount(target.baseline_value, indicator.unit)}）"
            if note not in notes:  # a goal kept at a revision repeats its baseline
                notes.append(note)
    if not row.in_plan:
        return notes
    result = row.result
    used = result.target
    if result.rate is not None and used is not None and used.period != CUM and used.year != row.year:
        # a rate along the way, as 000's case studies print it, is no judgement: said apart from 状況
        notes.append(f"{short_year_label(used.year, used.period == CY)}の目標に対する率 {result.rate_text}")
    if result.note and result.note not in notes:
        notes.append(result.note)
    return notes


class TargetTable(tables.Table):
    label = tables.Column(verbose_name="目標")
    period = tables.Column(verbose_name="期間の種類")
    year = tables.Column(verbose_name="年度（年）")
    start_year = tables.Column(verbose_name="累計の開始年度", default="—")
    value = NumberColumn(verbose_name="目標値")
    unit = tables.Column(verbose_name="単位")
    minimum = tables.Column(verbose_name="以上", default="")
    baseline_value = NumberColumn(verbose_name="基準値")
    baseline_year = tables.Column(verbose_name="基準年度（年）", default="—")
    due_date = tables.Column(verbose_name="期限", default="")
    note = tables.Column(verbose_name="注記", default="")
    source = tables.Column(verbose_name="出典", default="")

    class Meta:
        orderable = False
        attrs = {"class": "results"}


def target_row(target, unit: str) -> dict:
    return {
        "label": target_label(target, unit),
        "period": target.get_period_display(),
        "year": target.year,
        "start_year": target.start_year,
        "value": target.value,
        "unit": unit,
        "minimum": "以上" if target.is_minimum else "",
        "baseline_value": target.baseline_value,
        "baseline_year": target.baseline_year,
        "due_date": target.due_date.isoformat() if target.due_date else "",
        "note": target.note,
        "source": target.source,
    }


def year_chart(indicator, rows, calendar: bool) -> dict:
    """The years' targets and actuals (every actual, with a target bar where one applies); a
    cumulative goal with its total to date and the share of the span due by then (計画期間の按分)."""
    cumulative = indicator.target_shape == CUMULATIVE
    points = []
    for row in rows:
        pace = row.result.pace if row.in_plan else None
        expected = pace.value if pace is not None and pace.kind is PaceKind.PLAN_SHARE else None
        points.append(
            {
                "year": row.year,
                "label": short_year_label(row.year, calendar),
                "target": row.result.target_value if row.in_plan else None,
                "actual": row.chart_actual,
                "expected": pace_value_shown(expected, indicator.measure),
                "expected_text": pace_value_text(expected, indicator.measure),
            }
        )
    title = indicator_title(indicator)
    figure = (
        charts.cumulative_chart(title, indicator.unit, points)
        if cumulative
        else charts.target_actual_chart(title, indicator.unit, points)
    )
    return {
        "id": f"chart-indicator-{indicator.pk}",
        "title": title,
        "figure": figure,
        "points": points,
        "unit": indicator.unit,
        "cumulative": cumulative,
    }


class SeriesTable(tables.Table):
    plan = tables.Column(verbose_name="計画")
    indicator = tables.Column(verbose_name="指標", linkify=lambda record: record["url"])
    period = tables.Column(verbose_name="年度（年）")
    target = NumberColumn(verbose_name="目標")
    actual = NumberColumn(verbose_name="実績")
    unit = tables.Column(verbose_name="単位")

    class Meta:
        orderable = False
        attrs = {"class": "results"}


def series_points(series) -> list[dict]:
    points = []
    for part in series:
        calendar = is_calendar_year(part.indicator)
        for row in part.rows:
            points.append(
                {
                    "year": row.year,
                    "label": short_year_label(row.year, calendar),
                    "plan": plan_label(part.indicator.kpi.plan),
                    "indicator": indicator_title(part.indicator),
                    "url": reverse("reports:indicator", args=[part.indicator.pk]),
                    "target": row.result.target_value if row.in_plan else None,
                    "actual": row.chart_actual,
                    "unit": part.indicator.unit,
                }
            )
    return points


def series_rows(series) -> list[dict]:
    return [
        {
            "plan": p["plan"],
            "indicator": p["indicator"],
            "url": p["url"],
            "period": p["label"],
            "target": p["target"],
            "actual": p["actual"],
            "unit": p["unit"],
        }
        for p in series_points(series)
    ]


def series_chart(indicator, series) -> dict:
    points = series_points(series)
    title = f"{indicator_title(indicator)}（前後の計画を通した推移）"
    return {
        "id": f"chart-series-{indicator.pk}",
        "title": title,
        "figure": charts.plan_series_chart(title, indicator.unit, points),
        "points": points,
        "unit": indicator.unit,
    }


def candidate_view(candidate) -> dict:
    last = candidate.predecessor
    return {
        "predecessor": last.indicator,
        "predecessor_title": indicator_title(last.indicator),
        "predecessor_plan": plan_label(last.indicator.kpi.plan),
        "value": amount(last.value, last.indicator.unit),
        "when": last_actual_label(last),
        "successor": candidate.successor,
        "successor_title": indicator_title(candidate.successor),
        "successor_plan": plan_label(candidate.successor.kpi.plan),
    }


def years_in_force(indicator) -> list[dict]:
    """The target each year of the plan is judged against now (from the prefetched targets)."""
    rows = []
    for year in indicator.kpi.plan.fiscal_years:
        target = target_of(indicator, year)
        if target is None:
            used = "目標なし"
        elif target.period == CUM:
            used = f"{target.start_year or ''}〜{target.year}年度累計"
        else:
            used = short_year_label(target.year, target.period == CY) + "の目標"
        rows.append(
            {
                "year": fiscal_year_label(year),
                "value": amount(target.value, indicator.unit) if target else "—",
                "used": used,
            }
        )
    return rows
