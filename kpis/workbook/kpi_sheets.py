"""The sheets about KPIs: 産業振興ビジョン, KPI (with or without a numeric indicator), 指標 and
前計画との対応 (which indicator of an earlier plan an indicator continues)."""

from kpis.import_keys import region_problem
from kpis.models import Indicator, IndustrialVision, Kpi
from kpis.workbook import sheets
from kpis.workbook.sheet_import import UNREAD, Row, SheetImport, key_text, plan_label


class VisionSheet(SheetImport):
    sheet = sheets.VISIONS
    values = {alias: alias for alias in ("title", "period_label", "text", "source")}
    not_cleaned = ("plan", "region")

    def existing(self) -> dict:
        visions = IndustrialVision.objects.filter(plan=self.plan).select_related("region")
        return {(v.region.code, v.number): v for v in visions}

    def key_of(self, row: Row) -> tuple | None:
        code, number = key_text(row, "region_code", "地域コード"), key_text(row, "number", "番号")
        if code is not None and self.run.region(code) is None:
            row.report("region_code", f'地域コード "{code}" は存在しません')
        return None if None in (code, number) or row.problems else (code, number)

    def new_instance(self, row: Row, key: tuple) -> IndustrialVision:
        return IndustrialVision(plan=self.plan, region=self.run.region(key[0]), number=key[1])


class KpiSheet(SheetImport):
    """KPIs, also those without a numeric indicator. A KPI stays central or its region's."""

    sheet = sheets.KPIS
    values = {
        "kind": "kind",
        "kpi_title": "title",
        "kpi_text": "text",
        "period_label": "period_label",
        "stage": "stage",
        "order": "order",
        "note": "note",
        "source": "source",
    }
    not_cleaned = ("plan", "region", "vision")

    def existing(self) -> dict:
        visions = IndustrialVision.objects.filter(plan=self.plan).select_related("region")
        self.visions = {(v.region.code, v.number): v for v in visions}
        return {(kpi.code,): kpi for kpi in Kpi.objects.filter(plan=self.plan).select_related("region")}

    def key_of(self, row: Row) -> tuple | None:
        code = key_text(row, "kpi_code", "KPIコード")
        return None if code is None else (code,)

    def new_instance(self, row: Row, key: tuple) -> Kpi:
        level, code = row.value("level"), row.value("region_code") or ""
        region = self.run.region(code) if code else None
        if code and region is None:
            row.report("region_code", f'地域コード "{code}" は存在しません')
        elif level == Kpi.Level.CENTRAL and code:
            row.report("region_code", "中央KPIでは地域コードを空欄にしてください")
        elif level == Kpi.Level.REGIONAL and not code:
            row.report("region_code", "地域KPIには地域コードを入力してください")
        return Kpi(plan=self.plan, code=key[0], level=level if level is not UNREAD else "", region=region)

    def check(self, kpi: Kpi, row: Row, new: bool) -> None:
        if new:
            return
        level, code = row.value("level"), row.value("region_code")
        if level not in (None, UNREAD) and level != kpi.level:
            row.report("level", f'KPI "{kpi.code}" の区分（{kpi.get_level_display()}）は変更できません')
        elif code is not UNREAD and row.has("region_code"):
            problem = region_problem(kpi, code or "")
            if problem:
                row.report("region_code", problem)

    def link(self, kpi: Kpi, row: Row) -> bool:
        if not row.has("vision"):
            return False
        number = row.value("vision")
        if number is UNREAD:
            return False
        vision = None
        if number is not None:
            vision = self.visions.get((kpi.region.code if kpi.region else "", number))
            if vision is None:
                where = f"地域 {kpi.region.code} の" if kpi.region else "中央KPIには"
                row.report(
                    "vision", f"産業振興ビジョン {number} は{where}ありません（産業振興ビジョンシート）"
                )
                return False
        if kpi.vision_id == (vision.pk if vision else None):
            return False
        kpi.vision = vision
        return True


class IndicatorSheet(SheetImport):
    sheet = sheets.INDICATORS
    values = {
        "indicator_name": "name",
        "unit": "unit",
        "measure": "measure",
        "target_shape": "target_shape",
        "direction": "direction",
        "aggregation": "aggregation",
        "rate_places": "rate_places",
        "order": "order",
        "note": "note",
    }
    not_cleaned = ("kpi", "predecessor")

    def existing(self) -> dict:
        self.kpis = {kpi.code: kpi for kpi in Kpi.objects.filter(plan=self.plan).select_related("region")}
        indicators = Indicator.objects.filter(kpi__plan=self.plan).select_related("kpi")
        return {(i.kpi.code, i.code): i for i in indicators}

    def key_of(self, row: Row) -> tuple | None:
        kpi_code, code = key_text(row, "kpi_code", "KPIコード"), key_text(row, "indicator_code", "指標コード")
        kpi = self.kpis.get(kpi_code)
        if kpi_code is not None and kpi is None:
            row.report("kpi_code", f'KPI "{kpi_code}" はKPIシートにも{self.plan.label}にもありません')
        elif kpi is not None and row.has("region_code") and row.value("region_code") is not UNREAD:
            problem = region_problem(kpi, row.value("region_code") or "")
            if problem:
                row.report("region_code", problem)
        return None if None in (kpi_code, code) or row.problems else (kpi_code, code)

    def new_instance(self, row: Row, key: tuple) -> Indicator:
        return Indicator(kpi=self.kpis[key[0]], code=key[1])

    def check(self, indicator: Indicator, row: Row, new: bool) -> None:
        if indicator.measure == "percent" and indicator.unit != "%":
            row.report("unit", '割合（percent）の指標は単位を "%" にしてください')


class PredecessorSheet(SheetImport):
    """Links only: an indicator of this plan continues one of another plan (loaded before it)."""

    sheet = sheets.PREDECESSORS
    not_cleaned = ("kpi", "predecessor")
    PREDECESSOR = ("predecessor_plan", "predecessor_kpi_code", "predecessor_indicator_code")

    def existing(self) -> dict:
        indicators = Indicator.objects.filter(kpi__plan=self.plan).select_related("kpi")
        self.indicators = {(i.kpi.code, i.code): i for i in indicators}
        self.other_plans: dict[int, dict] = {}
        return dict(self.indicators)

    def key_of(self, row: Row) -> tuple | None:
        kpi_code, code = key_text(row, "kpi_code", "KPIコード"), key_text(row, "indicator_code", "指標コード")
        if None in (kpi_code, code):
            return None
        if (kpi_code, code) not in self.indicators:
            row.report("indicator_code", f'指標 "{kpi_code}"／"{code}" は指標シートにも計画にもありません')
            return None
        return (kpi_code, code)

    def new_instance(self, row: Row, key: tuple):
        raise AssertionError("key_of finds every indicator")  # pragma: no cover

    def import_row(self, row: Row, key: tuple, instance):
        """A link where there was none counts as new; a link moved or removed as changed."""
        had_none, changed = instance.predecessor_id is None, self.count.changed
        saved = super().import_row(row, key, instance)
        if had_none and self.count.changed > changed:
            self.count.changed -= 1
            self.count.new += 1
        return saved

    def link(self, indicator: Indicator, row: Row) -> bool:
        values = [row.value(alias) for alias in self.PREDECESSOR]
        if UNREAD in values:
            return False
        predecessor = None
        if any(value not in (None, "") for value in values):
            predecessor = self.predecessor(row, *values)
            if predecessor is None:
                return False
        if indicator.predecessor_id == (predecessor.pk if predecessor else None):
            return False
        indicator.predecessor = predecessor
        return True

    def predecessor(self, row: Row, plan_number, kpi_code, code) -> Indicator | None:
        if plan_number is None or not kpi_code or not code:
            row.report(
                "predecessor_plan", "前計画・前計画のKPIコード・前計画の指標コードをすべて入力してください"
            )
            return None
        if plan_number == self.plan.number:
            row.report("predecessor_plan", "前計画には、この計画とは別の計画の番号を入力してください")
            return None
        if plan_number not in self.other_plans:
            indicators = Indicator.objects.filter(kpi__plan__number=plan_number).select_related("kpi")
            self.other_plans[plan_number] = {(i.kpi.code, i.code): i for i in indicators}
        found = self.other_plans[plan_number].get((kpi_code, code))
        if found is None:
            row.report(
                "predecessor_kpi_code",
                f'{plan_label(plan_number)}の指標 "{kpi_code}"／"{code}" がありません（前の計画を先に取り込んでください）',
            )
        return found
