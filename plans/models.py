"""The action plans, their basic policies and measures, and results printed only as totals; the
model-region programme (知財経営支援モデル地域創出事業) and the regions it designates."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.constraints import FieldConstraints, check, unique
from regions.models import Region

# Action plans are numbered 1, 2, 3… (synthetic benchmark plans 89–190); a programme's record is
# numbered by its fiscal year (2024), so neither can be mistaken for the other.
ACTION_PLAN_NUMBER_LIMIT = 1000


class PlanQuerySet(models.QuerySet):
    def action_plans(self):
        """The 地域知財活性化行動計画 (1st, 2nd, 3rd…): what the plan menus and comparisons list."""
        return self.filter(kind=Plan.Kind.ACTION_PLAN)

    def programmes(self):
        """The model-region programme's yearly records (知財経営支援モデル地域創出事業)."""
        return self.filter(kind=Plan.Kind.PROGRAMME)


class PlanManager(models.Manager.from_queryset(PlanQuerySet)):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Plan(FieldConstraints):
    """One 地域知財活性化行動計画 (1st: FY2016–2019, 2nd: FY2020–2022, 3rd: FY2023–2025), or one fiscal
    year of the model-region programme.

    The programme is kept as a plan so that its regional indicators, targets, actuals, reporting
    periods, half-year reports and dashboards are the plans' own. It is a single-year business
    renewed every year (004 §1(3) 「本事業は単年度事業になりますが、複数年継続して実施する予定」), with
    its own call, designated regions and targets each year: one record per fiscal year, numbered by
    that year.
    """

    class Kind(models.TextChoices):
        ACTION_PLAN = "action_plan", _("行動計画")
        PROGRAMME = "programme", _("事業")

    number = models.PositiveSmallIntegerField(
        _("番号"),
        unique=True,
        help_text=_("行動計画は次数（1, 2, 3…）、事業はその年度（例: 2024）"),
    )
    kind = models.CharField(_("種類"), max_length=12, choices=Kind.choices, default=Kind.ACTION_PLAN)
    name = models.CharField(_("名称"), max_length=60)
    start_fiscal_year = models.PositiveSmallIntegerField(_("開始年度"))
    end_fiscal_year = models.PositiveSmallIntegerField(_("終了年度"))
    decided_on = models.DateField(_("策定日"), null=True, blank=True)
    decided_by = models.CharField(_("策定主体"), max_length=100, blank=True)
    revised_on = models.DateField(_("改訂日"), null=True, blank=True)
    summary = models.TextField(_("概要"), blank=True)
    # Achievement thresholds are plan settings: 〇 from `achieved_percent`, △ from `partial_percent`.
    achieved_percent = models.DecimalField(
        _("達成（〇）とする達成率（%）"), max_digits=5, decimal_places=1, default=Decimal("100")
    )
    partial_percent = models.DecimalField(
        _("一部達成（△）とする達成率（%）"), max_digits=5, decimal_places=1, default=Decimal("80")
    )
    source = models.CharField(_("出典"), max_length=200, blank=True)

    objects = PlanManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("行動計画")
        verbose_name_plural = _("行動計画")
        constraints = [
            check(
                condition=models.Q(end_fiscal_year__gte=models.F("start_fiscal_year")),
                name="plan_span_not_reversed",
                message="終了年度は、開始年度と同じか、それより後の年度にしてください。",
                field="end_fiscal_year",
            ),
            check(
                condition=models.Q(partial_percent__lte=models.F("achieved_percent")),
                name="plan_thresholds_ordered",
                message="△の基準（%）は、〇の基準（%）以下にしてください。",
                field="partial_percent",
            ),
            check(
                condition=models.Q(kind="action_plan", number__lt=ACTION_PLAN_NUMBER_LIMIT)
                | models.Q(
                    kind="programme",
                    number=models.F("start_fiscal_year"),
                    end_fiscal_year=models.F("start_fiscal_year"),
                ),
                name="plan_number_by_kind",
                message="番号は、行動計画では1〜999、事業では開始年度と同じ数にしてください（事業は1年度だけで、終了年度も開始年度と同じです）。",
                field="number",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.number,)

    @property
    def fiscal_years(self) -> range:
        return range(self.start_fiscal_year, self.end_fiscal_year + 1)

    @property
    def is_programme(self) -> bool:
        return self.kind == self.Kind.PROGRAMME

    @property
    def label(self) -> str:
        """The plan's name in lists: 第2次計画, or a programme's own name (令和6年度 知財経営支援…)."""
        return self.name if self.is_programme else f"第{self.number}次計画"

    @property
    def short_label(self) -> str:
        """For narrow table headers: 第2次, or モデル地域創出事業 2024年度 for a programme."""
        return (
            f"モデル地域創出事業 {self.start_fiscal_year}年度" if self.is_programme else f"第{self.number}次"
        )


class BasicPolicyManager(models.Manager):
    def get_by_natural_key(self, plan_number, number):
        return self.get(plan__number=plan_number, number=number)


class BasicPolicy(FieldConstraints):
    """基本方針 of a plan."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="policies", verbose_name=_("行動計画")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("基本方針"), max_length=120)
    description = models.TextField(_("内容"), blank=True)

    objects = BasicPolicyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan__number", "number"]
        verbose_name = _("基本方針")
        verbose_name_plural = _("基本方針")
        constraints = [
            unique(
                fields=["plan", "number"],
                name="policy_unique_number",
                message="この行動計画には、同じ番号の基本方針が既にあります。",
                field="number",
            )
        ]

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


class Measure(FieldConstraints):
    """施策: a line of a basic policy's table, with its deadline, reported result and mark."""

    class Category(models.TextChoices):
        CROSS_CUTTING = "cross_cutting", _("横断的支援")
        ACQUISITION = "acquisition", _("取得に係る支援")
        UTILIZATION = "utilization", _("活用に係る支援")
        PROTECTION = "protection", _("保護に係る支援")

    class Mark(models.TextChoices):
        ACHIEVED = "achieved", "〇"  # U+3007, as the measures tables print it
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy__plan__number", "policy__number", "order"]
        verbose_name = _("施策")
        verbose_name_plural = _("施策")
        constraints = [
            unique(
                fields=["policy", "category", "number"],
                name="measure_unique_number",
                message="この基本方針の同じ区分には、同じ番号の施策が既にあります。",
                field="number",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.number}"

    def natural_key(self):
        return (*self.policy.natural_key(), self.category, self.number)

    natural_key.dependencies = ["plans.basicpolicy"]


class ReportedResultManager(models.Manager):
    def get_by_natural_key(self, plan_number, scope, area, fiscal_year):
        return self.get(plan__number=plan_number, scope=scope, area=area, fiscal_year=fiscal_year)


class ReportedResult(FieldConstraints):
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan__number", "scope", "fiscal_year", "area"]
        verbose_name = _("報告値（集計のみ）")
        verbose_name_plural = _("報告値（集計のみ）")
        constraints = [
            unique(
                fields=["plan", "scope", "area", "fiscal_year"],
                name="reported_result_unique",
                message="この行動計画・対象・範囲・年度の報告値は既に登録されています。",
                field="fiscal_year",
            ),
            check(
                condition=models.Q(items_achieved__lte=models.F("items_total")),
                name="reported_result_achieved_within_total",
                message="達成項目数は、項目数以下にしてください。",
                field="items_achieved",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.get_scope_display()} {self.area} {self.items_achieved}/{self.items_total}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.scope, self.area, self.fiscal_year)

    natural_key.dependencies = ["plans.plan"]


class DesignationManager(models.Manager):
    def get_by_natural_key(self, programme_number, region_code):
        return self.get(programme__number=programme_number, region__code=region_code)


class Designation(FieldConstraints):
    """A region the programme designates for its fiscal year (知財支援重点エリア, 004 §1(2)): a
    prefecture or a designated city, where a business producer is sent. The designated regions are
    the ones that own the programme's regional KPIs and report on them.
    """

    programme = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="designations",
        limit_choices_to={"kind": Plan.Kind.PROGRAMME},
        verbose_name=_("事業"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="designations", verbose_name=_("地域")
    )
    note = models.TextField(_("注記"), blank=True)
    source = models.CharField(_("出典"), max_length=200, blank=True)

    objects = DesignationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme__number", "region__order", "region__code"]
        verbose_name = _("指定地域（知財支援重点エリア）")
        verbose_name_plural = _("指定地域（知財支援重点エリア）")
        constraints = [
            unique(
                fields=["programme", "region"],
                name="designation_once_per_region",
                message="この地域は、この事業に既に指定されています。",
                field="region",
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.region.name_ja}"

    def natural_key(self):
        return (*self.programme.natural_key(), *self.region.natural_key())

    natural_key.dependencies = ["plans.plan", "regions.region"]

    @property
    def fiscal_year(self) -> int:
        return self.programme.start_fiscal_year

    def clean(self):
        super().clean()
        if self.programme_id and not self.programme.is_programme:
            raise ValidationError(
                {"programme": _("地域を指定できるのは事業（モデル地域創出事業）だけです。")}
            )
