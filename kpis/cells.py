"""Readers of spreadsheet cells: what Excel and Japanese offices put in a cell, read into clean values.

Each reader raises ValueError with a Japanese message naming the column, which the resources turn
into a line-numbered error.
"""

import math
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.db import models
from import_export import widgets
from import_export.fields import Field

from kpis.rules.status import ACHIEVED_MARK, fold_marks
from kpis.values import plain_number, western_year

FIRST_YEAR, LAST_YEAR = 1990, 2100


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@lru_cache(maxsize=4096, typed=True)
def cell_text(value) -> str:
    """A key or number cell as text. Excel hands codes over as numbers (1.0 for "1"), and
    Japanese input methods type full-width digits; NFKC makes "１４" read as "14". A file repeats
    its codes, years and periods on every row: each distinct cell is read once."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def region_code_text(value) -> str:
    """Excel drops the leading zero of "01"; JIS prefecture codes always have two digits."""
    text = cell_text(value)
    return text.zfill(2) if text.isdecimal() and len(text) == 1 else text


def plain_decimal(value: Decimal) -> Decimal:
    """12.50 as 12.5 and 100.00 as 100, without exponent notation."""
    return Decimal(format(value.normalize(), "f"))


class Cell(widgets.Widget):
    """One kind of spreadsheet cell: reads what Excel users type, writes what they can type back."""

    blank_value = None

    def __init__(self, label: str = "", *, required: bool = False):
        super().__init__(coerce_to_string=False)
        self.label = label
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.required:
                raise ValueError(f"{self.label}を入力してください")
            return self.blank_value
        return self.parse(value)

    def parse(self, value):
        return value

    def render(self, value, obj=None, **kwargs):
        return value


class TextCell(Cell):
    blank_value = ""

    def parse(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class DecimalCell(Cell):
    def parse(self, value):
        number = self.number(value)
        if number < 0:
            raise ValueError("負の値は入力できません。")
        return number

    def number(self, value) -> Decimal:
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, Decimal) and value.is_finite():
            return value
        if isinstance(value, float) and math.isfinite(value):
            return Decimal(repr(value))
        number = plain_number(cell_text(value))
        if number is None:
            raise ValueError(f'{self.label} "{cell_text(value)}" は数値ではありません')
        return number

    def render(self, value, obj=None, **kwargs):
        return None if value is None else plain_decimal(value)


class YearCell(Cell):
    def parse(self, value):
        text = cell_text(value)
        year = western_year(text)
        if year is None:
            raise ValueError(
                f'{self.label} "{text}" は西暦（2022）か和暦（令和4年度、R4、平成30年度、H30）で入力してください'
            )
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f'{self.label} "{text}" は{FIRST_YEAR}〜{LAST_YEAR}の範囲で入力してください')
        return year


class ChoiceCell(Cell):
    """A code (fy) or its Japanese label (年度)."""

    def __init__(self, label: str, choices: type[models.Choices], *, required: bool = True):
        super().__init__(label, required=required)
        self.choices = choices
        self.codes = {str(choice.value): choice.value for choice in choices}

    def parse(self, value):
        text = cell_text(value)
        codes = self.codes
        if text.lower() in codes:
            return codes[text.lower()]
        # Labels only when the code did not match: translating them costs more than the rest of a row.
        for choice in self.choices:
            if text == str(choice.label):
                return choice.value
        raise ValueError(f'{self.label} "{text}" は不明です（{", ".join(codes)} のいずれか）')


class FlagCell(Cell):
    blank_value = False
    # 〇 is written in any of its circles (kpis/rules/status.py folds them).
    TRUE = {"1", "true", "yes", "はい", ACHIEVED_MARK}
    FALSE = {"0", "false", "no", "いいえ"}

    def parse(self, value):
        text = fold_marks(cell_text(value)).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f'{self.label} "{cell_text(value)}" は 1（はい）か 0（いいえ）で入力してください')

    def render(self, value, obj=None, **kwargs):
        return 1 if value else 0


class DateCell(Cell):
    FORMATS = ("%Y-%m-%d", "%Y/%m/%d")

    def parse(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        for pattern in self.FORMATS:
            try:
                return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time zone)
            except ValueError:
                continue
        raise ValueError(f'{self.label} "{text}" は日付（例 2021-03-31）で入力してください')


def key_field(attribute: str, column: str) -> Field:
    """A natural-key column: written on export, read by the resource itself on import."""
    return Field(attribute=attribute, column_name=column, widget=TextCell(), readonly=True)
