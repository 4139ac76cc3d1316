"""Case studies (成果事例): themes, case studies, their steps and figures (reports/case_studies/)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.history import user_reference
from kpis.models import Indicator, Kpi
from plans.models import Plan
from regions.constraints import FieldConstraints, check, unique
from regions.models import Region


class CaseStudyThemeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class CaseStudyTheme(models.Model):
    """What a case study is about (ブランド・地域団体商標, 外国出願, 営業秘密, …), for the library's filter."""

    code = models.SlugField(_("テーマコード"), max_length=30, unique=True)
    label = models.CharField(_("テーマ"), max_length=60)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = CaseStudyThemeManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("成果事例のテーマ")
        verbose_name_plural = _("成果事例のテーマ")

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.code,)


class CaseStudyManager(models.Manager):
    def get_by_natural_key(self, plan_number, code):
        return self.get(plan__number=plan_number, code=code)


class CaseStudy(FieldConstraints):
    """A region's case study (成果事例): what the supporting bodies did, step by step, and what came of it.
    A case study without a region is a central one (中央レベル, 000 §4-3: the help desks' collaboration
    with よろず支援拠点), illustrating a central KPI; only central staff draft and publish those.

    Its figures are not stored here: each CaseStudyFigure names an indicator and a fiscal year, and
    the value and rate are read from that indicator's actuals and targets.
    Officers draft; the bureau of the block or central staff publish. A published case study is
    visible to every signed-in user and locked until central staff set it back to draft.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("作成中")
        PUBLISHED = "published", _("公開")

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="case_studies", verbose_name=_("行動計画")
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_studies",
        verbose_name=_("地域"),
        help_text=_("空欄は中央（特許庁・INPIT）の事例"),
    )
    code = models.CharField(
        _("事例コード"), max_length=20, help_text=_("計画内で一意（地域コード-番号 例 14-1、中央は C-番号）")
    )
    kpi = models.ForeignKey(
        Kpi,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_studies",
        verbose_name=_("対象の地域KPI"),
    )
    title = models.CharField(_("題名"), max_length=200)
    subtitle = models.CharField(_("副題"), max_length=200, blank=True)
    kpi_text = models.TextField(
        _("KPI（事例の記載）"), blank=True, help_text=_("地域KPIを選んだときは空欄（KPI本文を表示します）")
    )
    outcomes = models.TextField(_("成果（アウトカム）"), blank=True)
    stage = models.PositiveSmallIntegerField(
        _("知財活用ステージ"), choices=Kpi.Stage.choices, null=True, blank=True
    )
    themes = models.ManyToManyField(
        CaseStudyTheme, blank=True, related_name="case_studies", verbose_name=_("テーマ")
    )
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Optimistic locking, as for progress reports: every change raises it.
    version = models.PositiveIntegerField(_("版"), default=1)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    created_at = models.DateTimeField(_("作成日時"), null=True, blank=True)
    created_by = user_reference(_("作成者"))
    updated_at = models.DateTimeField(_("更新日時"), null=True, blank=True)
    updated_by = user_reference(_("更新者"))
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    published_by = user_reference(_("公開者"))
    unpublish_reason = models.TextField(_("作成中に戻した理由"), blank=True)
    note = models.TextField(_("注記"), blank=True)
    source = models.CharField(_("出典"), max_length=200, blank=True)

    objects = CaseStudyManager()
    history = HistoricalRecords()

    class Meta:
        # a plan's central case studies first, on every database (PostgreSQL puts NULLs last)
        ordering = ["-plan__number", models.F("region__order").asc(nulls_first=True), "order", "code"]
        verbose_name = _("成果事例")
        verbose_name_plural = _("成果事例")
        constraints = [
            unique(
                fields=["plan", "code"],
                name="case_study_unique_code",
                message="この行動計画には、同じコードの成果事例が既にあります。",
                field="code",
            ),
            check(
                condition=models.Q(stage__isnull=True) | models.Q(stage__gte=1, stage__lte=3),
                name="case_study_stage_1_to_3",
                message="支援段階は1〜3で入力してください。",
                field="stage",
            ),
        ]

    CENTRAL_LABEL = "中央（特許庁・INPIT）"

    def __str__(self):
        return f"[{self.plan.number}次 {self.owner_label}] {self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["plans.plan", "regions.region", "kpis.kpi", "reports.casestudytheme"]

    @property
    def is_central(self) -> bool:
        return self.region_id is None

    @property
    def owner_label(self) -> str:
        """Whose case study it is: the region's name, or 中央（特許庁・INPIT）."""
        return self.CENTRAL_LABEL if self.is_central else self.region.name_ja

    def clean(self):
        super().clean()
        if self.kpi_id and self.plan_id:
            kpi = self.kpi
            if kpi.plan_id != self.plan_id or kpi.region_id != self.region_id:
                if self.is_central:
                    raise ValidationError({"kpi": _("中央の事例には、この計画の中央KPIを選んでください。")})
                raise ValidationError({"kpi": _("この計画・地域の地域KPIを選んでください。")})

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def shown_kpi_text(self) -> str:
        """The KPI as stated: the linked KPI's own text, else what the case study quotes."""
        return self.kpi.text if self.kpi_id else self.kpi_text


class CaseStudyPartManager(models.Manager):
    def get_by_natural_key(self, plan_number, case_code, order):
        return self.get(case_study__plan__number=plan_number, case_study__code=case_code, order=order)


class CaseStudyStep(FieldConstraints):
    """One of the supporting bodies' actions, dated as the document prints it ("H30.10", "２０１８．４")."""

    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="steps", verbose_name=_("成果事例")
    )
    order = models.PositiveSmallIntegerField(_("順序"))
    date_label = models.CharField(_("時期（表記）"), max_length=40, blank=True)
    month = models.DateField(_("年月"), null=True, blank=True, help_text=_("時期の表記から読んだ月の初日"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    text = models.TextField(_("取組"))

    objects = CaseStudyPartManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["case_study", "order"]
        verbose_name = _("成果事例の取組")
        verbose_name_plural = _("成果事例の取組")
        constraints = [
            unique(
                fields=["case_study", "order"],
                name="case_study_step_unique_order",
                message="この成果事例には、同じ順序の取組が既にあります。",
                field="order",
            ),
        ]

    def __str__(self):
        return f"{self.date_label} {self.text[:40]}".strip()

    def natural_key(self):
        return (*self.case_study.natural_key(), self.order)

    natural_key.dependencies = ["reports.casestudy"]


class CaseStudyFigure(FieldConstraints):
    """A figure a case study shows: an indicator's result in a fiscal year. The value comes from the
    indicator's actuals and the rate from the achievement engine, so the two cannot disagree."""

    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="figures", verbose_name=_("成果事例")
    )
    order = models.PositiveSmallIntegerField(_("順序"))
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="case_study_figures", verbose_name=_("指標")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    label = models.CharField(_("見出し"), max_length=100, blank=True, help_text=_("例: セミナー実績"))

    objects = CaseStudyPartManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["case_study", "order"]
        verbose_name = _("成果事例の実績")
        verbose_name_plural = _("成果事例の実績")
        constraints = [
            unique(
                fields=["case_study", "order"],
                name="case_study_figure_unique_order",
                message="この成果事例には、同じ順序の数値が既にあります。",
                field="order",
            ),
            unique(
                fields=["case_study", "indicator", "fiscal_year"],
                name="case_study_figure_once",
                message="この成果事例には、同じ指標・年度の数値が既にあります。",
                field="fiscal_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.fiscal_year}年度"

    def natural_key(self):
        return (*self.case_study.natural_key(), self.order)

    natural_key.dependencies = ["reports.casestudy", "kpis.indicator"]
