"""A plan as the rows of its workbook: for each sheet, one dict per row keyed by the columns' English
keys. Rows are ordered by natural keys and display orders only, never by database ids, so that the
same plan exports the same workbook whatever database it was imported into."""

from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Target
from kpis.workbook import sheets
from plans.models import BasicPolicy, Designation, Measure, Plan, ReportedResult

KPI_ORDER = ("level", "region__order", "region__code", "order", "code")
INDICATOR_ORDER = (*(f"kpi__{field}" for field in KPI_ORDER), "order", "code")
FIGURE_ORDER = (*(f"indicator__{field}" for field in INDICATOR_ORDER), "year", "period")


def plan_rows(plan: Plan) -> dict[str, list[dict]]:
    """Every sheet's rows for `plan`, by sheet title."""
    return {
        sheets.PLAN.title: [plan_row(plan)],
        sheets.POLICIES.title: policy_rows(plan),
        sheets.MEASURES.title: measure_rows(plan),
        sheets.VISIONS.title: vision_rows(plan),
        sheets.KPIS.title: kpi_rows(plan),
        sheets.INDICATORS.title: indicator_rows(plan),
        sheets.TARGETS.title: target_rows(plan),
        sheets.ACTUALS.title: actual_rows(plan),
        sheets.REPORTED.title: reported_rows(plan),
        sheets.PREDECESSORS.title: predecessor_rows(plan),
        sheets.DESIGNATIONS.title: designation_rows(plan),
    }


def plan_row(plan: Plan) -> dict:
    return {
        "plan": plan.number,
        "kind": plan.kind,
        "name": plan.name,
        "start_fiscal_year": plan.start_fiscal_year,
        "end_fiscal_year": plan.end_fiscal_year,
        "decided_on": plan.decided_on,
        "decided_by": plan.decided_by,
        "revised_on": plan.revised_on,
        "summary": plan.summary,
        "achieved_percent": plan.achieved_percent,
        "partial_percent": plan.partial_percent,
        "source": plan.source,
    }


def policy_rows(plan: Plan) -> list[dict]:
    return [
        {"plan": plan.number, "number": p.number, "title": p.title, "description": p.description}
        for p in BasicPolicy.objects.filter(plan=plan).order_by("number")
    ]


def measure_rows(plan: Plan) -> list[dict]:
    measures = Measure.objects.filter(policy__plan=plan).select_related("policy")
    return [
        {
            "plan": plan.number,
            "policy": m.policy.number,
            "category": m.category,
            "number": m.number,
            "plan_text": m.plan_text,
            "deadline_text": m.deadline_text,
            "deadline": m.deadline,
            "result_text": m.result_text,
            "mark": m.mark,
            "order": m.order,
            "source": m.source,
        }
        for m in measures.order_by("policy__number", "order", "category", "number")
    ]


def vision_rows(plan: Plan) -> list[dict]:
    visions = IndustrialVision.objects.filter(plan=plan).select_related("region")
    return [
        {
            "plan": plan.number,
            "region_code": v.region.code,
            "number": v.number,
            "title": v.title,
            "period_label": v.period_label,
            "text": v.text,
            "source": v.source,
        }
        for v in visions.order_by("region__order", "region__code", "number")
    ]


def region_code(kpi: Kpi) -> str:
    return kpi.region.code if kpi.region_id else ""


def kpi_rows(plan: Plan) -> list[dict]:
    kpis = Kpi.objects.filter(plan=plan).select_related("region", "vision")
    return [
        {
            "plan": plan.number,
            "kpi_code": k.code,
            "level": k.level,
            "region_code": region_code(k),
            "kind": k.kind,
            "kpi_title": k.title,
            "kpi_text": k.text,
            "period_label": k.period_label,
            "stage": k.stage,
            "vision": k.vision.number if k.vision_id else None,
            "order": k.order,
            "note": k.note,
            "source": k.source,
        }
        for k in kpis.order_by(*KPI_ORDER)
    ]


def plan_indicators(plan: Plan):
    return Indicator.objects.filter(kpi__plan=plan).select_related("kpi__region").order_by(*INDICATOR_ORDER)


def indicator_keys(indicator: Indicator) -> dict:
    kpi = indicator.kpi
    return {
        "plan": kpi.plan.number if kpi.plan_id else None,
        "kpi_code": kpi.code,
        "region_code": region_code(kpi),
        "indicator_code": indicator.code,
    }


def indicator_rows(plan: Plan) -> list[dict]:
    return [
        {
            **indicator_keys(i),
            "indicator_name": i.name,
            "unit": i.unit,
            "measure": i.measure,
            "target_shape": i.target_shape,
            "direction": i.direction,
            "aggregation": i.aggregation,
            "rate_places": i.rate_places,
            "order": i.order,
            "note": i.note,
        }
        for i in plan_indicators(plan).select_related("kpi__plan")
    ]


def figure_keys(figure) -> dict:
    return {
        **indicator_keys(figure.indicator),
        "period": figure.period,
        "year": figure.year,
        "start_year": figure.start_year,
        "value": figure.value,
    }


def target_rows(plan: Plan) -> list[dict]:
    targets = Target.objects.filter(indicator__kpi__plan=plan).select_related("indicator__kpi__region")
    return [
        {
            **figure_keys(t),
            "baseline_value": t.baseline_value,
            "baseline_year": t.baseline_year,
            "is_minimum": t.is_minimum,
            "due_date": t.due_date,
            "note": t.note,
            "source": t.source,
        }
        for t in targets.select_related("indicator__kpi__plan").order_by(*FIGURE_ORDER)
    ]


def actual_rows(plan: Plan) -> list[dict]:
    actuals = Actual.objects.filter(indicator__kpi__plan=plan).select_related("indicator__kpi__region")
    return [
        {**figure_keys(a), "achieved_on": a.achieved_on, "note": a.note, "source": a.source}
        for a in actuals.select_related("indicator__kpi__plan").order_by(*FIGURE_ORDER)
    ]


def reported_rows(plan: Plan) -> list[dict]:
    return [
        {
            "plan": plan.number,
            "scope": r.scope,
            "area": r.area,
            "fiscal_year": r.fiscal_year,
            "items_total": r.items_total,
            "items_achieved": r.items_achieved,
            "printed_rate": r.printed_rate,
            "note": r.note,
            "source": r.source,
        }
        for r in ReportedResult.objects.filter(plan=plan).order_by("scope", "fiscal_year", "area")
    ]


def predecessor_rows(plan: Plan) -> list[dict]:
    linked = plan_indicators(plan).filter(predecessor__isnull=False)
    rows = []
    for indicator in linked.select_related("kpi__plan", "predecessor__kpi__plan"):
        predecessor = indicator.predecessor
        rows.append(
            {
                "plan": plan.number,
                "kpi_code": indicator.kpi.code,
                "indicator_code": indicator.code,
                "predecessor_plan": predecessor.kpi.plan.number,
                "predecessor_kpi_code": predecessor.kpi.code,
                "predecessor_indicator_code": predecessor.code,
            }
        )
    return rows


def designation_rows(plan: Plan) -> list[dict]:
    designations = Designation.objects.filter(programme=plan).select_related("region")
    return [
        {"plan": plan.number, "region_code": d.region.code, "note": d.note, "source": d.source}
        for d in designations.order_by("region__order", "region__code")
    ]
