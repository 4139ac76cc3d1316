"""Dates as a person reads them on the portal: one formatter for pages, e-mails and exports' notes.

- long, where a date stands on its own (a deadline, a meeting's day, a report's facts):
  「2026年12月4日（令和8年12月4日）」, a moment 「2026年12月4日（令和8年12月4日）13:02」;
- short, in table cells and lists where space is tight: 「令和8年12月4日」, 「令和8年12月4日 13:02」.

Eras change on a day, not with the year: 2019-04-30 is 平成31年4月30日 and 2019-05-01 令和元年5月1日
(fiscal-year labels, plans/fiscal.py, name a whole year by its later era instead, as the documents do).
A moment (an aware datetime) is read in the portal's time zone (Asia/Tokyo) before it is written.
"""

import datetime

# (first day of the era, its name), newest first
ERAS = (
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
)
LONG, SHORT = "long", "short"


def era_date(day: datetime.date) -> str:
    """2026-12-04 → '令和8年12月4日'; 2019-05-01 → '令和元年5月1日'; 2019-04-30 → '平成31年4月30日'."""
    for first, name in ERAS:
        if day >= first:
            number = day.year - first.year + 1
            return f"{name}{'元' if number == 1 else number}年{day.month}月{day.day}日"
    raise ValueError(f"no era for {day}")


def gregorian_date(day: datetime.date) -> str:
    """2026-12-04 → '2026年12月4日'."""
    return f"{day.year}年{day.month}月{day.day}日"


def japanese_date(day: datetime.date | None, style: str = LONG) -> str:
    """A day: long '2026年12月4日（令和8年12月4日）', short '令和8年12月4日'; None → ''.
    A datetime given here is read as its day in the portal's time zone."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = local(day).date()
    if style == SHORT:
        return era_date(day)
    return f"{gregorian_date(day)}（{era_date(day)}）"


def japanese_datetime(moment: datetime.datetime | None, style: str = LONG) -> str:
    """A moment with its time of day: long '2026年12月4日（令和8年12月4日）13:02', short
    '令和8年12月4日 13:02'; None → ''. A plain date is written as a day."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime.datetime):
        return japanese_date(moment, style)
    moment = local(moment)
    day = japanese_date(moment.date(), style)
    return f"{day} {moment:%H:%M}" if style == SHORT else f"{day}{moment:%H:%M}"


def local(moment: datetime.datetime) -> datetime.datetime:
    """An aware moment in the portal's time zone; a naive one as it is."""
    # imported here: the judgement rule formats dates with this module and must load without Django
    from django.utils import timezone

    return timezone.localtime(moment) if timezone.is_aware(moment) else moment
