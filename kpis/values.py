"""Reading a figure typed into a form: what officers type, checked against the indicator's measure.

Full-width digits (１２３) and thousands separators (1,234) are what Japanese input methods and
spreadsheets produce, so they are read; anything that is not a plain non-negative number gets a
Japanese message saying what to type instead.
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from kpis.models import Measure

# Figures are stored with 14 digits, 2 after the point.
LARGEST = Decimal("999999999999.99")
DECIMAL_PLACES = 2


def normalised_text(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip().replace(",", "")


def parse_figure(raw: str | None, measure: str, *, label: str = "値") -> Decimal | None:
    """The typed value as a Decimal, None when left blank; ValidationError for anything else."""
    text = normalised_text(raw or "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            f"{label}「{raw}」は数値ではありません。半角または全角の数字で入力してください。"
        )
    if value < 0:
        raise ValidationError(f"{label}に負の値は入力できません。")
    if value > LARGEST:
        raise ValidationError(f"{label}が大きすぎます（1兆未満で入力してください）。")
    if measure == Measure.COUNT and value != value.to_integral_value():
        raise ValidationError(f"{label}は件数等のため整数で入力してください。")
    if measure == Measure.PERCENT and value > 100:
        raise ValidationError(f"{label}は割合のため0〜100の範囲で入力してください。")
    if -value.as_tuple().exponent > DECIMAL_PLACES and value != round(value, DECIMAL_PLACES):
        raise ValidationError(f"{label}は小数第{DECIMAL_PLACES}位までで入力してください。")
    return value
