"""A case study's step dates as the documents print them ("H30.10", "２０１８．４", "R2.３月", "平成30年度"):
read into a month and a fiscal year. Pure functions."""

import datetime
import re
import unicodedata

from plans.fiscal import fiscal_year_of

_ERA_START = {"H": 1988, "平成": 1988, "R": 2018, "令和": 2018, "S": 1925, "昭和": 1925}


_ERA = r"(?P<era>平成|令和|昭和|H|R|S)\.?\s*(?P<year>\d{1,2}|元)"


_WESTERN = r"(?P<western>(?:19|20)\d{2})"


_MONTH = r"\s*[.．年/]\s*(?P<month>\d{1,2})(?!\d)"


_FISCAL = r"\s*年度"


def parse_step_date(label: str) -> tuple[datetime.date | None, int | None]:
    """A step's date as the documents print it → (first day of the month, fiscal year).

    "H30.10" → (2018-10-01, 2018); "２０１８．４" → (2018-04-01, 2018); "R2.３月" → (2020-03-01, 2019);
    "平成30年度" → (None, 2018); "H30" → (None, 2018); "今後" → (None, None).
    """
    text = unicodedata.normalize("NFKC", label or "").strip().upper()
    for era_or_year in (_ERA, _WESTERN):
        match = re.match(era_or_year + _MONTH, text)
        if match:
            year, month = _year_of(match), int(match.group("month"))
            if not 1 <= month <= 12:
                return None, None
            month_start = datetime.date(year, month, 1)
            return month_start, fiscal_year_of(month_start)
        match = re.match(era_or_year + _FISCAL, text) or re.fullmatch(era_or_year, text)
        if match:
            return None, _year_of(match)
    return None, None


def _year_of(match: re.Match) -> int:
    groups = match.groupdict()
    if groups.get("western"):
        return int(groups["western"])
    number = 1 if groups["year"] == "元" else int(groups["year"])
    return _ERA_START[groups["era"]] + number
