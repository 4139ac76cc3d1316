"""Regional liaison meetings (地域連絡会議) and the cut-off of their packs (reports/meetings/)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.history import user_reference
from regions.constraints import FieldConstraints, check
from regions.models import Block


class LiaisonMeeting(models.Model):
    """A block's regional liaison meeting (地域連絡会議) in a fiscal year, and the cut-off of its pack.

    The pack (reports/meetings/packs.py) shows what the portal held at `as_of`, read from the history, so
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


class DecisionItem(FieldConstraints):
    """A decision or task (決定事項・宿題) of a liaison meeting, followed until it is done.

    Its owner is a region of the block, the block's bureau or central staff; a region's open items come
    back on its next half-year report, where its officers answer them (reports/meetings/decisions.py).
    """

    class Owner(models.TextChoices):
        REGION = "region", _("地域（都道府県）")
        BUREAU = "bureau", _("経済産業局等")
        CENTRAL = "central", _("中央（特許庁・INPIT）")

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("未着手")
        IN_PROGRESS = "in_progress", _("対応中")
        DONE = "done", _("完了")

    meeting = models.ForeignKey(
        LiaisonMeeting, on_delete=models.PROTECT, related_name="items", verbose_name=_("地域連絡会議")
    )
    content = models.TextField(_("決定事項・宿題"))
    owner = models.CharField(_("担当"), max_length=10, choices=Owner.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_items",
        verbose_name=_("担当の地域"),
    )
    due_on = models.DateField(_("期限"))
    kpi = models.ForeignKey(
        "kpis.Kpi",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_items",
        verbose_name=_("関係するKPI"),
    )
    state = models.CharField(_("状態"), max_length=12, choices=State.choices, default=State.NOT_STARTED)
    response = models.TextField(_("対応状況"), blank=True)
    closed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版"), default=1)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    created_by = user_reference(_("作成者"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = user_reference(_("更新者"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("決定事項・宿題")
        verbose_name_plural = _("決定事項・宿題")
        constraints = [
            # a region's item names its region; the bureau's and central's name none
            check(
                condition=(models.Q(owner="region", region__isnull=False))
                | (~models.Q(owner="region") & models.Q(region__isnull=True)),
                name="decision_item_region_iff_owner_region",
                message="担当が地域のときは地域を選び、ブロック・中央のときは地域を空けてください。",
                field="region",
            )
        ]

    def __str__(self):
        return self.content[:40]

    @property
    def is_open(self) -> bool:
        return self.state != self.State.DONE

    def owner_label(self) -> str:
        if self.owner == self.Owner.REGION and self.region_id:
            return self.region.name_ja
        if self.owner == self.Owner.BUREAU:
            return self.meeting.block.bureau_ja
        return str(self.get_owner_display())
