"""How a judgement (kpis/rules/judgement.py, docs/judgement.md) reads in a table cell, an export and a
chart: 〇△× with the rate only for a final result, the progress word with the pace it was measured
against otherwise, and 年 for a calendar-year figure. Plain functions of what the rule returned; no
rule is decided here."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString

from kpis.rules.forecasts import ForecastStatus
from kpis.rules.inputs import COUNT, CY
from kpis.rules.judged import Judgement, Kind
from kpis.rules.judgement import View
from kpis.rules.texts import pace_text
from kpis.rules.view_periods import year_label
from plans.fiscal import HALF_LABELS, era_year
from reports.display.formatting import display_number


@dataclass(frozen=True)
class StatusCell:
    """A status cell on screen: the main words ("129% 〇", "順調", "未報告") and what they are
    measured against or why ("年5回の半分（上期）のペース", "下期未報告（上期のみ）")."""

    main: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.main}（{self.detail}）" if self.detail else self.main


def status_cell(result: Judgement, unit: str) -> StatusCell:
    """Final: the rate as its source prints it with the documents' mark ("167.3% 〇"), or 未報告 with
    what is missing. Progress: the progress word and its pace, never a mark. Otherwise 対象外 and why."""
    if result.kind is Kind.FINAL:
        if result.mark:
            return StatusCell(f"{result.rate_text} {result.mark}".strip())
        return StatusCell(result.label, result.note)
    if result.kind is Kind.PROGRESS:
        return StatusCell(result.label, pace_text(result, unit))
    return StatusCell(result.label, result.note)


def status_html(cell: StatusCell | None) -> SafeString | str:
    """A status cell in a page: the main words, and the pace or the reason beneath them."""
    if cell is None:
        return "—"
    if not cell.detail:
        return cell.main
    return format_html('{}<span class="pace">{}</span>', cell.main, cell.detail)


def judged_values(result: Judgement | None, unit: str) -> dict:
    """A row's judged fields, for the tables' columns and the exports: the rate rounded as its source
    prints it (129, 167.3), the status word (〇 △ × 未報告 順調 遅れ 進行中 対象外), the kind (確定,
    進捗, 対象外), the pace in words and the rule's note; `cell` is the status cell shown on screen."""
    if result is None:
        return {"rate": None, "status": "", "kind": "", "pace": "", "note": "", "cell": None}
    return {
        "rate": result.percent,
        "status": result.label,
        "kind": result.kind.label,
        "pace": pace_text(result, unit),
        "note": result.note,
        "cell": status_cell(result, unit),
    }


def pace_value_shown(value: Decimal | None, measure: str) -> Decimal | None:
    """A pace's value as a chart draws and its table prints it: a count that falls between two whole
    counts to the nearest whole (never 83.3件), any other figure to one decimal."""
    if value is None or value == value.to_integral_value():
        return value
    places = Decimal(1) if measure == COUNT else Decimal("0.1")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def pace_value_text(value: Decimal | None, measure: str) -> str:
    """The same in words: 約 when it was rounded ("約83")."""
    if value is None:
        return "—"
    shown = pace_value_shown(value, measure)
    return display_number(shown) if shown == value else "約" + display_number(shown)


def view_heading(view: View, year_period: str) -> str:
    """What a column of a view is headed: "2022年度", "2022年度上期", or "2022年" for a calendar year."""
    heading = year_label(view.year, year_period)
    return heading + HALF_LABELS[view.half] if year_period != CY and view.half else heading


def axis_label(view: View, year_period: str) -> str:
    """A chart's axis label with the era: "2019年度<br>(令和元年度)", "2019年<br>(令和元年)"."""
    era = era_year(view.year) + ("年" if year_period == CY else "年度")
    if year_period != CY and view.half:
        era += HALF_LABELS[view.half]
    return f"{view_heading(view, year_period)}<br>({era})"


def result_period(result: Judgement, view: View) -> str:
    """Which period a row's figures are of: "2022年度", "2022年度上期", "2022年" (a calendar-year
    indicator judged in its 年), so a table mixing both says which each row is."""
    if result.year_period == CY:
        return year_label(result.year or view.year, CY)
    return view_heading(view, result.year_period)


def forecast_values(status: ForecastStatus | None, reason: str = "") -> dict:
    """A row's year-end forecast for the tables and exports, apart from its result: the value
    (年度末見込み), what the year would show with it (見込み状況: "見込み 〇", "見込み 遅れ"), the
    rate it would reach as its source prints it, whether it is at risk, and its reason."""
    if status is None:
        return {
            "forecast": None,
            "forecast_status": "",
            "forecast_rate": None,
            "forecast_at_risk": "",
            "forecast_reason": "",
        }
    return {
        "forecast": status.value,
        "forecast_status": status.label,
        "forecast_rate": status.outlook.percent,
        "forecast_at_risk": "目標に届かない見込み" if status.at_risk else "",
        "forecast_reason": reason,
    }


def forecast_html(
    value: Decimal | None, record: dict, unit_key: str = "unit", suffix: str = ""
) -> SafeString | str:
    """A forecast cell on screen: the value and its status as a badge marked as a forecast (dashed),
    in the at-risk colour when it falls short ("4回 [見込み △]")."""
    if value is None:
        return "—"
    at_risk = bool(record.get(f"forecast_at_risk{suffix}"))
    return format_html(
        '{}{} <span class="badge forecast{}">{}</span>',
        display_number(value),
        record.get(unit_key, ""),
        " at-risk" if at_risk else "",
        record.get(f"forecast_status{suffix}") or "見込み",
    )
