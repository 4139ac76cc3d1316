"""The action plans, their basic policies and measures, and results printed only as totals."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Plan(models.Model):
    """One 地域知財活性化行動計画 (1st: FY2016–2019, 2nd: FY2020–2022, 3rd: FY2023–2025)."""

    number = models.PositiveSmallIntegerField(_("次数"), unique=True)
    name = models.CharField(_("名称"), max_length=60)
    start_fiscal_year = models.PositiveSmallIntegerField(_("開始年度"))
    end_fiscal_year = models.PositiveSmallIntegerField(_("終了年度"))
    decided_on = models.DateField(_("策定日"), null=True, blank=True)
    decided_by = models.CharField(_("策定主体"), max_length=100, blank=True)
    revised_on = models.DateField(_("改訂日"), null=True, blank=True)
    summary = models.TextField(_("概要"), blank=True)
    # Achievement thresholds are plan settings: ○ from `achieved_percent`, △ from `partial_percent`.
    achieved_percent = models.DecimalField(
        _("達成（○）とする達成率（%）"), max_digits=5, decimal_places=1, default=Decimal("100")
    )
    partial_percent = models.DecimalField(
        _("一部達成（△）とする達成率（%）"), max_digits=5, decimal_places=1, default=Decimal("80")
    )
    source = models.CharField(_("出典"), max_length=200, blank=True)

    objects = PlanManager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("行動計画")
        verbose_name_plural = _("行動計画")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_fiscal_year__gte=models.F("start_fiscal_year")),
                name="plan_span_not_reversed",
            ),
            models.CheckConstraint(
                condition=models.Q(partial_percent__lte=models.F("achieved_percent")),
                name="plan_thresholds_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.number,)

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fiscal_year, self.end_fiscal_year + 1)


class BasicPolicyManager(models.Manager):
    def get_by_natural_key(self, plan_number, number):
        return self.get(plan__number=plan_number, number=number)


class BasicPolicy(models.Model):
    """基本方針 of a plan."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="policies", verbose_name=_("行動計画")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("基本方針"), max_length=120)
    description = models.TextField(_("内容"), blank=True)

    objects = BasicPolicyManager()

    class Meta:
        ordering = ["plan__number", "number"]
        verbose_name = _("基本方針")
        verbose_name_plural = _("基本方針")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="policy_unique_number")]

    def __str__(self):
        return f"{self.plan.name} 基本方針{self.number}：{self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["plans.plan"]


class MeasureManager(models.Manager):
    def get_by_natural_key(self, plan_number, policy_number, category, number):
        return self.get(
            policy__plan__number=plan_number, policy__number=policy_number, category=category, number=number
        )


class Measure(models.Model):
    """施策: a line of a basic policy's table, with its deadline, reported result and mark."""

    class Category(models.TextChoices):
        CROSS_CUTTING = "cross_cutting", _("横断的支援")
        ACQUISITION = "acquisition", _("取得に係る支援")
        UTILIZATION = "utilization", _("活用に係る支援")
        PROTECTION = "protection", _("保護に係る支援")

    class Mark(models.TextChoices):
        ACHIEVED = "achieved", "○"
        PARTLY = "partly", "△"
        NOT_ACHIEVED = "not_achieved", "×"

    policy = models.ForeignKey(
        BasicPolicy, on_delete=models.CASCADE, related_name="measures", verbose_name=_("基本方針")
    )
    category = models.CharField(_("区分"), max_length=20, choices=Category.choices)
    number = models.PositiveSmallIntegerField(_("番号"))
    plan_text = models.TextField(_("計画"))
    deadline_text = models.CharField(
        _("期限"), max_length=40, blank=True, help_text=_("文書の表記のまま（例: 平成29年度）")
    )
    deadline = models.DateField(_("期限（日付）"), null=True, blank=True)
    result_text = models.TextField(_("実績"), blank=True)
    mark = models.CharField(_("達成状況"), max_length=20, choices=Mark.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    source = models.CharField(_("出典"), max_length=200, blank=True)

    objects = MeasureManager()

    class Meta:
        ordering = ["policy__plan__number", "policy__number", "order"]
        verbose_name = _("施策")
        verbose_name_plural = _("施策")
        constraints = [
            models.UniqueConstraint(fields=["policy", "category", "number"], name="measure_unique_number"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.number}"

    def natural_key(self):
        return (*self.policy.natural_key(), self.category, self.number)

    natural_key.dependencies = ["plans.basicpolicy"]


class ReportedResultManager(models.Manager):
    def get_by_natural_key(self, plan_number, scope, area, fiscal_year):
        return self.get(plan__number=plan_number, scope=scope, area=area, fiscal_year=fiscal_year)


class ReportedResult(models.Model):
    """A result the documents print only as a total (e.g. 北海道 4項目／4項目; 全国 136／148).

    No item-level data exists behind these figures, so they are kept as 報告値 and never
    mixed with results computed from indicators.
    """

    class Scope(models.TextChoices):
        REGIONAL_KPIS = "regional_kpis", _("地域KPI")
        CENTRAL_KPIS = "central_kpis", _("中央KPI")
        MEASURE_TARGETS = "measure_targets", _("支援段階別の数値目標")

    NATIONAL = "national"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reported_results", verbose_name=_("行動計画")
    )
    scope = models.CharField(_("対象"), max_length=20, choices=Scope.choices)
    area = models.CharField(_("範囲"), max_length=20, help_text=_("ブロックコード、または national（全国）"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), help_text=_("この年度末時点の結果"))
    items_total = models.PositiveIntegerField(_("項目数"))
    items_achieved = models.PositiveIntegerField(_("達成項目数"))
    printed_rate = models.CharField(_("文書上の達成率"), max_length=20, blank=True)
    note = models.TextField(_("注記"), blank=True)
    source = models.CharField(_("出典"), max_length=200)

    objects = ReportedResultManager()

    class Meta:
        ordering = ["plan__number", "scope", "fiscal_year", "area"]
        verbose_name = _("報告値（集計のみ）")
        verbose_name_plural = _("報告値（集計のみ）")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scope", "area", "fiscal_year"], name="reported_result_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(items_achieved__lte=models.F("items_total")),
                name="reported_result_achieved_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.get_scope_display()} {self.area} {self.items_achieved}/{self.items_total}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.scope, self.area, self.fiscal_year)

    natural_key.dependencies = ["plans.plan"]
