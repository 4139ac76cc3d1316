"""The dashboards' data versions: numbers that only ever go up, in a table nothing culls
(how they are raised and read: reports/dashboards/versions.py)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    class Name(models.TextChoices):
        FIGURES = "figures", _("数値")
        SUBMISSIONS = "submissions", _("提出済みの報告（速報）")

    name = models.CharField(_("名前"), max_length=20, primary_key=True, choices=Name.choices)
    generation = models.UUIDField(_("世代"), default=uuid.uuid4, editable=False)
    number = models.PositiveBigIntegerField(_("版"), default=1)

    class Meta:
        verbose_name = _("ダッシュボードのデータ版")
        verbose_name_plural = _("ダッシュボードのデータ版")

    def __str__(self):
        return f"{self.name} {self.number}"

    @property
    def token(self) -> str:
        return f"{self.generation.hex}.{self.number}"
