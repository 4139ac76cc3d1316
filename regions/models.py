"""Region blocks (one per METI regional bureau) and the regions that own regional KPIs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.constraints import FieldConstraints, check


class BlockManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Block(models.Model):
    """A region block: the prefectures one regional bureau looks after."""

    code = models.SlugField(_("ブロックコード"), max_length=20, unique=True)
    name_ja = models.CharField(_("ブロック名"), max_length=20)
    name_en = models.CharField(_("ブロック名（英語）"), max_length=40)
    bureau_ja = models.CharField(_("経済産業局等"), max_length=40)
    bureau_en = models.CharField(_("経済産業局等（英語）"), max_length=80)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = BlockManager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("地域ブロック")
        verbose_name_plural = _("地域ブロック")

    def __str__(self):
        return self.name_ja

    def natural_key(self):
        return (self.code,)


class RegionManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(FieldConstraints):
    """A prefecture (JIS code 01–47) or a designated city taking part in a programme."""

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("都道府県")
        DESIGNATED_CITY = "designated_city", _("政令指定都市")

    code = models.CharField(
        _("地域コード"),
        max_length=6,
        unique=True,
        help_text=_("都道府県はJISコード（01〜47）、政令市は全国地方公共団体コード（例: 28100）"),
    )
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices, default=Kind.PREFECTURE)
    name_ja = models.CharField(_("名称"), max_length=20)
    short_name_ja = models.CharField(_("略称"), max_length=10)
    name_en = models.CharField(_("名称（英語）"), max_length=40)
    block = models.ForeignKey(
        Block, on_delete=models.PROTECT, related_name="regions", verbose_name=_("ブロック")
    )
    prefecture = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cities",
        verbose_name=_("所在都道府県"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = RegionManager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("地域")
        verbose_name_plural = _("地域")
        constraints = [
            check(
                condition=models.Q(kind="prefecture", prefecture__isnull=True)
                | models.Q(kind="designated_city", prefecture__isnull=False),
                name="region_city_has_prefecture",
                message="政令指定都市には所在都道府県を選び、都道府県では所在都道府県を空欄にしてください。",
                field="prefecture",
            ),
        ]

    def __str__(self):
        return self.name_ja

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["regions.block"]


class Affiliation(FieldConstraints):
    """Which organisation a user belongs to: a block's bureau, or one region's office.

    Central staff and viewers have none. Scoping rules built on this live with the roles.
    """

    user = models.OneToOneField(
        "auth.User", on_delete=models.CASCADE, related_name="affiliation", verbose_name=_("ユーザー")
    )
    block = models.ForeignKey(
        Block,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ブロック（経済産業局等）"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("地域（自治体）"),
    )

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        constraints = [
            check(
                condition=models.Q(block__isnull=True) | models.Q(region__isnull=True),
                name="affiliation_block_or_region",
                message="所属は、ブロック（経済産業局等）か地域（自治体）のどちらか一方だけを選んでください。",
                field="region",
            ),
        ]

    def __str__(self):
        return str(self.region or self.block or "-")
