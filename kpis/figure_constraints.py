"""The database's checks on a target or an actual (kpis/models.py Target, Actual), each answering a form
in Japanese next to its field (regions/constraints.py)."""

from django.db import models

from regions.constraints import check, unique

# what a figure is called in a message, by its constraints' prefix
FIGURE_NAMES = {"target": "目標", "actual": "実績"}


def figure_constraints(prefix: str) -> list:
    """One figure per indicator, period and year; values not negative, percentages at most 100, a
    plausible year, a cumulative span not reversed."""
    return [
        unique(
            fields=["indicator", "period", "year"],
            name=f"{prefix}_one_per_period",
            message=f"この指標の同じ期間・年度の{FIGURE_NAMES[prefix]}は既に登録されています。",
            field="year",
        ),
        check(
            condition=models.Q(value__gte=0),
            name=f"{prefix}_value_not_negative",
            message="0以上の値を入力してください。",
            field="value",
        ),
        check(
            condition=~models.Q(measure="percent") | models.Q(value__lte=100),
            name=f"{prefix}_percent_at_most_100",
            message="割合は0〜100の範囲で入力してください。",
            field="value",
        ),
        check(
            condition=models.Q(year__gte=1990, year__lte=2100),
            name=f"{prefix}_year_plausible",
            message="年度（年）は1990〜2100の範囲で入力してください。",
            field="year",
        ),
        check(
            condition=models.Q(start_year__isnull=True) | models.Q(start_year__lte=models.F("year")),
            name=f"{prefix}_start_not_after_end",
            message="累計の開始年度は、年度（年）と同じか、それより前にしてください。",
            field="start_year",
        ),
    ]
