"""The sheets about the plan itself: 計画, 基本方針, 施策, 報告値, 指定地域."""

from kpis.workbook import sheets
from kpis.workbook.sheet_import import UNREAD, Row, SheetImport, key_text
from plans.models import ACTION_PLAN_NUMBER_LIMIT, BasicPolicy, Designation, Measure, Plan, ReportedResult
from regions.models import Block


class PlanSheet(SheetImport):
    """The workbook's one plan; an existing plan keeps its kind."""

    sheet = sheets.PLAN
    values = {
        alias: alias
        for alias in (
            "name",
            "start_fiscal_year",
            "end_fiscal_year",
            "decided_on",
            "decided_by",
            "revised_on",
            "summary",
            "achieved_percent",
            "partial_percent",
            "source",
        )
    }

    def in_plan(self, row: Row) -> bool:
        return True  # this row is the plan

    def existing(self) -> dict:
        return {(plan.number,): plan for plan in Plan.objects.all()}

    def key_of(self, row: Row) -> tuple | None:
        number = row.value("plan")
        return None if number in (None, UNREAD) else (number,)

    def new_instance(self, row: Row, key: tuple) -> Plan:
        kind = row.value("kind")
        return Plan(number=key[0], kind=kind if kind not in (None, UNREAD) else Plan.Kind.ACTION_PLAN)

    def check(self, plan: Plan, row: Row, new: bool) -> None:
        kind = row.value("kind")
        if not new and kind not in (None, UNREAD) and kind != plan.kind:
            row.report("kind", f"計画 {plan.number} の種類（{plan.get_kind_display()}）は変更できません")
        start, end = plan.start_fiscal_year, plan.end_fiscal_year
        if start and end and end < start:
            row.report("end_fiscal_year", f"終了年度 {end} が開始年度 {start} より前です")
        if plan.is_programme and not (plan.number == start == end):
            row.report("plan", "事業（programme）の番号は、その年度（開始年度＝終了年度）にしてください")
        if not plan.is_programme and plan.number >= ACTION_PLAN_NUMBER_LIMIT:
            row.report("plan", f"行動計画の番号は {ACTION_PLAN_NUMBER_LIMIT} 未満（次数）にしてください")
        achieved, partial = plan.achieved_percent, plan.partial_percent
        if achieved is not None and partial is not None and partial > achieved:
            row.report("partial_percent", "一部達成とする達成率は、達成とする達成率以下にしてください")


class PolicySheet(SheetImport):
    sheet = sheets.POLICIES
    values = {"title": "title", "description": "description"}
    not_cleaned = ("plan",)

    def existing(self) -> dict:
        return {(policy.number,): policy for policy in BasicPolicy.objects.filter(plan=self.plan)}

    def key_of(self, row: Row) -> tuple | None:
        number = key_text(row, "number", "番号")
        return None if number is None else (number,)

    def new_instance(self, row: Row, key: tuple) -> BasicPolicy:
        return BasicPolicy(plan=self.plan, number=key[0])


class MeasureSheet(SheetImport):
    sheet = sheets.MEASURES
    values = {
        alias: alias
        for alias in ("plan_text", "deadline_text", "deadline", "result_text", "mark", "order", "source")
    }
    not_cleaned = ("policy",)

    def existing(self) -> dict:
        self.policies = {policy.number: policy for policy in BasicPolicy.objects.filter(plan=self.plan)}
        measures = Measure.objects.filter(policy__plan=self.plan).select_related("policy")
        return {(m.policy.number, m.category, m.number): m for m in measures}

    def key_of(self, row: Row) -> tuple | None:
        policy, category, number = (
            key_text(row, "policy", "基本方針"),
            key_text(row, "category", "区分"),
            key_text(row, "number", "番号"),
        )
        if policy is not None and policy not in self.policies:
            row.report("policy", f"基本方針 {policy} は基本方針シートにも{self.plan.label}にもありません")
        if None in (policy, category, number) or row.problems:
            return None
        return (policy, category, number)

    def new_instance(self, row: Row, key: tuple) -> Measure:
        policy, category, number = key
        return Measure(policy=self.policies[policy], category=category, number=number)


class ReportedSheet(SheetImport):
    """Totals the documents print without items (報告値): the area a block's code or name, or 全国."""

    sheet = sheets.REPORTED
    values = {alias: alias for alias in ("items_total", "items_achieved", "printed_rate", "note", "source")}
    not_cleaned = ("plan",)
    NATIONAL_WORDS = (ReportedResult.NATIONAL, "全国")

    def existing(self) -> dict:
        self.areas = {}
        for block in Block.objects.all():
            self.areas[block.code] = self.areas[block.name_ja] = block.code
        results = ReportedResult.objects.filter(plan=self.plan)
        return {(r.scope, r.area, r.fiscal_year): r for r in results}

    def key_of(self, row: Row) -> tuple | None:
        scope, area, year = (
            key_text(row, "scope", "対象"),
            key_text(row, "area", "範囲"),
            key_text(row, "fiscal_year", "年度"),
        )
        if area is not None:
            area = ReportedResult.NATIONAL if area in self.NATIONAL_WORDS else self.areas.get(area.lower())
            if area is None:
                row.report(
                    "area",
                    f'範囲 "{row.value("area")}" は national（全国）かブロックコードで入力してください',
                )
        if None in (scope, area, year) or row.problems:
            return None
        return (scope, area, year)

    def new_instance(self, row: Row, key: tuple) -> ReportedResult:
        scope, area, year = key
        return ReportedResult(plan=self.plan, scope=scope, area=area, fiscal_year=year)

    def check(self, result: ReportedResult, row: Row, new: bool) -> None:
        total, achieved = result.items_total, result.items_achieved
        if total is not None and achieved is not None and achieved > total:
            row.report("items_achieved", f"達成項目数 {achieved} が項目数 {total} を超えています")


class DesignationSheet(SheetImport):
    sheet = sheets.DESIGNATIONS
    values = {"note": "note", "source": "source"}
    not_cleaned = ("programme", "region")

    def existing(self) -> dict:
        designations = Designation.objects.filter(programme=self.plan).select_related("region")
        return {(d.region.code,): d for d in designations}

    def key_of(self, row: Row) -> tuple | None:
        if not self.plan.is_programme:
            row.report("plan", "指定地域は事業（種類 programme）の計画にだけ書けます")
            return None
        code = key_text(row, "region_code", "地域コード")
        if code is not None and self.run.region(code) is None:
            row.report("region_code", f'地域コード "{code}" は存在しません')
            return None
        return None if code is None else (code,)

    def new_instance(self, row: Row, key: tuple) -> Designation:
        return Designation(programme=self.plan, region=self.run.region(key[0]))
