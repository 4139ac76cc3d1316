"""Revising from the revision form: a new target value, a new KPI text, or both, with one effective
year and reason; all or nothing, with the errors per form field."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kpis.models import Indicator
from kpis.revisions import (
    RevisionError,
    check_revision,
    kpi_text_error,
    normalised_kpi_text,
    revise_kpi_text,
    revise_target,
)
from kpis.values import parse_figure

NOTHING_TO_REVISE = "目標値またはKPI本文のどちらかを変更してください。"


class _Refused(Exception):
    """Undoes what a form's first revision wrote when its second one is refused."""


def apply_revisions(user, indicator: Indicator, form: dict) -> dict[str, str]:
    """Revise what the form changes, all or nothing; the errors per field (empty when done)."""
    kpi = indicator.kpi
    errors: dict[str, str] = {}
    year = _year(form["effective_fiscal_year"])
    errors.update(check_revision(kpi.plan, effective_fiscal_year=year, reason=form["reason"]))
    value = None
    try:
        value = parse_figure(form["new_value"], indicator.measure, label="新しい目標値")
    except ValidationError as error:
        errors["new_value"] = error.messages[0]
    text_changed = normalised_kpi_text(form["new_text"]) != normalised_kpi_text(kpi.text)
    if text_changed and (text_error := kpi_text_error(kpi, form["new_text"])):
        errors["new_text"] = text_error
    if value is None and not text_changed and "new_value" not in errors:
        errors["new_value"] = NOTHING_TO_REVISE
    if errors:
        return errors
    try:
        with transaction.atomic():
            if value is not None:
                _collect(errors, revise_target, user, indicator, new_value=value, **_common(year, form))
            if text_changed:
                _collect(errors, revise_kpi_text, user, kpi, new_text=form["new_text"], **_common(year, form))
            if errors:
                raise _Refused
    except _Refused:
        pass
    return errors


def _year(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdecimal() else None


def _common(year: int, form: dict) -> dict:
    return {"effective_fiscal_year": year, "reason": form["reason"]}


def _collect(errors: dict, revise_function, *args, **kwargs) -> None:
    try:
        revise_function(*args, **kwargs)
    except RevisionError as error:
        errors.update(error.field_errors or {"new_value": error.message})
