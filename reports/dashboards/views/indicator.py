"""/kpis/<id>/: one indicator over every year and half of its plan, and across plans when it continues one."""

from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.db.models import DecimalField, F, TextField, Window
from django.db.models.functions import Lag
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from kpis.achievement import BASELINE, CUM, CUMULATIVE, CY, H1, H2, MILESTONE, NO_TARGET, PER_YEAR
from kpis.models import Actual, Indicator, Kpi, Revision, Target
from plans.fiscal import calendar_year_label, fiscal_year_label
from plans.loading import LOADED_REASON
from reports.dashboards.comparison import (
    baseline_candidates,
    chain_of,
    cross_plan_series,
    indicator_years,
    indicators_for_page,
    is_calendar_year,
    linked_indicators,
    year_rows,
)
from reports.dashboards.pages import cached_dashboard, export_if_asked, render_dashboard
from reports.dashboards.views.national import indicator_title
from reports.display import charts
from reports.display.formatting import display_number
from reports.display.tables import NumberColumn, PercentColumn, StatusColumn

ON_TRACK = {True: "順調", False: "遅れ"}
HALF_LABELS = {H1: "上期", H2: "下期"}


@login_required
@require_safe
def indicator(request, indicator_id: int):
    get_object_or_404(Indicator.objects.only("pk"), pk=indicator_id)  # 404 before the cache
    cached = cached_dashboard(request)
    if cached:
        return cached
    indicator = get_object_or_404(indicators_for_page(), pk=indicator_id)
    today = timezone.localdate()
    calendar = is_calendar_year(indicator)
    rows = year_rows(indicator, indicator_years(indicator), as_of=today)
    linked = linked_indicators()
    chain = chain_of(indicator, linked)
    series = cross_plan_series(chain, as_of=today) if chain else []

    tables_ = {
        "years": year_table(indicator, [year_row(indicator, row, calendar) for row in rows], calendar),
        "targets": TargetTable([target_row(t, indicator.unit) for t in indicator.targets.all()]),
    }
    if series:
        tables_["series"] = SeriesTable(series_rows(series))
    revisions = kpi_revisions(indicator.kpi)
    tables_["revisions"] = RevisionTable([revision_row(r) for r in revisions], exclude=("region", "kpi"))
    exported = export_if_asked(request, tables_, f"indicator_{indicator.pk}")
    if exported:
        return exported
    return render_dashboard(
        request,
        "reports/indicator.html",
        {
            "indicator": indicator,
            "kpi": indicator.kpi,
            "plan": indicator.kpi.plan,
            "title": indicator_title(indicator),
            "target_summary": target_summary(indicator),
            "calendar": calendar,
            "year_table": tables_["years"],
            "target_table": tables_["targets"],
            "series_table": tables_.get("series"),
            "chart": year_chart(indicator, rows, calendar),
            "series_chart": series_chart(indicator, series) if series else None,
            "chain": chain,
            "successors": [i for i in linked if i.predecessor_id == indicator.pk],
            "predecessor": next((i for i in linked if i.pk == indicator.predecessor_id), None),
            "candidates": [candidate_view(c) for c in baseline_candidates(chain)],
            "revision_table": tables_["revisions"] if revisions else None,
            "history": change_history(indicator),
            "history_limit": HISTORY_LIMIT,
        },
    )


# --- labels ---------------------------------------------------------------------------------------


def year_label(year: int, calendar: bool) -> str:
    return calendar_year_label(year) if calendar else fiscal_year_label(year)


def short_year_label(year: int, calendar: bool) -> str:
    return f"{year}年" if calendar else f"{year}年度"


def plan_label(plan) -> str:
    return plan.label


def amount(value, unit: str) -> str:
    return f"{display_number(value)}{unit}"


def target_label(target, unit: str) -> str:
    """How the documents write one target: 250社（2020年度）, 750社（2020〜2022年度累計）, 4,379件（2018年）→ 5,000件（2022年）."""
    minimum = "以上" if target.is_minimum else ""
    calendar = target.period == CY
    if target.period == CUM:
        span = (
            f"{target.start_year}〜{target.year}年度累計"
            if target.start_year
            else f"{target.year}年度までの累計"
        )
        return f"{amount(target.value, unit)}{minimum}（{span}）"
    if target.period in (H1, H2):
        when = f"{target.year}年度 {HALF_LABELS[target.period]}"
    else:
        when = short_year_label(target.year, calendar)
    text = f"{amount(target.value, unit)}{minimum}（{when}）"
    if target.baseline_value is not None:
        base = short_year_label(target.baseline_year, calendar) if target.baseline_year else "基準年不明"
        text = f"{amount(target.baseline_value, unit)}（{base}）→ {text}"
    if target.due_date:
        text += f" 期限 {target.due_date:%Y年%m月%d日}"
    return text


def target_summary(indicator) -> str:
    """The target's shape in one line; equal per-year targets read as one: 250社/年度（2020〜2022年度）."""
    if indicator.target_shape == NO_TARGET:
        return "数値目標なし"
    targets = list(indicator.targets.all())
    yearly = [t for t in targets if t.period in ("fy", CY)]
    rest = [t for t in targets if t not in yearly]
    labels = []
    same = {(t.value, t.is_minimum, t.period, t.baseline_value) for t in yearly}
    if indicator.target_shape == PER_YEAR and len(yearly) > 1 and len(same) == 1:
        first, last = yearly[0], yearly[-1]
        per = "年" if first.period == CY else "年度"
        minimum = "以上" if first.is_minimum else ""
        labels.append(
            f"{amount(first.value, indicator.unit)}/{per}{minimum}（{first.year}〜{last.year}{per}）"
        )
    else:
        labels += [target_label(t, indicator.unit) for t in yearly]
    labels += [target_label(t, indicator.unit) for t in rest]
    return "、".join(labels) or "目標未設定"


# --- the year table -------------------------------------------------------------------------------


class YearTable(tables.Table):
    class Meta:
        orderable = False
        attrs = {"class": "results indicator-years"}


def year_table(indicator, rows: list[dict], calendar: bool) -> tables.Table:
    per = "年" if calendar else "年度"
    columns = [
        ("period", tables.Column(verbose_name=per)),
        ("target", NumberColumn(verbose_name="目標")),
        ("h1", NumberColumn(verbose_name="上期 実績")),
        ("h2", NumberColumn(verbose_name="下期 実績")),
        ("year_value", NumberColumn(verbose_name=f"{per} 実績")),
    ]
    if indicator.target_shape == CUMULATIVE:
        columns += [
            ("cumulative", NumberColumn(verbose_name="累計 実績")),
            ("to_date", NumberColumn(verbose_name="累計（年度末まで）")),
            ("expected", NumberColumn(verbose_name="按分目標")),
            ("on_track", tables.Column(verbose_name="進捗", default="—")),
        ]
    columns += [
        ("rate", PercentColumn(verbose_name="達成率")),
        ("status", StatusColumn(verbose_name="状況")),
    ]
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
    return {
        "period": year_label(row.year, calendar),
        "target": result.target_value if result else None,
        "h1": judged.h1,
        "h2": judged.h2,
        "year_value": judged.year_value,
        "cumulative": row.cumulative_value,
        "to_date": result.actual_value if result else None,
        "expected": one_place(result.expected) if result else None,
        "on_track": ON_TRACK.get(result.on_track) if result else None,
        "rate": result.rate if result else None,
        "status": result.status.value if result else None,
        "baseline": result.baseline_value if result else None,
        "gap_closed": result.gap_closed if result else None,
        "remark": "／".join(remarks(indicator, row, calendar)),
        "source": "、".join(row.sources),
        "note": "／".join(row.notes),
    }


def one_place(value: Decimal | None) -> Decimal | None:
    """A pro-rata share (250 × 1/3) to one decimal place."""
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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
    used = result.targets_used[0] if result.targets_used else None
    if (
        used is not None
        and used.period != CUM
        and used.year != row.year
        and indicator.target_shape != MILESTONE
    ):
        notes.append(f"{short_year_label(used.year, used.period == CY)}の目標に対する率")
    if not result.complete:
        notes.append("下期未報告（上期のみ）")
    return notes


# --- the targets table ----------------------------------------------------------------------------


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


# --- charts ---------------------------------------------------------------------------------------


def year_chart(indicator, rows, calendar: bool) -> dict:
    cumulative = indicator.target_shape == CUMULATIVE
    points = [
        {
            "year": row.year,
            "label": short_year_label(row.year, calendar),
            "target": row.result.target_value if row.in_plan else None,
            "actual": row.chart_actual,
            "expected": one_place(row.result.expected) if row.in_plan else None,
        }
        for row in rows
    ]
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


# --- across plans ---------------------------------------------------------------------------------


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


def last_actual_label(last) -> str:
    if last.period == CUM:
        return f"{last.year}年度末までの累計"
    if last.period == CY:
        return calendar_year_label(last.year)
    if last.period in (H1, H2):
        return f"{fiscal_year_label(last.year)} {HALF_LABELS[last.period]}"
    return fiscal_year_label(last.year)


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


# --- revisions and the change history -------------------------------------------------------------


def kpi_revisions(kpi) -> list:
    """The KPI's revisions (of its text and of its indicators' targets), newest first: one query."""
    return list(Revision.objects.filter(kpi=kpi).select_related("kpi__region", "indicator", "revised_by"))


def person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


class RevisionTable(tables.Table):
    region = tables.Column(verbose_name="地域")
    kpi = tables.Column(verbose_name="KPI", linkify=lambda record: record["url"])
    subject = tables.Column(verbose_name="改定の対象")
    effective = tables.Column(verbose_name="適用開始年度")
    old = tables.Column(verbose_name="改定前", attrs={"td": {"class": "revision-text"}})
    new = tables.Column(verbose_name="改定後", attrs={"td": {"class": "revision-text"}})
    reason = tables.Column(verbose_name="改定理由", attrs={"td": {"class": "revision-text"}})
    revised_by = tables.Column(verbose_name="改定者")
    revised_at = tables.Column(verbose_name="改定日時")

    class Meta:
        orderable = False
        attrs = {"class": "results revisions"}


def revision_row(revision, url: str | None = None) -> dict:
    """One revision: a target value (with the indicator's unit) or a KPI text, old → new."""
    indicator = revision.indicator
    if indicator is not None:
        subject = f"目標値（{indicator.name}）"
        old = amount(revision.old_value, indicator.unit) if revision.old_value is not None else "（目標なし）"
        new = amount(revision.new_value, indicator.unit) if revision.new_value is not None else "—"
    else:
        subject, old, new = "KPI本文", revision.old_text, revision.new_text
    region = revision.kpi.region
    return {
        "region": region.name_ja if region else "中央",
        "kpi": f"{revision.kpi.code} {revision.kpi.title}",
        "url": url,
        "subject": subject,
        "effective": f"{revision.effective_fiscal_year}年度〜",
        "old": old,
        "new": new,
        "reason": revision.reason,
        "revised_by": person(revision.revised_by),
        "revised_at": f"{timezone.localtime(revision.revised_at):%Y-%m-%d %H:%M}",
    }


HISTORY_LIMIT = 50
CHANGE_TYPES = {"+": "追加", "~": "変更", "-": "削除"}


def _latest_with_previous(history, field: str, output_field, limit: int) -> list:
    """The newest `limit` history records, each with its object's previous value of `field`.

    The previous value is read in the same query (a window over each object's records), so the
    history costs one query per model whatever its length.
    """
    previous = Window(
        Lag(field),
        partition_by=[F("id")],
        order_by=[F("history_date").asc(), F("history_id").asc()],
        output_field=output_field,
    )
    return list(
        history.annotate(previous=previous)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def figure_label(kind: str, record) -> str:
    """目標 2022年度, 実績 2022年度 上期, 目標 2020〜2022年度累計."""
    if record.period == CUM:
        span = (
            f"{record.start_year}〜{record.year}年度累計"
            if record.start_year
            else f"{record.year}年度までの累計"
        )
        return f"{kind} {span}"
    if record.period in (H1, H2):
        return f"{kind} {record.year}年度 {HALF_LABELS[record.period]}"
    return f"{kind} {short_year_label(record.year, record.period == CY)}"


UNRECORDED = "（記録なし）"
LOADED = "文書データの読込"


def is_loaded(record) -> bool:
    """The record load_plan_data writes for a figure or KPI as the documents give it."""
    return record.history_type == "+" and record.history_change_reason == LOADED_REASON


def _values(record, old, new):
    """(old, new): nothing before an addition or a loading, nothing after a deletion. The first change
    of a loaded figure reads its old value from the loaded record; a change with no earlier record
    (data loaded before the loaded records were written) shows that nothing was recorded."""
    if record.history_type == "+":
        return None, new
    if record.history_type == "-":
        return new, None
    return (UNRECORDED if old is None else old), new


def change_history(indicator, limit: int = HISTORY_LIMIT) -> list[dict]:
    """Who changed this indicator's targets and actuals, and its KPI's text, and what the documents
    gave them when they were loaded: newest first, at most `limit` entries, in three queries."""
    decimal = DecimalField(max_digits=14, decimal_places=2)
    unit = indicator.unit
    entries = []
    for kind, model in (("目標", Target), ("実績", Actual)):
        records = _latest_with_previous(
            model.history.filter(indicator_id=indicator.pk), "value", decimal, limit
        )
        for record in records:
            old, new = _values(record, record.previous, record.value)
            entries.append(_entry(record, figure_label(kind, record), _amount(old, unit), _amount(new, unit)))
    kpi_records = _latest_with_previous(Kpi.history.filter(id=indicator.kpi_id), "text", TextField(), limit)
    for record in kpi_records:
        old, new = _values(record, record.previous, record.text)
        if record.history_type == "~" and record.previous == record.text:
            entries.append(_entry(record, "KPI（本文以外の項目）", None, None))
        else:
            entries.append(_entry(record, "KPI本文", old, new))
    entries.sort(key=lambda entry: (entry["at"], entry["order"]), reverse=True)
    return entries[:limit]


def _amount(value, unit: str) -> str | None:
    return value if value is None or value == UNRECORDED else amount(value, unit)


def _entry(record, item: str, old: str | None, new: str | None) -> dict:
    loaded = is_loaded(record)
    if loaded:
        reason = f"出典：{record.source}" if record.source else ""
    else:
        reason = record.history_change_reason or ""
    return {
        "at": record.history_date,
        "order": record.history_id,
        "who": person(record.history_user),
        "type": LOADED if loaded else CHANGE_TYPES.get(record.history_type, record.history_type),
        "loaded": loaded,
        "item": item,
        "old": old,
        "new": new,
        "reason": reason,
    }
