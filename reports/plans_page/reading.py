"""What the plan page shows: a plan as its documents print it (period, basic policies, measures with
their marks and results, KPIs by kind, sources), and the documents' reported totals beside the ones
computed from the portal's data.

`plan_page` reads everything in a fixed number of queries whatever the plan's size: the plan, its
policies, measures, reported totals, KPIs with their indicators, the indicators with their figures
(three), the blocks and, for a programme, its designations. The counting is the documents' own
(kpis/rules/tally.py); the judging the dashboards' (reports/dashboards/selectors.py).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from kpis.models import Kpi
from kpis.rules.judgement import View
from kpis.rules.rates import format_items_rate
from kpis.rules.tally import MarkCount, count_marks
from plans.fiscal import fiscal_year_label
from plans.models import BasicPolicy, Designation, Measure, Plan, ReportedResult
from regions.models import Block
from reports.dashboards.selectors import Tally, block_summaries, judge_indicators, plan_indicators

# What a screen reader says for a mark (the mark itself is shown as printed: 〇 △ ×).
MARK_WORDS = {
    Measure.Mark.ACHIEVED: "達成",
    Measure.Mark.PARTLY: "一部達成",
    Measure.Mark.NOT_ACHIEVED: "未達成",
}


@dataclass(frozen=True)
class MeasureRow:
    measure: Measure

    @property
    def mark(self) -> str:
        return self.measure.get_mark_display() if self.measure.mark else ""

    @property
    def mark_word(self) -> str:
        return MARK_WORDS.get(self.measure.mark, "未評価")


@dataclass(frozen=True)
class PolicyMeasures:
    policy: BasicPolicy
    measures: list[MeasureRow]
    marks: MarkCount


@dataclass(frozen=True)
class TotalRow:
    """A reported total (報告値) and the same count computed from the portal's data."""

    reported: ReportedResult
    label: str
    computed: Tally | MarkCount | None

    @property
    def reported_rate(self) -> str:
        return self.reported.printed_rate or format_items_rate(
            self.reported.items_achieved, self.reported.items_total
        )

    @property
    def computed_items(self) -> int | None:
        return None if self.computed is None else self.computed.items

    @property
    def computed_achieved(self) -> int | None:
        return None if self.computed is None else self.computed.achieved

    @property
    def computed_rate(self) -> str:
        """As the counts' own kind prints it: measures whole (85%), KPI items one decimal (91.9%)."""
        if self.computed is None or not self.computed.items:
            return ""
        if isinstance(self.computed, MarkCount):
            return self.computed.rate_text
        return format_items_rate(self.computed.achieved, self.computed.items)


@dataclass(frozen=True)
class KindGroup:
    level: str
    kind: str
    label: str
    kpis: list[Kpi]

    @property
    def indicators(self) -> int:
        return sum(len(kpi.indicators.all()) for kpi in self.kpis)


@dataclass
class PlanPage:
    plan: Plan
    start_label: str
    end_label: str
    policies: list[PolicyMeasures]
    marks: MarkCount
    totals: list[TotalRow]
    kinds: list[KindGroup]
    designations: list[Designation]
    sources: dict[str, list[str]] = field(default_factory=dict)


def plan_page(plan: Plan, *, as_of: datetime.date) -> PlanPage:
    policies = list(BasicPolicy.objects.filter(plan=plan).order_by("number"))
    measures = list(
        Measure.objects.filter(policy__plan=plan).order_by("policy__number", "order", "category", "number")
    )
    reported = list(ReportedResult.objects.filter(plan=plan).order_by("scope", "fiscal_year", "area"))
    kpis = list(
        Kpi.objects.filter(plan=plan)
        .select_related("region__block")
        .prefetch_related("indicators")
        .order_by("level", "region__order", "order", "code")
    )
    by_policy = defaultdict(list)
    for measure in measures:
        by_policy[measure.policy_id].append(measure)
    marks = count_marks(m.mark for m in measures)
    return PlanPage(
        plan=plan,
        start_label=fiscal_year_label(plan.start_fiscal_year),
        end_label=fiscal_year_label(plan.end_fiscal_year),
        policies=[policy_measures(policy, by_policy[policy.pk]) for policy in policies],
        marks=marks,
        totals=total_rows(plan, reported, marks, as_of=as_of),
        kinds=kind_groups(kpis),
        designations=list(plan.designations.select_related("region__block")) if plan.is_programme else [],
        sources=sources(plan, measures, reported, kpis),
    )


def policy_measures(policy: BasicPolicy, measures: list[Measure]) -> PolicyMeasures:
    return PolicyMeasures(policy, [MeasureRow(m) for m in measures], count_marks(m.mark for m in measures))


SCOPE_ORDER = (
    ReportedResult.Scope.CENTRAL_KPIS,
    ReportedResult.Scope.MEASURE_TARGETS,
    ReportedResult.Scope.REGIONAL_KPIS,
)
CENTRAL = "central"


def total_rows(plan: Plan, reported: list[ReportedResult], marks: MarkCount, *, as_of) -> list[TotalRow]:
    """Each reported total with its computed counterpart: the regional KPIs of the area judged in the
    total's year, the central KPIs likewise, the measures by their marks."""
    if not reported:
        return []
    blocks = list(Block.objects.all())
    tallies = computed_tallies(plan, {r.fiscal_year for r in reported}, blocks, as_of=as_of)
    names = {ReportedResult.NATIONAL: "全国"} | {block.code: block.name_ja for block in blocks}
    places = {area: position for position, area in enumerate(names)}
    rows = []
    for result in sorted(
        reported, key=lambda r: (r.fiscal_year, SCOPE_ORDER.index(r.scope), places.get(r.area, 99))
    ):
        if result.scope == ReportedResult.Scope.REGIONAL_KPIS:
            computed = tallies.get((result.fiscal_year, result.area))
        elif result.scope == ReportedResult.Scope.CENTRAL_KPIS:
            computed = tallies[(result.fiscal_year, CENTRAL)]
        else:
            computed = marks
        rows.append(
            TotalRow(result, f"{result.get_scope_display()} {names.get(result.area, result.area)}", computed)
        )
    return rows


def computed_tallies(
    plan: Plan, years: set[int], blocks: list[Block], *, as_of
) -> dict[tuple[int, str], Tally]:
    """(year, block code, national or central) → the items judged that year, counted as the national
    dashboard counts them."""
    indicators = list(plan_indicators(plan))
    tallies = {}
    for year in sorted(years):
        results = judge_indicators(indicators, view=View.fiscal_year(year), as_of=as_of)
        summaries, national = block_summaries(
            blocks, [r for r in results if r.kpi.level == Kpi.Level.REGIONAL], []
        )
        tallies |= {(year, summary.block.code): summary.tally for summary in summaries}
        tallies[(year, ReportedResult.NATIONAL)] = national
        central = tallies[(year, CENTRAL)] = Tally()
        for row in results:
            if row.kpi.level == Kpi.Level.CENTRAL:
                central.add(row.result)
    return tallies


def kind_groups(kpis: list[Kpi]) -> list[KindGroup]:
    """The KPIs by level and kind, in the order Kpi.Kind lists the kinds."""
    groups = []
    for level in Kpi.Level:
        for kind in Kpi.Kind:
            found = [kpi for kpi in kpis if kpi.level == level and kpi.kind == kind]
            if found:
                groups.append(KindGroup(level, kind, f"{level.label}KPI：{kind.label}", found))
    return groups


def sources(plan: Plan, measures, reported, kpis) -> dict[str, list[str]]:
    """The documents each part of the plan is read from, as the records cite them; the KPIs' (one
    per prefecture's bullet in 002) by document, with how many KPIs cite it."""
    found = {
        "計画": sorted({plan.source} - {""}),
        "施策": sorted({m.source for m in measures} - {""}),
        "報告値": sorted({r.source for r in reported} - {""}),
    }
    documents = defaultdict(int)
    for kpi in kpis:
        if kpi.source:
            documents[kpi.source.split()[0]] += 1
    found["KPI"] = [f"{document}（KPI {count}件）" for document, count in sorted(documents.items())]
    return {part: cited for part, cited in found.items() if cited}
