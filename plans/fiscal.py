"""Japanese fiscal years, halves and era names: plain functions, no clock inside."""

import datetime

# (first Gregorian year of the era, era name)
_ERAS = [(2019, "令和"), (1989, "平成"), (1926, "昭和")]

H1, H2 = "h1", "h2"
# The one place the halves are named: models' choices, filters, tables and pages all read it.
HALF_LABELS = {H1: "上期", H2: "下期"}
HALF_MONTHS = {H1: "4〜9月", H2: "10〜3月"}
# The order of a fiscal year's periods (its halves, then the year's own figure, then a total to
# date), for "earlier than this half".
PERIOD_ORDER = {H1: 0, H2: 1, "fy": 2, "cy": 2, "cum": 3}


def fiscal_year_of(day: datetime.date) -> int:
    """年度 N runs 1 April N – 31 March N+1."""
    return day.year if day.month >= 4 else day.year - 1


def half_of(day: datetime.date) -> str:
    """'h1' (上期, Apr–Sep) or 'h2' (下期, Oct–Mar)."""
    return H1 if 4 <= day.month <= 9 else H2


def half_with_months(half: str) -> str:
    """'h1' → '上期（4〜9月）'."""
    return f"{HALF_LABELS[half]}（{HALF_MONTHS[half]}）"


def half_bounds(fiscal_year: int, half: str) -> tuple[datetime.date, datetime.date]:
    if half == H1:
        return datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year, 9, 30)
    if half == H2:
        return datetime.date(fiscal_year, 10, 1), datetime.date(fiscal_year + 1, 3, 31)
    raise ValueError(f"unknown half: {half!r}")


def era_year(year: int) -> str:
    """2019 → '令和元', 2024 → '令和6', 2015 → '平成27'.

    Fiscal 2019 began under 平成 (April 2019) but the documents name it 令和元年度 too;
    the later era is the one users expect on screen.
    """
    for first, name in _ERAS:
        if year >= first:
            number = year - first + 1
            return f"{name}{'元' if number == 1 else number}"
    raise ValueError(f"no era for {year}")


def fiscal_year_label(fiscal_year: int) -> str:
    """2024 → '2024年度（令和6年度）'."""
    return f"{fiscal_year}年度（{era_year(fiscal_year)}年度）"


def calendar_year_label(year: int) -> str:
    """2019 → '2019年（令和元年）'."""
    return f"{year}年（{era_year(year)}年）"
