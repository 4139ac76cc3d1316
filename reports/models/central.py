"""The central KPIs' actuals as central staff enter them (reports/central/entry.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.history import user_reference
from kpis.models import Indicator
from plans.fiscal import HALF_LABELS
from regions.constraints import FieldConstraints, check, unique
from reports.models.forecasts import MAX_REASON_LENGTH


class CentralEntry(FieldConstraints):
    """A central KPI's actual as central staff enter it: a draft until confirmed into the actuals."""

    class Period(models.TextChoices):
        H1 = "h1", HALF_LABELS["h1"]
        H2 = "h2", HALF_LABELS["h2"]
        FISCAL_YEAR = "fy", _("年度")

    class State(models.TextChoices):
        DRAFT = "draft", _("下書き")
        CONFIRMED = "confirmed", _("確定")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="central_entries", verbose_name=_("指標")
    )
    period = models.CharField(_("期間"), max_length=2, choices=Period.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("実績"), max_digits=14, decimal_places=2)
    note = models.TextField(_("注記"), blank=True)
    # 上期 entries only: the value expected for the whole year, with a one-line reason
    forecast = models.DecimalField(_("年度末見込み"), max_digits=14, decimal_places=2, null=True, blank=True)
    forecast_reason = models.CharField(_("見込みの理由"), max_length=MAX_REASON_LENGTH, blank=True)
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("版"), default=1)
    updated_by = user_reference(_("入力者"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    confirmed_at = models.DateTimeField(_("確定日時"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year", "indicator__kpi__order", "indicator__order"]
        verbose_name = _("中央KPI実績入力")
        verbose_name_plural = _("中央KPI実績入力")
        constraints = [
            unique(
                fields=["indicator", "period", "fiscal_year"],
                name="central_entry_one_per_period",
                message="この指標の同じ年度・期間の入力は既にあります。",
                field="fiscal_year",
            ),
            check(
                condition=models.Q(value__gte=0),
                name="central_entry_not_negative",
                message="実績は0以上で入力してください。",
                field="value",
            ),
            check(
                condition=models.Q(forecast__isnull=True) | models.Q(forecast__gte=0),
                name="central_entry_forecast_not_negative",
                message="年度末見込みは0以上で入力してください。",
                field="forecast",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.fiscal_year} {self.get_period_display()}"
