"""Reading numbers and years typed by people: in a form or in a spreadsheet cell.

Full-width digits (１２３), thousands separators (1,234 and １，２３４) and era years (令和4年度, R4,
平成30年度, H30) are what Japanese input methods, spreadsheets and offices produce, so they are read;
anything that is not a plain non-negative number gets a Japanese message saying what to type instead.
Exponents (1e5), underscores (1_000), NaN and digits of other scripts are not plain numbers: Python's
Decimal would take them, a person typing a figure does not mean them.
"""

import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError

from kpis.models import Measure

# Figures are stored with 14 digits, 2 after the point.
LARGEST = Decimal("999999999999.99")
DECIMAL_PLACES = 2

# After NFKC: an optional sign, digits (commas anywhere between them are thousands separators, as
# the forms have always read them), an optional decimal part; at least one digit. ASCII digits only.
PLAIN_NUMBER = re.compile(r"[-+]?(?=\.?\d)(?:\d[\d,]*)?(?:\.\d*)?", re.ASCII)
# U+2212 MINUS SIGN and other dashes NFKC keeps: a minus typed from a Japanese keyboard or pasted
# from a document.
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-"})

# Eras by their first western year (元年 = 1): 令和元年 = 2019, 平成元年 = 1989, 昭和元年 = 1926.
ERAS = {"令和": 2019, "R": 2019, "平成": 1989, "H": 1989, "昭和": 1926, "S": 1926}
YEAR_TEXT = re.compile(
    r"(?:FY)?(?P<western>\d{4})(?:年度?)?"
    r"|(?P<era>令和|平成|昭和|[RHS])\.?(?P<era_year>\d{1,2}|元)(?:年度?)?",
    re.ASCII | re.IGNORECASE,
)


def normalised_text(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip().replace(",", "")


def number_text(raw: str) -> str | None:
    """The typed text as a plain decimal number ("1234.5", "-3"), or None if it is not one.
    Blank text gives ""."""
    text = unicodedata.normalize("NFKC", raw).strip().translate(MINUS_SIGNS)
    if not text:
        return ""
    if PLAIN_NUMBER.fullmatch(text) is None:
        return None
    text = text.replace(",", "")
    return text.rstrip(".") if text.endswith(".") else text


def plain_number(raw: str) -> Decimal | None:
    """The Decimal of a plain number, None if the text is not one (blank text included)."""
    text = number_text(raw)
    return Decimal(text) if text else None


def parse_figure(raw: str | None, measure: str, *, label: str = "値") -> Decimal | None:
    """The typed value as a Decimal, None when left blank; ValidationError for anything else."""
    if not normalised_text(raw or ""):
        return None
    value = plain_number(raw)
    if value is None:
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


def value_problem(value: Decimal, measure: str | None) -> str | None:
    """What the database would refuse in a figure's value for an indicator of `measure` (the
    messages of Figure.clean, which checks the same on a model object)."""
    if measure == Measure.COUNT and value != value.to_integral_value():
        return "件数等の値は整数で入力してください。"
    if measure == Measure.PERCENT and value > 100:
        return "割合は0〜100の範囲で入力してください。"
    if value < 0:
        return "負の値は入力できません。"
    return None


def western_year(raw: str) -> int | None:
    """A year as typed in a fiscal-year column: "2022", "2022年度", "令和4年度", "令和元年", "R4",
    "H30", "平成31年度" (= 2019). None if the text is none of these."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    match = YEAR_TEXT.fullmatch(text)
    if match is None:
        return None
    if match["western"]:
        return int(match["western"])
    era = match["era"]
    first_year = ERAS[era.upper() if len(era) == 1 else era]
    number = 1 if match["era_year"] == "元" else int(match["era_year"])
    return first_year + number - 1 if number >= 1 else None
