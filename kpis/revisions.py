"""Revising an indicator's target or a KPI's text (3rd plan III-3: a KPI may be revised when the
prefecture's vision changes), so that achievement uses the target in force for each year.

Plain functions, each one transaction: they check who may revise (PermissionDenied → 403), check
the input (RevisionError with Japanese messages per field; nothing is written), change the targets
or the text through save() with the reviser and the reason in their history, and record a
Revision row, which is what the liaison meeting reads.

How a new target value takes effect from `effective_fiscal_year` (Y) depends on the target's shape
(kpis/rules/targets.py `target_for`, which every page and the judgement ask, reads for a year its
own fy/cy target, else the latest earlier one; a goal shape looks forward to the next later goal):

- per year: the target of Y is written (created or updated) and every later yearly target gets the
  new value; earlier years keep their own targets.
- a goal (baseline → target, share, milestone): every goal of Y or later gets the new value (a
  goal of Y is created when none is set for Y or later). Years before Y looked forward to the old
  goal, so the old goal is kept for them as a target of Y − 1 (with its baseline, minimum and due
  date; note 「改定前の目標（Y年度改定）」), unless Y − 1 has a target of its own or Y is the
  plan's first year (no judged year before it).
- a cumulative total (`cum`, also a goal written as a total to date): the total in force in Y is
  changed (created for the plan's span when the indicator has none). A cumulative total is one
  figure for the whole span, so the years before Y are re-read against the revised total: their
  pro-rata share and rate change too. The Revision row keeps the old total.

A KPI's text has no years: the new text is the KPI's text from now on, and the Revision row keeps
the old text and the year the change applies from.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kpis.history import recorded
from kpis.models import Indicator, Kpi, Period, Revision, Target
from kpis.rules.inputs import YEAR_PERIODS
from kpis.rules.targets import cumulative_target, target_for
from kpis.values import parse_figure
from plans.models import Plan
from regions import access

FY, CY, CUM = Period.FISCAL_YEAR.value, Period.CALENDAR_YEAR.value, Period.CUMULATIVE.value
Shape = Indicator.TargetShape
GOAL_SHAPES = (Shape.BASELINE_TO_TARGET, Shape.SHARE, Shape.MILESTONE)

MAX_REASON_LENGTH = 2000
MAX_TEXT_LENGTH = 4000

NOT_ALLOWED = (
    "KPI・目標を改定できるのは、中央（特許庁・INPIT）の担当者と、"
    "地域KPIについてはそのブロックの経済産業局等の担当者です。"
)
NOT_SAVED = "入力内容に誤りがあります。改定していません。"


class RevisionError(Exception):
    """A revision refused, with the message to show and one message per form field."""

    def __init__(self, message: str = NOT_SAVED, *, field_errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


# --- checks ---------------------------------------------------------------------------------------


def check_revision(plan: Plan, *, effective_fiscal_year, reason) -> dict[str, str]:
    """The errors of what every revision needs: a year of the plan and a reason."""
    errors = {}
    text = (reason or "").strip()
    if not text:
        errors["reason"] = "改定理由を入力してください。"
    elif len(text) > MAX_REASON_LENGTH:
        errors["reason"] = f"改定理由は{MAX_REASON_LENGTH}文字以内で入力してください（{len(text)}文字）。"
    if effective_fiscal_year is None:
        errors["effective_fiscal_year"] = "適用開始年度を選んでください。"
    elif effective_fiscal_year not in plan.fiscal_years:
        errors["effective_fiscal_year"] = (
            f"{effective_fiscal_year}年度は{plan.name}の期間"
            f"（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）外です。"
        )
    return errors


def _check_allowed(user, kpi: Kpi) -> None:
    if not access.may_revise_kpi(user, kpi):
        raise PermissionDenied(NOT_ALLOWED)


def _value_error(indicator: Indicator, value: Decimal | None) -> str | None:
    if indicator.target_shape == Shape.NONE:
        return "この指標には数値目標がないため、目標値は改定できません。"
    if value is None:
        return "新しい目標値を入力してください。"
    try:
        parse_figure(str(value), indicator.measure, label="目標値")
    except ValidationError as error:
        return error.messages[0]
    return None


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise RevisionError(field_errors=errors)


# --- target revisions -----------------------------------------------------------------------------


@transaction.atomic
def revise_target(user, indicator: Indicator, *, new_value: Decimal, effective_fiscal_year: int, reason: str):
    """Give the indicator a new target value from `effective_fiscal_year`; returns the Revision."""
    kpi = indicator.kpi
    _check_allowed(user, kpi)
    errors = check_revision(kpi.plan, effective_fiscal_year=effective_fiscal_year, reason=reason)
    value_error = _value_error(indicator, new_value)
    if value_error:
        errors["new_value"] = value_error
    _raise_if(errors)
    reason = reason.strip()
    year = effective_fiscal_year
    targets = list(Target.objects.select_for_update().filter(indicator=indicator).order_by("year", "period"))
    if _is_cumulative(indicator, targets):
        old_value, writes = _cumulative_writes(indicator, targets, year, new_value)
    elif indicator.target_shape in GOAL_SHAPES:
        old_value, writes = _goal_writes(indicator, targets, year, new_value)
    else:
        old_value, writes = _per_year_writes(indicator, targets, year, new_value)
    if not any(new for _target, new in writes):
        raise RevisionError(
            field_errors={
                "new_value": "目標値が現在の目標と同じです。変更する場合は新しい値を入力してください。"
            }
        )
    for target, _new in writes:
        recorded(user, target, reason).save()
    revision = Revision(
        kpi=kpi,
        indicator=indicator,
        effective_fiscal_year=year,
        reason=reason,
        old_value=old_value,
        new_value=new_value,
        revised_by=user,
    )
    revision.save()
    return revision


def _is_cumulative(indicator: Indicator, targets: list[Target]) -> bool:
    """A cumulative indicator, or a goal written only as a total to date (LED応用製品 290件（累計））."""
    if indicator.target_shape == Shape.CUMULATIVE:
        return True
    return any(t.period == CUM for t in targets) and not any(t.period in YEAR_PERIODS for t in targets)


def _yearly_period(targets: list[Target]) -> str:
    """A calendar-year indicator's targets are cy; everything else is set by fiscal year."""
    yearly = [t for t in targets if t.period in YEAR_PERIODS]
    return CY if yearly and all(t.period == CY for t in yearly) else FY


def _set(target: Target, value: Decimal) -> tuple[Target, bool] | None:
    """The target with its new value, or None when it already has it."""
    if target.value == value:
        return None
    target.value = value
    return target, True


def _new_target(
    indicator: Indicator, *, period: str, year: int, value: Decimal, like: Target | None, note: str
):
    target = Target(indicator=indicator, period=period, year=year, value=value, note=note)
    if like is not None:
        target.is_minimum = like.is_minimum
        target.baseline_value = like.baseline_value
        target.baseline_year = like.baseline_year
        target.due_date = like.due_date
    return target


def _value_of(target: Target | None) -> Decimal | None:
    return None if target is None else target.value


# Each returns the value in force in the effective year before the revision, and the targets to
# save, each with whether it carries the new value (a goal kept for earlier years does not).


def _per_year_writes(indicator, targets, year, value):
    period = _yearly_period(targets)
    yearly = [t for t in targets if t.period == period]
    old = target_for(yearly, year, shape=Shape.PER_YEAR)
    old_value = _value_of(old)
    own = next((t for t in yearly if t.year == year), None)
    writes = []
    if own is None:
        note = f"改定後の目標（{year}年度改定）"
        writes.append(
            (_new_target(indicator, period=period, year=year, value=value, like=old, note=note), True)
        )
    later = [t for t in yearly if t.year >= year]
    writes += [change for t in later if (change := _set(t, value))]
    return old_value, writes


def _goal_writes(indicator, targets, year, value):
    period = _yearly_period(targets)
    yearly = [t for t in targets if t.period == period]
    shape = indicator.target_shape
    old = target_for(yearly, year, shape=shape)
    old_value = _value_of(old)
    writes = []
    # Years before Y keep the goal they were measured against.
    kept = target_for(yearly, year - 1, shape=shape)
    plan = indicator.kpi.plan
    has_own = any(t.year == year - 1 for t in yearly)
    if kept is not None and not has_own and year > plan.start_fiscal_year and kept.value != value:
        note = f"改定前の目標（{year}年度改定）"
        keep = _new_target(indicator, period=period, year=year - 1, value=kept.value, like=kept, note=note)
        writes.append((keep, False))
    goals = [t for t in yearly if t.year >= year]
    if goals:
        writes += [change for t in goals if (change := _set(t, value))]
    else:
        note = f"改定後の目標（{year}年度改定）"
        writes.append(
            (_new_target(indicator, period=period, year=year, value=value, like=old, note=note), True)
        )
    return old_value, writes


def _cumulative_writes(indicator, targets, year, value):
    cums = [t for t in targets if t.period == CUM]
    # The total to revise, even for a year outside its span (where target_for finds none to judge).
    old = cumulative_target(cums, year)
    if old is None:
        plan = indicator.kpi.plan
        target = Target(
            indicator=indicator,
            period=CUM,
            year=plan.end_fiscal_year,
            start_year=plan.start_fiscal_year,
            value=value,
            note=f"改定後の目標（{year}年度改定）",
        )
        return None, [(target, True)]
    old_value = old.value
    change = _set(old, value)
    return old_value, [change] if change else []


# --- KPI text revisions ---------------------------------------------------------------------------


def normalised_kpi_text(text: str | None) -> str:
    """A textarea sends CRLF line ends; the stored text uses LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def kpi_text_error(kpi: Kpi, new_text: str | None) -> str | None:
    text = normalised_kpi_text(new_text)
    if not text:
        return "KPI本文は空にできません。改定後の本文を入力してください。"
    if len(text) > MAX_TEXT_LENGTH:
        return f"KPI本文は{MAX_TEXT_LENGTH}文字以内で入力してください（{len(text)}文字）。"
    if text == normalised_kpi_text(kpi.text):
        return "KPI本文が現在の本文と同じです。"
    return None


@transaction.atomic
def revise_kpi_text(user, kpi: Kpi, *, new_text: str, effective_fiscal_year: int, reason: str):
    """Give the KPI a new text (from `effective_fiscal_year`); returns the Revision."""
    _check_allowed(user, kpi)
    errors = check_revision(kpi.plan, effective_fiscal_year=effective_fiscal_year, reason=reason)
    text = normalised_kpi_text(new_text)
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    text_error = kpi_text_error(kpi, text)
    if text_error:
        errors["new_text"] = text_error
    _raise_if(errors)
    reason = reason.strip()
    old_text = kpi.text
    kpi.text = text
    recorded(user, kpi, reason).save()
    revision = Revision(
        kpi=kpi,
        effective_fiscal_year=effective_fiscal_year,
        reason=reason,
        old_text=old_text,
        new_text=text,
        revised_by=user,
    )
    revision.save()
    return revision
