"""Importing a plan workbook: the service the admin and `manage.py import_plan` share.

The sheets are read (kpis/workbook/reading.py refuses hostile files as the other imports do), then
imported in dependency order in one transaction: 計画 first (every other sheet belongs to its plan),
then 基本方針, 施策, 産業振興ビジョン, 指定地域, KPI, 指標, 前計画との対応, 目標, 実績, 報告値. Only
what differs from the database is written, each change with its history record (the importing user,
「ファイル取込（ファイル名）」). Any error, a dry run, or a failure while writing undoes everything.
"""

import logging
from dataclasses import dataclass

from django.db import transaction

from kpis.import_files import cycle_collection_paused
from kpis.import_keys import change_reason_for
from kpis.importing import UNEXPECTED
from kpis.workbook import sheets
from kpis.workbook.figure_sheets import import_figure_sheet
from kpis.workbook.kpi_sheets import IndicatorSheet, KpiSheet, PredecessorSheet, VisionSheet
from kpis.workbook.plan_sheets import DesignationSheet, MeasureSheet, PlanSheet, PolicySheet, ReportedSheet
from kpis.workbook.reading import SheetData, SheetError, WorkbookRefused, read_workbook
from kpis.workbook.sheet_import import ImportRun, SheetCount
from plans.models import Plan

logger = logging.getLogger(__name__)

SHEET_IMPORTS = {
    sheets.POLICIES.title: PolicySheet,
    sheets.MEASURES.title: MeasureSheet,
    sheets.VISIONS.title: VisionSheet,
    sheets.DESIGNATIONS.title: DesignationSheet,
    sheets.KPIS.title: KpiSheet,
    sheets.INDICATORS.title: IndicatorSheet,
    sheets.PREDECESSORS.title: PredecessorSheet,
    sheets.REPORTED.title: ReportedSheet,
}


@dataclass(frozen=True)
class WorkbookOutcome:
    plan: Plan | None = None
    counts: tuple[SheetCount, ...] = ()
    errors: tuple[SheetError, ...] = ()
    dry_run: bool = False

    @property
    def succeeded(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return sum(count.new + count.changed for count in self.counts)

    def summary_lines(self) -> list[str]:
        return [count.summary() for count in self.counts]


def import_workbook(*, data: bytes, dry_run: bool, user=None, filename: str | None = None) -> WorkbookOutcome:
    """Import a plan workbook's bytes, all or nothing."""
    try:
        found = read_workbook(data)
    except WorkbookRefused as refused:
        return WorkbookOutcome(errors=refused.errors, dry_run=dry_run)
    run = ImportRun(user=user, reason=change_reason_for(filename), file_name=filename)
    try:
        with cycle_collection_paused(), transaction.atomic():
            counts = import_sheets(run, found)
            if dry_run or run.errors:
                transaction.set_rollback(True)
    except Exception as error:
        # A database gone away, a deadlock, a bug: the transaction is rolled back, the user told so.
        logger.exception("import of a plan workbook failed")
        message = UNEXPECTED.format(name=type(error).__name__)
        return WorkbookOutcome(errors=(SheetError("", None, "", message),), dry_run=dry_run)
    return WorkbookOutcome(
        plan=run.plan, counts=tuple(counts), errors=tuple(sorted_errors(run.errors)), dry_run=dry_run
    )


def import_sheets(run: ImportRun, found: dict[str, SheetData]) -> list[SheetCount]:
    plan_sheet = found.get(sheets.PLAN.title)
    if plan_sheet is None or len(plan_sheet.rows) != 1:
        written = 0 if plan_sheet is None else len(plan_sheet.rows)
        message = (
            "シート「計画」がありません"
            if plan_sheet is None
            else f"計画を1行だけ書いてください（{written}行あります）"
        )
        run.errors.append(SheetError(sheets.PLAN.title, None, "", message))
        return []
    counts = [PlanSheet(run).import_sheet(plan_sheet)]
    if run.errors:
        run.errors.append(
            SheetError("", None, "", "計画シートのエラーを直すまで、ほかのシートは確認していません")
        )
        return counts
    run.plan = Plan.objects.get(number=plan_number_of(plan_sheet))
    for sheet in sheets.IMPORT_ORDER[1:]:
        data = found.get(sheet.title)
        if data is None:
            counts.append(SheetCount(sheet.title))
        elif sheet.title in SHEET_IMPORTS:
            counts.append(SHEET_IMPORTS[sheet.title](run).import_sheet(data))
        else:
            counts.append(import_figure_sheet(run, data))
    order = [sheet.title for sheet in sheets.SHEETS]
    return sorted(counts, key=lambda count: order.index(count.title))


def plan_number_of(plan_sheet: SheetData) -> int:
    _line, cells = plan_sheet.rows[0]
    return sheets.PLAN.column("plan").cell.clean(cells["plan"])


def sorted_errors(errors: list[SheetError]) -> list[SheetError]:
    """By sheet in the workbook's order, then line; a note on the whole import last."""
    order = {sheet.title: position for position, sheet in enumerate(sheets.SHEETS)}
    return sorted(errors, key=lambda e: (order.get(e.sheet, len(order)), e.line or 0))
