"""Dashboard tables (django-tables2): sortable on screen, exported with numbers as numbers."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from kpis.achievement import Status, round_percent
from plans.fiscal import H1, H2, HALF_LABELS
from reports.display.formatting import display_number, display_percent, plain_number

NUMBER_ATTRS = {"td": {"class": "number"}, "th": {"class": "number"}}


class NumberColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return display_number(value)

    def value(self, value):
        return plain_number(value)


class PercentColumn(NumberColumn):
    """A rate printed the documents' way: whole percent (129%), or one decimal for item rates (91.9%)."""

    def __init__(self, *args, places: int = 0, **kwargs):
        self.places = places
        super().__init__(*args, **kwargs)

    def render(self, value):
        return display_percent(value, self.places)

    def value(self, value):
        return plain_number(round_percent(value, self.places)) if value is not None else None


class RateWithStatusColumn(PercentColumn):
    """On screen "107% ○" in one cell; in exports the rate alone (the status has its own column)."""

    def __init__(self, *args, status_key: str, **kwargs):
        self.status_key = status_key
        # render() even without a rate, so an unreported row says 未報告 rather than "—"
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        status = record.get(self.status_key)
        mark = Status(status).label if status else ""
        return f"{display_percent(value, self.places)} {mark}".strip() if value is not None else mark or "—"


class StatusColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return Status(value).label

    def value(self, value):
        return Status(value).label if value else ""


class BlockResultTable(tables.Table):
    block = tables.Column(verbose_name=_("ブロック"), linkify=lambda record: record["url"])
    items = NumberColumn(verbose_name=_("項目数（目標あり）"))
    reported = NumberColumn(verbose_name=_("報告済み"))
    achieved = NumberColumn(verbose_name=_("達成（○）"))
    rate = PercentColumn(verbose_name=_("達成率"), places=1)
    reported_achieved = NumberColumn(verbose_name=_("報告値 達成項目"))
    reported_items = NumberColumn(verbose_name=_("報告値 項目数"))
    reported_rate = PercentColumn(verbose_name=_("報告値 達成率"), places=1)

    class Meta:
        orderable = True
        attrs = {"class": "results"}


def central_kpi_table(rows: list[dict], fiscal_years) -> tables.Table:
    """One row per central indicator, with target, actual, rate and status for every plan year."""
    extra = []
    for year in fiscal_years:
        extra += [
            (f"target_{year}", NumberColumn(verbose_name=f"{year}年度 目標")),
            (f"actual_{year}", NumberColumn(verbose_name=f"{year}年度 実績")),
            (
                f"rate_{year}",
                RateWithStatusColumn(verbose_name=f"{year}年度 達成率", status_key=f"status_{year}"),
            ),
            # shown inside the rate cell; a column of its own in exports
            (f"status_{year}", StatusColumn(verbose_name=f"{year}年度 状況", visible=False)),
        ]
    return CentralKpiTable(rows, extra_columns=extra)


class CentralKpiTable(tables.Table):
    kpi = tables.Column(verbose_name=_("KPI"), linkify=lambda record: record["url"])
    kind = tables.Column(verbose_name=_("種類"))
    unit = tables.Column(verbose_name=_("単位"))

    class Meta:
        orderable = False
        attrs = {"class": "results central"}


class RevisionTable(tables.Table):
    region = tables.Column(verbose_name="地域")
    kpi = tables.Column(verbose_name="KPI", linkify=lambda record: record["url"])
    subject = tables.Column(verbose_name="改定の対象")
    effective = tables.Column(verbose_name="適用開始年度")
    old = tables.Column(verbose_name="改定前", attrs={"td": {"class": "revision-text"}})
    new = tables.Column(verbose_name="改定後", attrs={"td": {"class": "revision-text"}})
    reason = tables.Column(verbose_name="改定理由", attrs={"td": {"class": "revision-text"}})
    revised_by = tables.Column(verbose_name="改定者")
    revised_at = tables.Column(verbose_name="改定日時")

    class Meta:
        orderable = False
        attrs = {"class": "results revisions"}


class IndicatorResultTable(tables.Table):
    """One row per regional indicator: target, the halves' and the year's actuals, rate and status."""

    region = tables.Column(verbose_name=_("地域"))
    kpi = tables.Column(verbose_name=_("KPI"), linkify=lambda record: record["url"])
    indicator = tables.Column(verbose_name=_("指標"))
    unit = tables.Column(verbose_name=_("単位"))
    target = NumberColumn(verbose_name=_("目標"))
    target_label = tables.Column(verbose_name=_("目標の区分"), default="")
    h1 = NumberColumn(verbose_name=f"{HALF_LABELS[H1]}実績")
    h2 = NumberColumn(verbose_name=f"{HALF_LABELS[H2]}実績")
    year = NumberColumn(verbose_name=_("年度実績"))
    cumulative = NumberColumn(verbose_name=_("累計実績"))
    rate = RateWithStatusColumn(verbose_name=_("達成率"), status_key="status")
    # shown inside the rate cell; a column of its own in exports
    status = StatusColumn(verbose_name=_("状況"), visible=False)
    # only on pages that include submitted figures (速報)
    basis = tables.Column(verbose_name=_("速報"), default="")

    class Meta:
        orderable = False
        attrs = {"class": "results indicators"}


class RegionSummaryTable(BlockResultTable):
    block = tables.Column(verbose_name=_("地域"), linkify=lambda record: record["url"])

    class Meta(BlockResultTable.Meta):
        orderable = False
