"""What importing every sheet of a plan workbook shares: reading a row's cells, finding the object
its natural key names, changing only what changed, the model's own checks, and saving with the
history's user and reason; every problem kept as 「シート名 N行目 列: メッセージ」.

A sheet is imported row by row inside the import's transaction, so that the next sheet finds what
this one created (a measure its basic policy, an indicator its KPI); the whole import is undone
when any sheet has an error (kpis/workbook/importing.py).
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from kpis.history import recorded
from kpis.import_keys import same_text, save_or_explain
from kpis.workbook.columns import Sheet
from kpis.workbook.reading import SheetData, SheetError
from plans.models import ACTION_PLAN_NUMBER_LIMIT, Plan
from regions.models import Region

UNREAD = object()  # a cell its reader refused (the problem is reported already)


@dataclass
class SheetCount:
    title: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.new + self.changed + self.unchanged

    def summary(self) -> str:
        return f"{self.title}: 新規 {self.new}件、変更 {self.changed}件、変更なし {self.unchanged}件"


@dataclass
class ImportRun:
    """One import: who, why, the plan of the workbook once its 計画 sheet is read, the problems."""

    user: object = None
    reason: str = ""
    file_name: str | None = None
    plan: Plan | None = None
    errors: list[SheetError] = field(default_factory=list)
    regions: dict[str, Region] = field(default_factory=dict)

    def region(self, code: str) -> Region | None:
        if not self.regions:
            self.regions = {region.code: region for region in Region.objects.all()}
        return self.regions.get(code)


class Row:
    """One row's cells, each read by its column's reader once; problems by column."""

    def __init__(self, data: SheetData, line: int, cells: dict):
        self.data = data
        self.line = line
        self.cells = cells
        self.values: dict[str, object] = {}
        self.problems: dict[str, list[str]] = {}

    def has(self, alias: str) -> bool:
        return alias in self.cells

    def value(self, alias: str):
        """The cell's value as its reader reads it: None when the column is absent, UNREAD when
        the reader refused it (reported once)."""
        if alias not in self.values:
            if alias not in self.cells:
                return None
            try:
                self.values[alias] = self.data.sheet.column(alias).cell.clean(self.cells[alias])
            except ValueError as error:
                self.values[alias] = UNREAD
                self.report(alias, str(error))
        return self.values[alias]

    def report(self, alias: str, message: str) -> None:
        self.problems.setdefault(alias, []).append(message)

    def errors(self) -> list[SheetError]:
        title = self.data.sheet.title
        return [
            SheetError(title, self.line, self.data.header(alias) if alias else "", message)
            for alias, messages in self.problems.items()
            for message in messages
        ]


class SheetImport:
    """Imports one sheet: override `existing`, `key_of` and `new_instance`; `values` maps the
    columns read straight into the model to its attributes."""

    sheet: Sheet
    values: dict[str, str] = {}
    not_cleaned: tuple[str, ...] = ()

    def __init__(self, run: ImportRun):
        self.run = run
        self.count = SheetCount(self.sheet.title)

    @property
    def plan(self) -> Plan:
        return self.run.plan

    def existing(self) -> dict:
        raise NotImplementedError

    def key_of(self, row: Row) -> tuple | None:
        """The row's natural key, its references resolved; None (with a problem) if it has none."""
        raise NotImplementedError

    def new_instance(self, row: Row, key: tuple):
        raise NotImplementedError

    def link(self, instance, row: Row) -> bool:
        """Set what the row names by key (a vision, a predecessor); True if that changed anything."""
        return False

    def check(self, instance, row: Row, new: bool) -> None:
        """Rules beyond the model's own field checks, reported on the row."""

    def import_sheet(self, data: SheetData) -> SheetCount:
        found = self.existing()
        seen: dict[tuple, int] = {}
        for line, cells in data.rows:
            row = Row(data, line, cells)
            key = self.key_of(row) if self.in_plan(row) else None
            if key is not None and key in seen:
                row.report("", f"同じキーの行が {seen[key]}行目にもあります")
            elif key is not None and not row.problems:
                seen[key] = line
                instance = self.import_row(row, key, found.get(key))
                if instance is not None:
                    found[key] = instance
            self.run.errors.extend(row.errors())
        return self.count

    def import_row(self, row: Row, key: tuple, instance):
        """The row's object created or changed (None when the row has a problem)."""
        new = instance is None
        if new:
            instance = self.new_instance(row, key)
        changed = self.assign(instance, row)
        changed = self.link(instance, row) or changed
        self.check(instance, row, new)
        self.clean(instance, row)
        if row.problems:
            return None
        if not (new or changed):
            self.count.unchanged += 1
            return instance
        try:
            self.save(instance, new)
        except ValidationError as error:
            row.report("", " ".join(error.messages))
            return None
        if new:
            self.count.new += 1
        else:
            self.count.changed += 1
        return instance

    def in_plan(self, row: Row) -> bool:
        number = row.value("plan")
        if number is None:
            row.report("plan", "計画を入力してください")
        elif number is not UNREAD and number != self.plan.number:
            row.report("plan", f'計画 "{number}" は計画シートの計画（{self.plan.number}）と違います')
        return not row.problems

    def assign(self, instance, row: Row) -> bool:
        changed = False
        for alias, attribute in self.values.items():
            if not row.has(alias):
                continue  # a column left out keeps what is stored
            value = row.value(alias)
            if value is not UNREAD and not same_text(getattr(instance, attribute), value):
                setattr(instance, attribute, value)
                changed = True
        return changed

    def clean(self, instance, row: Row) -> None:
        """The model's field checks (lengths, choices, blanks), each on its column."""
        column_of = {attribute: alias for alias, attribute in self.values.items()}
        refused = {column_of.get(alias, alias) for alias in row.problems}
        try:
            instance.full_clean(
                exclude={*self.not_cleaned, *refused}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for attribute, messages in error.message_dict.items():
                alias = "" if attribute == NON_FIELD_ERRORS else column_of.get(attribute, "")
                for message in messages:
                    row.report(alias, message if alias else self.field_message(instance, attribute, message))

    @staticmethod
    def field_message(instance, attribute: str, message: str) -> str:
        if attribute == NON_FIELD_ERRORS:
            return message
        return f"{instance._meta.get_field(attribute).verbose_name}: {message}"

    def save(self, instance, new: bool) -> None:
        if hasattr(type(instance), "history"):
            recorded(
                self.run.user if getattr(self.run.user, "is_authenticated", False) else None,
                instance,
                self.run.reason,
            )
        save_or_explain(instance, force_insert=new)


def key_text(row: Row, alias: str, label: str) -> str | None:
    """A key cell that must not be blank."""
    value = row.value(alias)
    if value is UNREAD:
        return None
    if value in (None, ""):
        row.report(alias, f"{label}を入力してください")
        return None
    return value


def plan_label(number: int) -> str:
    """How a message names a plan known by its number only: 第3次計画, 2024年度の事業."""
    return f"第{number}次計画" if number < ACTION_PLAN_NUMBER_LIMIT else f"{number}年度の事業"
