import datetime

import pytest

from plans.fiscal import (
    calendar_year_label,
    era_year,
    fiscal_year_label,
    fiscal_year_of,
    half_bounds,
    half_of,
)


@pytest.mark.parametrize(
    ("day", "fiscal_year", "half"),
    [
        (datetime.date(2024, 4, 1), 2024, "h1"),
        (datetime.date(2024, 9, 30), 2024, "h1"),
        (datetime.date(2024, 10, 1), 2024, "h2"),
        (datetime.date(2025, 3, 31), 2024, "h2"),
        (datetime.date(2025, 1, 15), 2024, "h2"),
    ],
)
def test_a_day_belongs_to_the_fiscal_year_and_half_that_contain_it(day, fiscal_year, half):
    assert fiscal_year_of(day) == fiscal_year
    assert half_of(day) == half


def test_halves_cover_april_to_march():
    assert half_bounds(2022, "h1") == (datetime.date(2022, 4, 1), datetime.date(2022, 9, 30))
    assert half_bounds(2022, "h2") == (datetime.date(2022, 10, 1), datetime.date(2023, 3, 31))
    with pytest.raises(ValueError):
        half_bounds(2022, "h3")


@pytest.mark.parametrize(
    ("year", "era"),
    [
        # DOMAIN.md §Time: 平成27年度 = FY2015, 平成31年度 = 令和元年度 = FY2019, 令和7年度 = FY2025
        (2015, "平成27"),
        (2018, "平成30"),
        (2019, "令和元"),
        (2020, "令和2"),
        (2025, "令和7"),
        (1989, "平成元"),
    ],
)
def test_era_names_follow_the_documents(year, era):
    assert era_year(year) == era


def test_labels_show_both_forms():
    assert fiscal_year_label(2024) == "2024年度（令和6年度）"
    assert calendar_year_label(2019) == "2019年（令和元年）"
