"""The sheets about KPIs: 産業振興ビジョン, KPI, 指標, 目標, 実績, 前計画との対応."""

from kpis.cells import ChoiceCell, DateCell, DecimalCell, FlagCell, TextCell, YearCell
from kpis.models import Indicator, Kpi, Measure, Period
from kpis.workbook.cells import CodeCell, IntegerCell
from kpis.workbook.columns import (
    INDICATOR_CODE,
    KPI_CODE,
    NOTE,
    ORDER,
    SOURCE,
    Column,
    Sheet,
    plan_column,
    region_column,
)

VISIONS = Sheet(
    "産業振興ビジョン",
    "visions",
    "地域KPIが踏まえる自治体の産業振興ビジョン等。",
    (
        plan_column(),
        region_column(True),
        Column("番号", "number", IntegerCell("番号", required=True), True, "地域の中の番号 1, 2, …", 1),
        Column("名称", "title", TextCell(), True, "200文字まで", "神奈川県産業振興ビジョン"),
        Column("期間", "period_label", TextCell(), help="文書の表記（60文字まで）", example="2026～2028年度"),
        Column("目標", "text", TextCell(), help="ビジョンの目標"),
        SOURCE,
    ),
)
KPIS = Sheet(
    "KPI",
    "kpis",
    "KPI（数値の指標がないものも含む）。数値の指標は指標シートに書きます。",
    (
        plan_column(),
        KPI_CODE,
        Column(
            "区分", "level", ChoiceCell("区分", Kpi.Level), True, "central 中央, regional 地域", "regional"
        ),
        region_column(True, "中央KPIは空欄。地域KPIはその地域のコード"),
        Column(
            "種類",
            "kind",
            ChoiceCell("種類", Kpi.Kind),
            True,
            "core 基幹指標, supporting 付随する中央KPI, effect 効果指標, activity 活動指標",
            "activity",
        ),
        Column("名称", "kpi_title", TextCell(), True, "200文字まで", "知財セミナーの開催"),
        Column("KPI本文", "kpi_text", TextCell(), True, "文書の表記のまま", "知財セミナーを年6回開催する"),
        Column(
            "対象期間", "period_label", TextCell(), help="文書の表記（60文字まで）", example="2026～2028年度"
        ),
        Column(
            "知財活用ステージ",
            "stage",
            ChoiceCell("知財活用ステージ", Kpi.Stage, required=False),
            help="1 認知, 2 取得・活用, 3 知財経営の実践・定着",
            example=1,
        ),
        Column(
            "産業振興ビジョン",
            "vision",
            IntegerCell("産業振興ビジョン"),
            help="産業振興ビジョンシートの、この地域の番号",
            example=1,
        ),
        ORDER,
        NOTE,
        SOURCE,
    ),
)
INDICATORS = Sheet(
    "指標",
    "indicators",
    "KPIの数値指標（1つのKPIに複数可）。目標・実績は指標ごとです。",
    (
        plan_column(),
        KPI_CODE,
        region_column(help_text="確認用（KPIの地域と同じ。中央KPIは空欄）"),
        INDICATOR_CODE,
        Column("指標名", "indicator_name", TextCell(), True, "200文字まで", "セミナー開催回数"),
        Column("単位", "unit", TextCell(), True, "件, 社, 回, % など（10文字まで）", "回"),
        Column(
            "値の種類",
            "measure",
            ChoiceCell("値の種類", Measure),
            True,
            "count 件数等（整数）, percent 割合（0〜100、単位 %）, quantity 数量（小数可）",
            "count",
        ),
        Column(
            "目標の形",
            "target_shape",
            ChoiceCell("目標の形", Indicator.TargetShape),
            True,
            "per_year, cumulative, baseline, share, milestone, none（docs/imports.md）",
            "per_year",
        ),
        Column(
            "方向",
            "direction",
            ChoiceCell("方向", Indicator.Direction, required=False),
            help="higher 大きいほど良い（省略時）, lower 小さいほど良い",
            example="higher",
        ),
        Column(
            "集計",
            "aggregation",
            ChoiceCell("集計", Indicator.Aggregation, required=False),
            help="flow 期間の合計（省略時）, level 最新値",
            example="flow",
        ),
        Column(
            "達成率の小数桁数",
            "rate_places",
            IntegerCell("達成率の小数桁数", maximum=3),
            help="出典が達成率を印字する小数点以下の桁数 0〜3（省略時 0: 129%）",
            example=0,
        ),
        ORDER,
        NOTE,
    ),
)


def figure_columns(value_name: str, value_help: str, example) -> tuple[Column, ...]:
    return (
        plan_column(),
        KPI_CODE,
        region_column(True, "KPIの地域と同じ。中央KPIは空欄"),
        INDICATOR_CODE,
        Column(
            "期間",
            "period",
            ChoiceCell("期間", Period),
            True,
            "h1 上期, h2 下期, fy 年度, cy 年（暦年）, cum 累計",
            "fy",
        ),
        Column("年度", "year", YearCell("年度", required=True), True, "西暦または和暦。累計は最終年度", 2026),
        Column("累計の開始年度", "start_year", YearCell("累計の開始年度"), help="期間が累計のとき"),
        Column(value_name, "value", DecimalCell(value_name, required=True), True, value_help, example),
    )


TARGETS = Sheet(
    "目標",
    "targets",
    "指標の目標（期間ごと）。",
    (
        *figure_columns("目標値", "0以上。件数等は整数、割合は100以下", 6),
        Column("基準値", "baseline_value", DecimalCell("基準値"), help="基準値→目標値の形のとき"),
        Column("基準年度", "baseline_year", YearCell("基準年度"), help="基準値の年度（年）"),
        Column(
            "以上",
            "is_minimum",
            FlagCell("以上（下限目標）"),
            help="「以上」の目標なら 1（省略時 0）",
            example=1,
        ),
        Column("期限", "due_date", DateCell("期限"), help="期限付き達成事項の期限（日付）"),
        NOTE,
        SOURCE,
    ),
)
ACTUALS = Sheet(
    "実績",
    "actuals",
    "指標の実績（期間ごと）。半期報告の承認でも登録されます。",
    (
        *figure_columns("実績値", "0以上。件数等は整数、割合は100以下", 3),
        Column("達成日", "achieved_on", DateCell("達成日"), help="期限付き達成事項を達成した日"),
        NOTE,
        SOURCE,
    ),
)
PREDECESSORS = Sheet(
    "前計画との対応",
    "predecessors",
    "指標が前の計画のどの指標を引き継ぐか（計画比較・指標ページの系列）。前の計画を先に取り込みます。",
    (
        plan_column(),
        KPI_CODE,
        INDICATOR_CODE,
        Column(
            "前計画", "predecessor_plan", IntegerCell("前計画"), True, "前の計画の番号。空欄で対応なし", 3
        ),
        Column("前計画のKPIコード", "predecessor_kpi_code", CodeCell("前計画のKPIコード"), True, "", "C01"),
        Column(
            "前計画の指標コード", "predecessor_indicator_code", CodeCell("前計画の指標コード"), True, "", "1"
        ),
    ),
)
