"""Half-year progress reports: reporting periods, each region's report and its entries, and the
central KPIs' actual entry. The rules that move them between states live in reports/workflow.py.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.history import user_reference
from kpis.models import Indicator, Kpi
from plans.models import Plan
from regions.models import Block, Region
from reports.dashboards.versions import DataVersion  # noqa: F401  (its own module: the cache's versions)


class Half(models.TextChoices):
    H1 = "h1", _("上期")
    H2 = "h2", _("下期")


class ReportingPeriod(models.Model):
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
            models.UniqueConstraint(fields=["plan", "fiscal_year", "half"], name="period_unique_half"),
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
        if self.half == Half.H1:
            return datetime.date(self.fiscal_year, 9, 30)
        return datetime.date(self.fiscal_year + 1, 3, 31)


class ProgressReport(models.Model):
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
            models.UniqueConstraint(fields=["period", "region"], name="report_one_per_region_period"),
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


class ReportEntry(models.Model):
    """One indicator's line in a region's half-year report."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="entries", verbose_name=_("報告")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="report_entries", verbose_name=_("指標")
    )
    value = models.DecimalField(_("今期の実績"), max_digits=14, decimal_places=2, null=True, blank=True)
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
            models.UniqueConstraint(fields=["report", "indicator"], name="entry_one_per_indicator"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="entry_value_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.report} / {self.indicator.name}"


class CentralEntry(models.Model):
    """A central KPI's actual as central staff enter it: a draft until confirmed into the actuals."""

    class Period(models.TextChoices):
        H1 = "h1", _("上期")
        H2 = "h2", _("下期")
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
            models.UniqueConstraint(
                fields=["indicator", "period", "fiscal_year"], name="central_entry_one_per_period"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="central_entry_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.fiscal_year} {self.get_period_display()}"


# --- case studies (成果事例) ------------------------------------------------------------------------


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


class CaseStudy(models.Model):
    """A region's case study (成果事例): what the supporting bodies did, step by step, and what came of it.

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
        Region, on_delete=models.PROTECT, related_name="case_studies", verbose_name=_("地域")
    )
    code = models.CharField(
        _("事例コード"), max_length=20, help_text=_("計画内で一意（地域コード-番号 例 14-1）")
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
        ordering = ["-plan__number", "region__order", "order", "code"]
        verbose_name = _("成果事例")
        verbose_name_plural = _("成果事例")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="case_study_unique_code"),
            models.CheckConstraint(
                condition=models.Q(stage__isnull=True) | models.Q(stage__gte=1, stage__lte=3),
                name="case_study_stage_1_to_3",
            ),
        ]

    def __str__(self):
        return f"[{self.plan.number}次 {self.region.name_ja}] {self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["plans.plan", "regions.region", "kpis.kpi", "reports.casestudytheme"]

    def clean(self):
        super().clean()
        if self.kpi_id and self.plan_id and self.region_id:
            kpi = self.kpi
            if kpi.plan_id != self.plan_id or kpi.region_id != self.region_id:
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


class CaseStudyStep(models.Model):
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
            models.UniqueConstraint(fields=["case_study", "order"], name="case_study_step_unique_order"),
        ]

    def __str__(self):
        return f"{self.date_label} {self.text[:40]}".strip()

    def natural_key(self):
        return (*self.case_study.natural_key(), self.order)

    natural_key.dependencies = ["reports.casestudy"]


class CaseStudyFigure(models.Model):
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
            models.UniqueConstraint(fields=["case_study", "order"], name="case_study_figure_unique_order"),
            models.UniqueConstraint(
                fields=["case_study", "indicator", "fiscal_year"], name="case_study_figure_once"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.fiscal_year}年度"

    def natural_key(self):
        return (*self.case_study.natural_key(), self.order)

    natural_key.dependencies = ["reports.casestudy", "kpis.indicator"]


class LiaisonMeeting(models.Model):
    """A block's regional liaison meeting (地域連絡会議) in a fiscal year, and the cut-off of its pack.

    The pack (reports/packs.py) shows what the portal held at `as_of`, read from the history, so
    minutes and pack never disagree however often the pack is generated again.
    """

    block = models.ForeignKey(
        Block, on_delete=models.PROTECT, related_name="liaison_meetings", verbose_name=_("地域ブロック")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("会議名"), max_length=200)
    held_on = models.DateField(_("開催日"))
    place = models.CharField(_("開催場所"), max_length=200, blank=True)
    online = models.BooleanField(_("オンライン開催"), default=False)
    participants = models.TextField(_("参加機関"), blank=True, help_text=_("1行に1機関"))
    agenda = models.TextField(_("議事次第"), blank=True)
    minutes = models.TextField(_("議事概要"), blank=True)
    decisions = models.TextField(_("決定事項"), blank=True)
    as_of = models.DateTimeField(
        _("資料の基準日時"), help_text=_("会議資料はこの日時にポータルにあった数値・報告で作成します。")
    )
    # Optimistic locking, as for reports and case studies.
    version = models.PositiveIntegerField(_("版"), default=1)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    created_by = user_reference(_("作成者"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = user_reference(_("更新者"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "block__order", "-pk"]
        verbose_name = _("地域連絡会議")
        verbose_name_plural = _("地域連絡会議")

    def __str__(self):
        return f"{self.block.name_ja} {self.fiscal_year}年度 {self.title}"

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]
