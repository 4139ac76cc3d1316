"""The sheets about the plan itself: 計画, 基本方針, 施策, 報告値, 指定地域."""

from kpis.cells import ChoiceCell, DateCell, DecimalCell, TextCell, YearCell
from kpis.workbook.cells import CodeCell, IntegerCell, MarkCell
from kpis.workbook.columns import NOTE, ORDER, SOURCE, Column, Sheet, plan_column, region_column
from plans.models import Measure, Plan, ReportedResult

PLAN = Sheet(
    "計画",
    "plan",
    "計画そのもの（1行だけ）。ほかのシートの「計画」列はこの番号と同じにします。",
    (
        plan_column("行動計画は次数（4 など）、モデル地域創出事業はその年度（2026 など）"),
        Column(
            "種類",
            "kind",
            ChoiceCell("種類", Plan.Kind, required=False),
            False,
            "action_plan 行動計画 / programme 事業（省略時は行動計画）",
            "action_plan",
        ),
        Column("名称", "name", TextCell(), True, "60文字まで", "第4次地域知財活性化行動計画"),
        Column(
            "開始年度", "start_fiscal_year", YearCell("開始年度", required=True), True, "西暦または和暦", 2026
        ),
        Column(
            "終了年度", "end_fiscal_year", YearCell("終了年度", required=True), True, "開始年度以後", 2028
        ),
        Column("策定日", "decided_on", DateCell("策定日"), help="日付（例 2026-03-31）"),
        Column("策定主体", "decided_by", TextCell(), help="100文字まで", example="特許庁"),
        Column("改訂日", "revised_on", DateCell("改訂日"), help="日付"),
        Column("概要", "summary", TextCell(), help="計画の目的など"),
        Column(
            "達成とする達成率",
            "achieved_percent",
            DecimalCell("達成とする達成率"),
            help="この達成率（%）以上で〇（省略時 100）",
            example=100,
        ),
        Column(
            "一部達成とする達成率",
            "partial_percent",
            DecimalCell("一部達成とする達成率"),
            help="この達成率（%）以上で△（省略時 80）",
            example=80,
        ),
        SOURCE,
    ),
)
POLICIES = Sheet(
    "基本方針",
    "basic_policies",
    "計画の基本方針。",
    (
        plan_column(),
        Column("番号", "number", IntegerCell("番号", required=True), True, "基本方針の番号 1, 2, …", 1),
        Column("基本方針", "title", TextCell(), True, "120文字まで", "地域の中小企業支援の充実"),
        Column("内容", "description", TextCell(), help="基本方針の説明"),
    ),
)
MEASURES = Sheet(
    "施策",
    "measures",
    "基本方針の施策の表（計画、期限、実績、〇△×）。",
    (
        plan_column(),
        Column("基本方針", "policy", IntegerCell("基本方針", required=True), True, "基本方針シートの番号", 1),
        Column(
            "区分",
            "category",
            ChoiceCell("区分", Measure.Category),
            True,
            "cross_cutting 横断的支援, acquisition 取得に係る支援, utilization 活用に係る支援, "
            "protection 保護に係る支援",
            "acquisition",
        ),
        Column("番号", "number", IntegerCell("番号", required=True), True, "区分の中の番号 1, 2, …", 1),
        Column(
            "施策",
            "plan_text",
            TextCell(),
            True,
            "計画に書かれた施策（文書の表記のまま）",
            "外国出願の支援を拡大する",
        ),
        Column(
            "期限", "deadline_text", TextCell(), help="文書の表記のまま（例 令和9年度）", example="令和9年度"
        ),
        Column("期限（日付）", "deadline", DateCell("期限（日付）"), help="期限の日付（年度なら3月31日）"),
        Column("実績", "result_text", TextCell(), help="文書に書かれた実績（例 301機関（認知度59.84%））"),
        Column(
            "達成状況",
            "mark",
            MarkCell("達成状況"),
            help="〇 達成, △ 一部達成, × 未達成（○ ◯ でも可）。未評価は空欄",
            example="〇",
        ),
        ORDER,
        SOURCE,
    ),
)
REPORTED = Sheet(
    "報告値",
    "reported_results",
    "文書に集計値だけが載っている結果（例 全国 136／148）。指標から算出した値とは別に表示します。",
    (
        plan_column(),
        Column(
            "対象",
            "scope",
            ChoiceCell("対象", ReportedResult.Scope),
            True,
            "regional_kpis 地域KPI, central_kpis 中央KPI, measure_targets 支援段階別の数値目標",
            "regional_kpis",
        ),
        Column(
            "範囲",
            "area",
            CodeCell("範囲", required=True),
            True,
            "national（全国）またはブロックコード（hokkaido, tohoku, kanto, chubu, kinki, chugoku, "
            "shikoku, kyushu, okinawa）。「全国」やブロック名でも可",
            "national",
        ),
        Column("年度", "fiscal_year", YearCell("年度", required=True), True, "この年度末時点の結果", 2028),
        Column("項目数", "items_total", IntegerCell("項目数", required=True), True, "", 20),
        Column(
            "達成項目数", "items_achieved", IntegerCell("達成項目数", required=True), True, "項目数以下", 17
        ),
        Column(
            "文書上の達成率", "printed_rate", TextCell(), help="文書の表記のまま（例 約92%）", example="85%"
        ),
        NOTE,
        SOURCE,
    ),
)
DESIGNATIONS = Sheet(
    "指定地域",
    "designations",
    "モデル地域創出事業（種類 programme）の指定地域（知財支援重点エリア）。行動計画では使いません。",
    (plan_column("事業の年度（計画シートの計画）"), region_column(True, example="28100"), NOTE, SOURCE),
)
