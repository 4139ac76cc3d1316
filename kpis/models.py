"""KPIs, their numeric indicators, and the targets and actuals of each indicator.

A KPI is the text a plan sets (a central KPI, or one bullet of a prefecture's 別添2 list).
One KPI text can hold several numeric indicators ("セミナーを年6回…伴走型支援も行う");
targets and actuals belong to the indicator.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.figure_constraints import figure_constraints
from kpis.history import user_reference
from plans.fiscal import HALF_LABELS
from plans.models import Plan
from regions.constraints import FieldConstraints, check, unique
from regions.models import Region


class Period(models.TextChoices):
    """What a figure's `year` means."""

    H1 = "h1", HALF_LABELS["h1"]
    H2 = "h2", HALF_LABELS["h2"]
    FISCAL_YEAR = "fy", _("年度")
    CALENDAR_YEAR = "cy", _("年")
    CUMULATIVE = "cum", _("累計")


class Measure(models.TextChoices):
    COUNT = "count", _("件数等（整数）")
    PERCENT = "percent", _("割合（%）")
    QUANTITY = "quantity", _("数量（小数可）")


class IndustrialVisionManager(models.Manager):
    def get_by_natural_key(self, plan_number, region_code, number):
        return self.get(plan__number=plan_number, region__code=region_code, number=number)


class IndustrialVision(FieldConstraints):
    """産業振興ビジョン等: the prefectural policy a region's KPIs serve, with its stated goals."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="visions", verbose_name=_("行動計画")
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="visions", verbose_name=_("地域")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("名称"), max_length=200)
    period_label = models.CharField(_("期間"), max_length=60, blank=True)
    text = models.TextField(_("目標"), blank=True)
    source = models.CharField(_("出典"), max_length=200, blank=True)

    objects = IndustrialVisionManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan__number", "region__order", "number"]
        verbose_name = _("産業振興ビジョン等")
        verbose_name_plural = _("産業振興ビジョン等")
        constraints = [
            unique(
                fields=["plan", "region", "number"],
                name="vision_unique_number",
                message="この地域のこの行動計画には、同じ番号の産業ビジョンが既にあります。",
                field="number",
            )
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.plan.natural_key(), *self.region.natural_key(), self.number)

    natural_key.dependencies = ["plans.plan", "regions.region"]


class KpiManager(models.Manager):
    def get_by_natural_key(self, plan_number, code):
        return self.get(plan__number=plan_number, code=code)


class Kpi(FieldConstraints):
    class Level(models.TextChoices):
        CENTRAL = "central", _("中央")
        REGIONAL = "regional", _("地域")

    class Kind(models.TextChoices):
        CORE = "core", _("基幹指標")
        SUPPORTING = "supporting", _("付随する中央KPI")
        EFFECT = "effect", _("効果指標（アウトカム）")
        ACTIVITY = "activity", _("活動指標")

    class Stage(models.IntegerChoices):
        AWARENESS = 1, _("ステージ1 知財への気づき（認知）")
        ACQUISITION_AND_USE = 2, _("ステージ2 知財の活用（取得・活用）")
        IP_MANAGEMENT = 3, _("ステージ3 知財経営の実践・定着")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("行動計画"))
    code = models.CharField(
        _("KPIコード"),
        max_length=20,
        help_text=_("計画内で一意（中央: C01…、地域: 地域コード-番号 例 14-1）"),
    )
    level = models.CharField(_("区分"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="kpis", verbose_name=_("地域")
    )
    kind = models.CharField(_("種類"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    text = models.TextField(_("KPI本文"))
    period_label = models.CharField(_("対象期間（文書の表記）"), max_length=60, blank=True)
    stage = models.PositiveSmallIntegerField(
        _("知財活用ステージ"), choices=Stage.choices, null=True, blank=True
    )
    vision = models.ForeignKey(
        IndustrialVision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpis",
        verbose_name=_("産業振興ビジョン等"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    note = models.TextField(_("注記"), blank=True)
    source = models.CharField(_("出典"), max_length=200, blank=True)

    objects = KpiManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan__number", "level", "region__order", "order", "code"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI")
        constraints = [
            unique(
                fields=["plan", "code"],
                name="kpi_unique_code",
                message="この行動計画には、同じKPIコードのKPIが既にあります。",
                field="code",
            ),
            check(
                condition=models.Q(level="central", region__isnull=True)
                | models.Q(level="regional", region__isnull=False),
                name="kpi_regional_has_region",
                message="地域KPIには地域を選び、中央KPIでは地域を空欄にしてください。",
                field="region",
            ),
            check(
                condition=models.Q(stage__isnull=True) | models.Q(stage__gte=1, stage__lte=3),
                name="kpi_stage_1_to_3",
                message="支援段階は1〜3で入力してください。",
                field="stage",
            ),
        ]

    def __str__(self):
        owner = self.region.name_ja if self.region_id else self.get_level_display()
        return f"[{self.plan.number}次 {owner}] {self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["plans.plan", "regions.region", "kpis.industrialvision"]


class IndicatorManager(models.Manager):
    def get_by_natural_key(self, plan_number, kpi_code, code):
        return self.get(kpi__plan__number=plan_number, kpi__code=kpi_code, code=code)


class Indicator(FieldConstraints):
    """One numeric indicator of a KPI: what is counted, in which unit, and how it is judged."""

    class TargetShape(models.TextChoices):
        PER_YEAR = "per_year", _("年度ごと")
        CUMULATIVE = "cumulative", _("計画期間累計")
        BASELINE_TO_TARGET = "baseline", _("基準値→目標値")
        SHARE = "share", _("割合")
        MILESTONE = "milestone", _("期限付き達成事項")
        NONE = "none", _("数値目標なし")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("大きいほど良い")
        LOWER = "lower", _("小さいほど良い")

    class Aggregation(models.TextChoices):
        FLOW = "flow", _("フロー（期間の合計）")
        LEVEL = "level", _("ストック（最新値）")

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("KPI"))
    code = models.CharField(_("指標コード"), max_length=10, help_text=_("KPI内で一意（1, 2, …）"))
    name = models.CharField(_("指標名"), max_length=200)
    unit = models.CharField(_("単位"), max_length=10, help_text=_("件, 社, 回, 者, 機関, % など"))
    measure = models.CharField(_("値の種類"), max_length=10, choices=Measure.choices, default=Measure.COUNT)
    target_shape = models.CharField(_("目標の形"), max_length=12, choices=TargetShape.choices)
    direction = models.CharField(_("方向"), max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    aggregation = models.CharField(
        _("集計"), max_length=6, choices=Aggregation.choices, default=Aggregation.FLOW
    )
    # The documents print most rates whole (129%) and a few with decimals (003: 251社 (達成率 167.3%)).
    rate_places = models.PositiveSmallIntegerField(
        _("達成率の小数桁数"),
        default=0,
        help_text=_("出典が達成率を印字する小数点以下の桁数（0: 129%、1: 167.3%）。四捨五入。"),
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("前計画の対応指標"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    note = models.TextField(_("注記"), blank=True)

    objects = IndicatorManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi__plan__number", "kpi__order", "order", "code"]
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        constraints = [
            unique(
                fields=["kpi", "code"],
                name="indicator_unique_code",
                message="このKPIには、同じ指標コードの指標が既にあります。",
                field="code",
            ),
            check(
                condition=~models.Q(measure="percent") | models.Q(unit="%"),
                name="indicator_percent_unit",
                message="割合の指標の単位は「%」にしてください。",
                field="unit",
            ),
            check(
                condition=models.Q(rate_places__lte=3),
                name="indicator_rate_places_0_to_3",
                message="達成率の小数点以下の桁数は0〜3で入力してください。",
                field="rate_places",
            ),
        ]

    def __str__(self):
        return f"{self.kpi} / {self.name}"

    def natural_key(self):
        return (*self.kpi.natural_key(), self.code)

    natural_key.dependencies = ["kpis.kpi"]


class FigureManager(models.Manager):
    def get_by_natural_key(self, plan_number, kpi_code, indicator_code, period, year):
        return self.get(
            indicator__kpi__plan__number=plan_number,
            indicator__kpi__code=kpi_code,
            indicator__code=indicator_code,
            period=period,
            year=year,
        )


class Figure(FieldConstraints):
    """What targets and actuals share: a value of an indicator for one period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, verbose_name=_("指標"))
    period = models.CharField(_("期間の種類"), max_length=3, choices=Period.choices)
    year = models.PositiveSmallIntegerField(
        _("年度（年）"), help_text=_("年度・上期・下期は年度、年は暦年、累計は最終年度")
    )
    start_year = models.PositiveSmallIntegerField(_("累計の開始年度"), null=True, blank=True)
    value = models.DecimalField(_("値"), max_digits=14, decimal_places=2)
    # A copy of the indicator's measure: database checks cannot look at another table.
    measure = models.CharField(_("値の種類"), max_length=10, choices=Measure.choices, editable=False)
    note = models.TextField(_("注記"), blank=True)
    source = models.CharField(_("出典"), max_length=200, blank=True)

    objects = FigureManager()

    class Meta:
        abstract = True
        ordering = ["indicator", "year", "period"]

    def natural_key(self):
        return (*self.indicator.natural_key(), self.period, self.year)

    def clean(self):
        super().clean()
        measure = self.indicator.measure if self.indicator_id else None
        if (
            self.value is not None
            and measure == Measure.COUNT
            and self.value != self.value.to_integral_value()
        ):
            raise ValidationError({"value": _("件数等の値は整数で入力してください。")})
        if self.value is not None and measure == Measure.PERCENT and self.value > 100:
            raise ValidationError({"value": _("割合は0〜100の範囲で入力してください。")})
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": _("負の値は入力できません。")})

    natural_key.dependencies = ["kpis.indicator"]


class Target(Figure):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("指標")
    )
    baseline_value = models.DecimalField(_("基準値"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基準年度（年）"), null=True, blank=True)
    is_minimum = models.BooleanField(_("以上（下限目標）"), default=False)
    due_date = models.DateField(_("期限"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta(Figure.Meta):
        verbose_name = _("目標")
        verbose_name_plural = _("目標")
        constraints = [
            *figure_constraints("target"),
            check(
                condition=models.Q(baseline_value__isnull=True) | models.Q(baseline_value__gte=0),
                name="target_baseline_not_negative",
                message="基準値は0以上で入力してください。",
                field="baseline_value",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.get_period_display()} {self.year}: {self.value}"


class Actual(Figure):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("指標")
    )
    achieved_on = models.DateField(_("達成日"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta(Figure.Meta):
        verbose_name = _("実績")
        verbose_name_plural = _("実績")
        constraints = figure_constraints("actual")

    def __str__(self):
        return f"{self.indicator.name} {self.get_period_display()} {self.year}: {self.value}"


class Revision(FieldConstraints):
    """A revision of a KPI's text or of an indicator's target (3rd plan III-3: a KPI may be revised
    when the prefecture's vision changes), with its reason and the fiscal year it takes effect from.
    The figures themselves change through kpis/revisions.py; this row is what the liaison meeting reads.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("KPI"))
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("指標"),
        help_text=_("目標値の改定のとき"),
    )
    effective_fiscal_year = models.PositiveSmallIntegerField(_("適用開始年度"))
    reason = models.TextField(_("改定理由"))
    old_text = models.TextField(_("改定前のKPI本文"), blank=True)
    new_text = models.TextField(_("改定後のKPI本文"), blank=True)
    old_value = models.DecimalField(
        _("改定前の目標値"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("改定後の目標値"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revised_by = user_reference(_("改定者"))
    revised_at = models.DateTimeField(_("改定日時"), default=timezone.now)

    class Meta:
        ordering = ["-revised_at", "-pk"]
        verbose_name = _("KPI・目標の改定")
        verbose_name_plural = _("KPI・目標の改定")
        constraints = [
            check(
                condition=~models.Q(reason=""),
                name="revision_has_reason",
                message="改定理由を入力してください。",
                field="reason",
            ),
        ]

    def __str__(self):
        return f"{self.kpi} {self.effective_fiscal_year}年度〜"


class FiguresStamp(models.Model):
    """A value that changes, in the writer's own transaction, whenever anything an indicator's
    judgement reads changes: its targets, its actuals, its own rules (kpis/stamps.py). Judgements kept
    between requests are kept under it (reports/dashboards/judged_memo.py). It is random, so a
    rolled-back change never leaves a value that a later change could take again. A plain id, not a
    foreign key: a stamp written while its indicator is deleted in the same transaction does no harm
    (ids are never given twice)."""

    indicator_id = models.BigIntegerField(primary_key=True)
    token = models.BigIntegerField()

    class Meta:
        verbose_name = _("指標の判定用スタンプ")
        verbose_name_plural = _("指標の判定用スタンプ")

    def __str__(self):
        return f"{self.indicator_id}: {self.token}"
