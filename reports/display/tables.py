"""Dashboard tables (django-tables2): sortable on screen, exported with numbers as numbers; pages
print them through reports/display/screen.py (`{% screen_table %}`), a row's cells in one pass.

A judged row carries what reports/display/judgements.py made of the rule's result: the rate as its
source prints it, the status word, the kind of result (確定, 進捗, 対象外), the pace and the note.
On screen the rate column shows the status cell; the exports carry each as a column of its own.
"""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from kpis.rules.rates import round_percent
from plans.dates import SHORT, japanese_datetime, local
from plans.fiscal import H1, H2, HALF_LABELS
from reports.display.formatting import display_number, display_percent, plain_number
from reports.display.judgements import forecast_html, status_html

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


class RateColumn(NumberColumn):
    """A judged rate already rounded as its source prints it (129, 167.3): shown with %, kept as is."""

    def render(self, value):
        return f"{display_number(value)}%"


class JudgedRateColumn(NumberColumn):
    """On screen the status cell ("107% 〇", "167.3% 〇", "順調" over its pace, "未報告"); in exports
    the rate alone, already rounded as its source prints it (the status has its own column)."""

    def __init__(self, *args, cell_key: str, **kwargs):
        self.cell_key = cell_key
        # render() even without a rate: a row in progress or unreported says so rather than "—"
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return status_html(record.get(self.cell_key))


class ForecastColumn(NumberColumn):
    """On screen the forecast with its status as a badge marked as a forecast ("4回 [見込み △]"); in
    exports the number alone (its status, rate and reason have columns of their own)."""

    def __init__(self, *args, suffix: str = "", **kwargs):
        self.suffix = suffix
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return forecast_html(value, record, suffix=self.suffix)


class MomentColumn(tables.Column):
    """A moment: on screen the short Japanese form (令和8年12月4日 13:02); in exports the moment itself
    in the portal's time zone, so that a spreadsheet gets a date cell, not text."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return japanese_datetime(value, SHORT)

    def value(self, value):
        return local(value).replace(tzinfo=None, microsecond=0)


class TextColumn(tables.Column):
    """A word or a sentence, "" when there is none (the status, the kind of result, the pace, a note)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


def judged_columns(
    key: str = "", heading: str = "", *, with_note: bool = True
) -> list[tuple[str, tables.Column]]:
    """The columns of one judged cell (a row's, or a year's of a row): the rate with the status cell
    on screen, and the status, the kind, the pace and the rule's note as columns of the exports."""
    suffix = f"_{key}" if key else ""
    prefix = f"{heading} " if heading else ""
    columns = [
        (f"rate{suffix}", JudgedRateColumn(verbose_name=f"{prefix}達成率", cell_key=f"cell{suffix}")),
        # shown inside the rate cell; columns of their own in exports
        (f"status{suffix}", TextColumn(verbose_name=f"{prefix}状況", visible=False)),
        (f"kind{suffix}", TextColumn(verbose_name=f"{prefix}判定", visible=False)),
        (f"pace{suffix}", TextColumn(verbose_name=f"{prefix}ペース", visible=False)),
    ]
    if with_note:
        columns.append((f"note{suffix}", TextColumn(verbose_name=f"{prefix}注記", visible=False)))
    return columns


def suffixed(values: dict, key: str) -> dict:
    """A judged cell's values under one column's keys: {"rate": …} → {"rate_2022": …}."""
    return {f"{name}_{key}": value for name, value in values.items()}


class TallyColumns(tables.Table):
    """A tally's columns (reports/dashboards/tallies.py): items with a target, reported, achieved (〇)
    of the final items and its rate, then the items still in progress, on pace and behind."""

    items = NumberColumn(verbose_name=_("項目数（目標あり）"))
    reported = NumberColumn(verbose_name=_("報告済み"))
    achieved = NumberColumn(verbose_name=_("達成（〇）"))
    rate = PercentColumn(verbose_name=_("達成率"), places=1)
    final_items = NumberColumn(verbose_name=_("確定した項目"))
    progress_items = NumberColumn(verbose_name=_("進捗中の項目"))
    on_pace = NumberColumn(verbose_name=_("うち順調"))
    behind = NumberColumn(verbose_name=_("うち遅れ"))
    under_way = NumberColumn(verbose_name=_("うち進行中"))
    progress_not_reported = NumberColumn(verbose_name=_("うち未報告"))


class BlockResultTable(TallyColumns):
    block = tables.Column(verbose_name=_("ブロック"), linkify=lambda record: record["url"])
    reported_achieved = NumberColumn(verbose_name=_("報告値 達成項目"))
    reported_items = NumberColumn(verbose_name=_("報告値 項目数"))
    reported_rate = PercentColumn(verbose_name=_("報告値 達成率"), places=1)

    class Meta:
        orderable = True
        attrs = {"class": "results"}
        # the documents' count and its 報告値 side by side, then what is still in progress
        sequence = (
            "block",
            "items",
            "reported",
            "achieved",
            "rate",
            "reported_achieved",
            "reported_items",
            "reported_rate",
            "...",
        )


def central_kpi_table(
    rows: list[dict], columns: list[tuple[str, str]], *, forecast: tuple[str, str] | None = None
) -> tables.Table:
    """One row per central indicator, with target, actual, rate and status for each column, given as
    (key, heading): "2022年度", "2022年度上期", or "2022年" in the table of calendar-year indicators;
    `forecast` (key, the year's heading): that column has the year-end forecast's columns beside it,
    headed with the year the forecast is of ("2022年度 年度末見込み", also beside a 上期 column)."""
    extra = []
    for key, heading in columns:
        extra += [
            (f"target_{key}", NumberColumn(verbose_name=f"{heading} 目標")),
            (f"actual_{key}", NumberColumn(verbose_name=f"{heading} 実績")),
            *judged_columns(key, heading),
        ]
        if forecast is not None and key == forecast[0]:
            extra += forecast_columns(key, forecast[1])
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
    revised_at = MomentColumn(verbose_name="改定日時")

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
    rate = JudgedRateColumn(verbose_name=_("達成率"), cell_key="cell")
    # shown inside the rate cell; columns of their own in exports
    status = TextColumn(verbose_name=_("状況"), visible=False)
    kind = TextColumn(verbose_name=_("判定"), visible=False)
    pace = TextColumn(verbose_name=_("ペース"), visible=False)
    note = TextColumn(verbose_name=_("注記"), visible=False)
    # which period each row's figures are of (年度, 上期, or 年 for a calendar-year indicator); shown
    # on screen only when a table mixes them
    period = TextColumn(verbose_name=_("期間"), visible=False)
    # only on pages that include submitted figures (速報)
    basis = tables.Column(verbose_name=_("速報"), default="")

    class Meta:
        orderable = False
        attrs = {"class": "results indicators"}


class RegionSummaryTable(BlockResultTable):
    block = tables.Column(verbose_name=_("地域"), linkify=lambda record: record["url"])

    class Meta(BlockResultTable.Meta):
        orderable = False


def forecast_columns(key: str = "", heading: str = "") -> list[tuple[str, tables.Column]]:
    """A year-end forecast's columns (reports/display/judgements.py forecast_values): the value with
    its status badge on screen; the status, the rate it would reach, at risk and the reason in the
    exports. Only where a page shows forecasts (a 上期 or in-year view)."""
    suffix = f"_{key}" if key else ""
    prefix = f"{heading} " if heading else ""
    return [
        (f"forecast{suffix}", ForecastColumn(verbose_name=f"{prefix}年度末見込み", suffix=suffix)),
        (f"forecast_status{suffix}", TextColumn(verbose_name=f"{prefix}見込み状況", visible=False)),
        (f"forecast_rate{suffix}", RateColumn(verbose_name=f"{prefix}見込み達成率", visible=False)),
        (f"forecast_at_risk{suffix}", TextColumn(verbose_name=f"{prefix}見込み注意", visible=False)),
        (f"forecast_reason{suffix}", TextColumn(verbose_name=f"{prefix}見込みの理由", visible=False)),
    ]


def forecast_tally_columns() -> list[tuple[str, tables.Column]]:
    """A tally's forecasts, counted apart from its results (reports/dashboards/tallies.py)."""
    return [
        ("forecast_items", NumberColumn(verbose_name=_("年度末見込みのある項目"))),
        ("at_risk", NumberColumn(verbose_name=_("うち目標に届かない見込み"))),
    ]


def tally_table(table_class, rows: list[dict], *, forecasts: bool = False) -> tables.Table:
    """A tally table (BlockResultTable, RegionSummaryTable) with its forecast counts when the page
    shows forecasts."""
    return table_class(rows, extra_columns=forecast_tally_columns() if forecasts else ())
