"""Rows of the dashboards' tables and charts, built from judged indicators and tallies: the national,
block and region pages, the programme page and a meeting's pack all build theirs here, so a pack's
sheet equals the dashboard's export for the same moment."""

from django.urls import reverse

from kpis.rules.inputs import CY, FY
from kpis.rules.rates import items_rate
from kpis.rules.view_periods import year_label
from reports.dashboards.block_results import RegionResults, cumulative_actual, target_basis_label
from reports.dashboards.selectors import IndicatorResult
from reports.display import charts
from reports.display.judgements import (
    axis_label,
    forecast_values,
    judged_values,
    result_period,
    view_heading,
)
from reports.display.labels import amount, indicator_title, person
from reports.display.tables import IndicatorResultTable, central_kpi_table, forecast_columns, suffixed

# An indicator id no real one reaches: the indicator page's address is reversed once with it and the
# rows' ids put in its place (a reverse() per row was a good part of a large block page's time).
_ID_MARKER = 987654321987


def indicator_url_maker():
    """A function giving an indicator page's address from the indicator's id, as reverse() would."""
    head, tail = reverse("reports:indicator", args=[_ID_MARKER]).split(str(_ID_MARKER))
    return lambda indicator_id: f"{head}{indicator_id}{tail}"


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
        "revised_at": revision.revised_at,
    }


# --- the national page's central KPIs: a column per view (a year, or the chosen year's half) ---------


def column_key(view) -> str:
    return f"{view.year}{view.half or ''}"


def central_table(central, judged: dict, year_period: str, *, forecast_view=None):
    """The central KPIs of one kind of year (fiscal or calendar), a column per view, headed with the
    kind: "2022年度", "2022年度上期", "2022年"; `forecast_view`'s column has the year-end forecasts
    beside it."""
    columns = [(column_key(view), view_heading(view, year_period)) for view in judged]
    forecast = None
    if forecast_view in judged:
        forecast = (column_key(forecast_view), year_label(forecast_view.year, year_period))
    return central_kpi_table(central_rows(central, judged), columns, forecast=forecast)


def central_tables(central, *, forecast_view=None) -> dict:
    """The national page's two central tables, by their export names (reports/dashboards/selectors.py
    CentralResults): fiscal years, and calendar years headed 年; the chosen view's forecasts (a 上期
    or in-year view) beside its fiscal-year column."""
    return {
        "central": central_table(central.fiscal, central.by_year, FY, forecast_view=forecast_view),
        "calendar": central_table(central.calendar, central.by_calendar_year, CY),
    }


def central_chart_list(central) -> list[dict]:
    return [
        *central_charts(central.fiscal, central.by_year, FY),
        *central_charts(central.calendar, central.by_calendar_year, CY),
    ]


def central_rows(central, judged: dict) -> list[dict]:
    rows = []
    indicator_url = indicator_url_maker()
    for position, indicator in enumerate(central):
        row = {
            "kpi": indicator_title(indicator),
            "url": indicator_url(indicator.pk),
            "kind": indicator.kpi.get_kind_display(),
            "unit": indicator.unit,
        }
        for view, results in judged.items():
            judged_row = results[position]
            key = column_key(view)
            row |= {
                f"target_{key}": judged_row.result.target_value,
                f"actual_{key}": judged_row.shown_actual,
            }
            row |= suffixed(judged_values(judged_row.result, indicator.unit), key)
            row |= suffixed(forecast_values(judged_row.forecast, judged_row.forecast_reason), key)
        rows.append(row)
    return rows


def shown_actual(row: IndicatorResult):
    """What was judged; for an indicator without a target (対象外), the year's figure all the same."""
    return row.shown_actual


def block_rows(plan, summaries, national_tally, national_reported) -> list[dict]:
    rows = [
        summary_row(
            summary.block.name_ja,
            reverse("reports:block", args=[plan.number, summary.block.code]),
            summary.tally,
            summary.reported_result,
        )
        for summary in summaries
    ]
    rows.append(summary_row("全国", None, national_tally, national_reported))
    return rows


def summary_row(label, url, tally, reported) -> dict:
    return {
        "block": label,
        "url": url,
        **tally_values(tally),
        "reported_achieved": reported.items_achieved if reported else None,
        "reported_items": reported.items_total if reported else None,
        "reported_rate": reported_rate(reported),
    }


def tally_values(tally) -> dict:
    """A tally's figures for the tables (reports/display/tables.py TallyColumns)."""
    return {
        "items": tally.items,
        "reported": tally.reported,
        "achieved": tally.achieved,
        "rate": tally.rate,
        "final_items": tally.final_items,
        "progress_items": tally.progress_items,
        "on_pace": tally.on_pace,
        "behind": tally.behind,
        "under_way": tally.under_way,
        "progress_not_reported": tally.progress_not_reported,
        # forecasts, apart from the results (columns only where the page shows forecasts)
        "forecast_items": tally.forecast_items,
        "at_risk": tally.at_risk,
    }


def reported_rate(reported):
    return items_rate(reported.items_achieved, reported.items_total) if reported else None


def block_chart_rows(summaries) -> list[dict]:
    return [
        {"label": s.block.name_ja, "rate": s.tally.rate, "reported_rate": reported_rate(s.reported_result)}
        for s in summaries
    ]


def central_charts(central, judged: dict, year_period: str) -> list[dict]:
    """A chart per central indicator over the table's columns: every actual drawn, with its target
    where it has one (a series without a target is drawn without target bars, never dropped)."""
    charts_ = []
    for position, indicator in enumerate(central):
        points = [
            {
                "year": view.year,
                "label": view_heading(view, year_period),
                "axis": axis_label(view, year_period),
                "target": results[position].result.target_value,
                "actual": results[position].shown_actual,
            }
            for view, results in judged.items()
        ]
        title = indicator_title(indicator)
        charts_.append(
            {
                "id": f"chart-central-{indicator.pk}",
                "title": title,
                "figure": charts.target_actual_chart(title, indicator.unit, points),
                "points": points,
                "unit": indicator.unit,
            }
        )
    return charts_


def region_section(
    plan,
    period,
    results: RegionResults,
    *,
    table_name: str | None = None,
    forecasts: bool = False,
    rows: list[dict] | None = None,
    points: list[dict] | None = None,
) -> dict:
    """What the template shows of one region: its results, table (without the region column) and chart;
    `forecasts`: the view shows the year-end forecasts beside the results; `rows` and `points`: the
    table's and the chart's, when already made (indicator_rows, chart_points of `results.shown`)."""
    section = {
        "results": results,
        "region": results.region,
        "table_name": table_name or f"region-{results.region.code}",
        # exported even when empty (a header row), drawn only with rows
        "table": indicator_table(
            indicator_rows(results.shown) if rows is None else rows,
            period,
            exclude=("region",),
            forecasts=forecasts,
        ),
        "chart": None,
    }
    if not results.shown:
        return section
    points = chart_points(results.shown) if points is None else points
    title = f"{results.region.name_ja} 目標と実績（{period.label}）"
    section["chart"] = {
        "id": f"chart-region-{results.region.code}",
        "title": title,
        "figure": charts.indicator_targets_chart(title, points),
        "points": points,
    }
    return section


def indicator_rows(results) -> list[dict]:
    indicator_url = indicator_url_maker()
    return [
        {
            "region": row.region.name_ja,
            "kpi": row.kpi.title,
            "url": indicator_url(row.indicator.pk),
            "indicator": row.indicator.name,
            "unit": row.indicator.unit,
            "target": row.result.target_value,
            "target_label": target_basis_label(row),
            "h1": row.h1,
            "h2": row.h2,
            "year": row.year_value,
            "cumulative": cumulative_actual(row),
            **judged_values(row.result, row.indicator.unit),
            "period": result_period(row.result, row.view),
            "basis": "速報" if row.preliminary else "",
            **forecast_values(row.forecast, row.forecast_reason),
        }
        for row in results
    ]


def indicator_table(
    rows: list[dict], period, *, exclude: tuple[str, ...] = (), forecasts: bool = False
) -> IndicatorResultTable:
    """The indicator table; its 速報 column only when the page includes submitted figures, its 期間
    column on screen only when its rows mix fiscal and calendar years (always in the exports), its
    年度末見込み columns only when the view shows forecasts (a 上期 or in-year view)."""
    table = IndicatorResultTable(
        rows,
        exclude=exclude if period.preliminary else (*exclude, "basis"),
        extra_columns=forecast_columns() if forecasts else (),
    )
    if len({row["period"] for row in rows}) > 1:
        table.columns.show("period")
    return table


def chart_points(results) -> list[dict]:
    """Target and judged actual per indicator, numbered so that equal names stay apart; every actual
    is drawn, with its target bar where it has one."""
    return [
        {
            "label": f"{number}. {row.indicator.name}",
            "unit": row.indicator.unit,
            "target": row.result.target_value,
            "actual": row.shown_actual,
            "target_label": target_basis_label(row),
        }
        for number, row in enumerate(results, start=1)
    ]


def block_summary_rows(plan, block, sections, total, reported) -> list[dict]:
    """The block dashboard's summary table: each region's tally and the block's total (with the
    documents' 報告値 where they give only the total)."""
    rows = [
        summary_row(
            s.region.name_ja, reverse("reports:region", args=[plan.number, s.region.code]), s.tally, None
        )
        for s in sections
    ]
    rows.append(summary_row(f"{block.name_ja}ブロック計", None, total, reported))
    return rows


def national_rows(plan, summary) -> list[dict]:
    """The block table of the national page and of a meeting's pack."""
    return block_rows(plan, summary.blocks, summary.tally, summary.reported)
