"""What a line of the half-year report shows about its indicator beside the fields, all from the one
rule (kpis.figures.target_of, kpis/rules/judgement.py and kpis/rules/reporting.py):

- the target the engine uses for the half and the one for the year, each with what it is
  (2022年度の目標, 2020〜2022年度累計), and the pace the half is measured against;
- every figure published before the half, whatever brought it (a report, an import, the documents),
  with its source, and the half's own figure when one is already published;
- for a cumulative goal, the total so far and what remains (with this report's value, once saved);
- the saved year-end forecast's status (見込み 〇△×), as the reviewer reads it.

Plain functions of an indicator fetched with its plan, targets and actuals: no query.
"""

from dataclasses import dataclass
from decimal import Decimal

from kpis.figures import figures_of, target_of, thresholds_of
from kpis.models import Actual, Indicator, Target
from kpis.rules.forecasts import forecast_status
from kpis.rules.inputs import FY, NO_TARGET
from kpis.rules.judged import Kind
from kpis.rules.reporting import half_pace, running_total
from kpis.rules.texts import amount, pace_text, target_basis
from kpis.rules.view_periods import through_label
from plans.fiscal import PERIOD_ORDER
from reports.display.labels import cumulative_span, last_actual_label, target_label
from reports.models import ReportEntry, ReportingPeriod

NO_NUMERIC_TARGET = "数値目標なし"
NO_TARGET_IN_FORCE = "この年度に適用される目標はありません"


@dataclass(frozen=True)
class TargetFact:
    text: str  # 5回（2022年度）
    basis: str = ""  # 2022年度の目標


@dataclass(frozen=True)
class FigureFact:
    when: str  # 2021年度（令和3年度） 上期
    value: str  # 2回
    source: str = ""


@dataclass(frozen=True)
class RunningFact:
    goal: str  # 2020〜2022年度累計750社
    through: str  # 2021年度まで（or "" before anything was reported)
    total: str
    remaining: str
    with_report: str = ""  # what this report's saved value makes of it


@dataclass(frozen=True)
class ForecastFact:
    label: str  # 見込み 〇
    rate: str
    target: str  # 5回（2022年度）
    at_risk: bool


@dataclass(frozen=True)
class LineFacts:
    half: TargetFact
    year: TargetFact
    pace: str
    earlier: list[FigureFact]
    published: FigureFact | None
    running: RunningFact | None
    forecast: ForecastFact | None


def line_facts(indicator: Indicator, period: ReportingPeriod, entry: ReportEntry | None) -> LineFacts:
    year, half = period.fiscal_year, period.half
    figures = figures_of(indicator)
    thresholds = thresholds_of(indicator.kpi.plan)
    saved_value = entry.value if entry else None
    return LineFacts(
        half=target_fact(indicator, target_of(indicator, year, half=half)),
        year=target_fact(indicator, target_of(indicator, year)),
        pace=pace_of(half_pace(figures, year, half, thresholds=thresholds), indicator),
        earlier=[figure_fact(a, indicator) for a in earlier_actuals(indicator, period)],
        published=published_fact(indicator, period),
        running=running_fact(indicator, running_total(figures, year, half), saved_value),
        forecast=forecast_fact(indicator, entry, figures, thresholds, year),
    )


def target_fact(indicator: Indicator, target: Target | None) -> TargetFact:
    if indicator.target_shape == NO_TARGET:
        return TargetFact(NO_NUMERIC_TARGET)
    if target is None:
        return TargetFact(NO_TARGET_IN_FORCE)
    basis = target_basis(target, plan_start_year=indicator.kpi.plan.start_fiscal_year)
    return TargetFact(target_label(target, indicator.unit), basis)


def pace_of(result, indicator: Indicator) -> str:
    """The pace in words; why there is none when the half has nothing to judge."""
    if result.kind is Kind.NONE:
        return "" if indicator.target_shape == NO_TARGET else result.note
    return pace_text(result, indicator.unit)


def earlier_actuals(indicator: Indicator, period: ReportingPeriod) -> list[Actual]:
    """Every figure of the indicator for a period before the half, oldest first."""
    here = (period.fiscal_year, PERIOD_ORDER[period.half])
    earlier = [a for a in indicator.actuals.all() if (a.year, PERIOD_ORDER.get(a.period, 9)) < here]
    return sorted(earlier, key=lambda a: (a.year, PERIOD_ORDER.get(a.period, 9)))


def figure_fact(actual: Actual, indicator: Indicator) -> FigureFact:
    return FigureFact(last_actual_label(actual), amount(actual.value, indicator.unit), actual.source)


def published_fact(indicator: Indicator, period: ReportingPeriod) -> FigureFact | None:
    """The half's own figure when one is already published (approved earlier, imported, loaded)."""
    own = next(
        (a for a in indicator.actuals.all() if (a.period, a.year) == (period.half, period.fiscal_year)),
        None,
    )
    return None if own is None else figure_fact(own, indicator)


def running_fact(indicator: Indicator, running, saved_value: Decimal | None) -> RunningFact | None:
    if running is None:
        return None
    unit = indicator.unit
    through = "" if running.through is None else through_label(*running.through, FY) + "まで"
    with_report = ""
    if saved_value is not None:
        after = running.after(saved_value)
        with_report = (
            f"この報告の値（{amount(saved_value, unit)}）を含めると"
            f"{amount(after.total, unit)}、残り{amount(after.remaining, unit)}"
        )
    return RunningFact(
        goal=f"{cumulative_span(running.start, running.goal.year)}{amount(running.goal.value, unit)}",
        through=through,
        total=amount(running.total, unit),
        remaining=amount(running.remaining, unit),
        with_report=with_report,
    )


def forecast_fact(indicator, entry, figures, thresholds, year: int) -> ForecastFact | None:
    """What the year's end would show with the saved forecast: against the year's target when the
    year settles it (with the rate), against the pace of an interim year otherwise (no rate: the
    rate of such a year is taken of the whole goal, not of the pace)."""
    if entry is None or entry.forecast is None:
        return None
    status = forecast_status(figures, year, entry.forecast, thresholds=thresholds)
    if not status.applies:
        return ForecastFact(label="", rate="", target="", at_risk=False)
    outlook = status.outlook
    if status.is_final:
        basis = target_basis(outlook.target, plan_start_year=figures.plan_start_year)
        against, rate = f"{basis} {amount(outlook.target.value, indicator.unit)}", status.rate_text
    else:
        against, rate = pace_text(outlook, indicator.unit), ""
    return ForecastFact(label=status.label, rate=rate, target=against, at_risk=status.at_risk)
