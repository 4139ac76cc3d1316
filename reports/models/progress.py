"""Half-year progress reports: reporting periods, each region's report and its lines. The rules that
move them between states live in reports/progress/workflow.py."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.history import user_reference
from kpis.models import Indicator
from kpis.rules.plausibility import CAUSES, labels_of
from plans.fiscal import HALF_LABELS, half_bounds
from plans.models import Plan
from regions.constraints import FieldConstraints, check, unique
from regions.models import Region
from reports.models.forecasts import MAX_REASON_LENGTH


class Half(models.TextChoices):
    H1 = "h1", HALF_LABELS["h1"]
    H2 = "h2", HALF_LABELS["h2"]


class ReportingPeriod(FieldConstraints):
    """A half year for which central staff collect every region's progress report."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="reporting_periods", verbose_name=_("行動計画")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    half = models.CharField(_("期"), max_length=2, choices=Half.choices)
    deadline = models.DateField(_("提出期限"))
    is_locked = models.BooleanField(
        _("受付終了"), default=False, help_text=_("受付を終了した期間には提出・修正できません。")
    )
    opened_by = user_reference(_("開設者"))
    opened_at = models.DateTimeField(_("開設日時"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year", "-half", "plan__number"]
        verbose_name = _("報告期間")
        verbose_name_plural = _("報告期間")
        constraints = [
            unique(
                fields=["plan", "fiscal_year", "half"],
                name="period_unique_half",
                message="この行動計画の同じ年度・半期の報告期間は既に開設されています。",
                field="half",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.fiscal_year}年度 {self.get_half_display()}"

    def clean(self):
        super().clean()
        if self.plan_id and self.fiscal_year and self.fiscal_year not in self.plan.fiscal_years:
            raise ValidationError(
                {
                    "fiscal_year": _("%(year)s年度は%(plan)sの期間（%(start)s〜%(end)s年度）外です。")
                    % {
                        "year": self.fiscal_year,
                        "plan": self.plan.name,
                        "start": self.plan.start_fiscal_year,
                        "end": self.plan.end_fiscal_year,
                    }
                }
            )

    @property
    def half_end(self) -> datetime.date:
        """The last day of the half year reported on."""
        return half_bounds(self.fiscal_year, self.half)[1]


class ProgressReport(FieldConstraints):
    """One region's report for one reporting period: a value and free text per indicator."""

    class State(models.TextChoices):
        DRAFT = "draft", _("作成中")
        SUBMITTED = "submitted", _("提出済み（確認待ち）")
        RETURNED = "returned", _("差戻し")
        APPROVED = "approved", _("承認済み")

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("報告期間")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("地域")
    )
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Optimistic locking: every save raises it; a save based on an older version is refused.
    version = models.PositiveIntegerField(_("版"), default=1)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    first_submitted_at = models.DateTimeField(_("初回提出日時"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    submitted_by = user_reference(_("提出者"))
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    reviewed_by = user_reference(_("確認者"))
    return_comment = models.TextField(_("差戻し理由"), blank=True)
    reopen_reason = models.TextField(_("再開理由"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "region__order"]
        verbose_name = _("半期進捗報告")
        verbose_name_plural = _("半期進捗報告")
        constraints = [
            unique(
                fields=["period", "region"],
                name="report_one_per_region_period",
                message="この地域のこの報告期間の報告は既にあります。",
                field="region",
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.period.fiscal_year}年度 {self.period.get_half_display()}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def days_late(self) -> int:
        """Days between the deadline and the first submission (or today, while still missing)."""
        if self.first_submitted_at is not None:
            day = timezone.localdate(self.first_submitted_at)
        else:
            day = timezone.localdate()
        return max((day - self.period.deadline).days, 0)

    @property
    def is_late(self) -> bool:
        return self.first_submitted_at is not None and self.days_late > 0


class ReportEntry(FieldConstraints):
    """One indicator's line in a region's half-year report."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="entries", verbose_name=_("報告")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="report_entries", verbose_name=_("指標")
    )
    value = models.DecimalField(_("今期の実績"), max_digits=14, decimal_places=2, null=True, blank=True)
    # 上期 reports only: the value expected for the whole year, with a one-line reason
    forecast = models.DecimalField(_("年度末見込み"), max_digits=14, decimal_places=2, null=True, blank=True)
    forecast_reason = models.CharField(_("見込みの理由"), max_length=MAX_REASON_LENGTH, blank=True)
    # no figure for the half, said explicitly (a blank line cannot be submitted), with its reason
    no_result = models.BooleanField(_("実績なし"), default=False)
    no_result_reason = models.CharField(_("実績なしの理由"), max_length=MAX_REASON_LENGTH, blank=True)
    # the plausibility warnings the value raised when last checked (kpis/rules/plausibility.py),
    # comma-separated, and the officer's explanation: a cause from the fixed list and a sentence
    warnings = models.CharField(_("確認が必要な値"), max_length=100, blank=True)
    check_cause = models.CharField(_("確認が必要な値の要因"), max_length=20, choices=CAUSES, blank=True)
    check_note = models.CharField(_("確認が必要な値の説明"), max_length=MAX_REASON_LENGTH, blank=True)
    activities = models.TextField(_("取組内容"), blank=True)
    outcomes = models.TextField(_("成果"), blank=True)
    next_steps = models.TextField(_("課題・次の取組"), blank=True)
    updated_by = user_reference(_("入力者"))
    # Bureau or central staff typed it in for the region.
    on_behalf = models.BooleanField(_("代理入力"), default=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "indicator__kpi__order", "indicator__order"]
        verbose_name = _("報告項目")
        verbose_name_plural = _("報告項目")
        constraints = [
            unique(
                fields=["report", "indicator"],
                name="entry_one_per_indicator",
                message="この報告には、同じ指標の行が既にあります。",
                field="indicator",
            ),
            check(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="entry_value_not_negative",
                message="0以上の値を入力してください。",
                field="value",
            ),
            check(
                condition=models.Q(forecast__isnull=True) | models.Q(forecast__gte=0),
                name="entry_forecast_not_negative",
                message="年度末見込みは0以上で入力してください。",
                field="forecast",
            ),
            check(
                condition=models.Q(no_result=False) | models.Q(value__isnull=True),
                name="entry_no_result_without_value",
                message="「実績なし」を選んだ場合は、今期の実績を空欄にしてください。",
                field="value",
            ),
        ]

    def __str__(self):
        return f"{self.report} / {self.indicator.name}"

    def clean(self):
        super().clean()
        if self.no_result and self.value is not None:
            raise ValidationError(
                {"value": _("「実績なし」を選んだ場合は、今期の実績を空欄にしてください。")}
            )

    @property
    def warnings_shown(self) -> list[str]:
        """What the value was flagged for when last saved, in words."""
        return labels_of(self.warnings)
