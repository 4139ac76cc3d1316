"""Cell readers the plan workbook needs beside those of the KPI, target and actual files (kpis/cells.py)."""

from kpis.cells import Cell, cell_text, region_code_text
from kpis.rules.status import status_of_mark
from plans.models import Measure


class IntegerCell(Cell):
    """A whole number: a policy's or measure's number, an order, a count of items, a number of places."""

    def __init__(self, label: str, *, required: bool = False, maximum: int | None = None):
        super().__init__(label, required=required)
        self.maximum = maximum

    def parse(self, value):
        text = cell_text(value)
        if not (text.isascii() and text.isdecimal()):
            raise ValueError(f'{self.label} "{text}" は0以上の整数で入力してください')
        number = int(text)
        if self.maximum is not None and number > self.maximum:
            raise ValueError(f'{self.label} "{text}" は{self.maximum}以下で入力してください')
        return number


class CodeCell(Cell):
    """A code (KPI code, indicator code, a block): the text as typed, full-width digits read as digits."""

    blank_value = ""

    def parse(self, value):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return value or None


class RegionCodeCell(CodeCell):
    """A region's code: JIS prefecture codes keep their two digits when Excel drops the leading zero."""

    def parse(self, value):
        return region_code_text(value)


class MarkCell(Cell):
    """A measure's mark: written 〇 △ × as the documents print them; read in any circle (〇 ○ ◯),
    ✕ for ×, or the codes (achieved, partly, not_achieved). Blank: not marked (yet)."""

    blank_value = ""
    CODES = {mark.value: mark.value for mark in Measure.Mark}

    def parse(self, value):
        text = cell_text(value)
        if text.lower() in self.CODES:
            return self.CODES[text.lower()]
        status = status_of_mark(text)
        if status is None:
            raise ValueError(
                f'{self.label} "{text}" は 〇、△、× のいずれかで入力してください（未記入は空欄）'
            )
        return status.value

    def render(self, value, obj=None, **kwargs):
        return Measure.Mark(value).label if value else None
