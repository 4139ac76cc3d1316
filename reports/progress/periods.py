"""Reporting periods: central staff open a half year for every region's report, and close or reopen it
for submissions. Each write is one transaction with its history record."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kpis.history import recorded
from plans.models import Plan
from regions import access
from reports.audit import WorkflowError
from reports.models import ReportingPeriod


@transaction.atomic
def open_period(user, *, plan: Plan, fiscal_year: int, half: str, deadline: datetime.date) -> ReportingPeriod:
    if not access.may_manage_periods(user):
        raise PermissionDenied
    if fiscal_year not in plan.fiscal_years:
        raise WorkflowError(
            f"{fiscal_year}年度は{plan.name}の期間（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）外です。"
        )
    if ReportingPeriod.objects.filter(plan=plan, fiscal_year=fiscal_year, half=half).exists():
        raise WorkflowError("この報告期間は既に開設されています。")
    period = ReportingPeriod(plan=plan, fiscal_year=fiscal_year, half=half, deadline=deadline, opened_by=user)
    period.full_clean()
    recorded(user, period, "報告期間の開設").save()
    return period


@transaction.atomic
def set_period_locked(user, period: ReportingPeriod, locked: bool) -> ReportingPeriod:
    if not access.may_manage_periods(user):
        raise PermissionDenied
    period.is_locked = locked
    recorded(user, period, "受付終了" if locked else "受付再開").save(update_fields=["is_locked"])
    return period
