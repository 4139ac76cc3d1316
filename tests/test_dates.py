"""Dates as people read them (plans/dates.py, the `jdate`/`jdatetime` filters) and as spreadsheets
keep them (kpis/export.py write_sheet): one formatter for every page, e-mail and export."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import User
from django.template import Context, Template

from kpis.export import dataset_to_xlsx
from kpis.models import Indicator
from kpis.revisions import revise_target
from plans.dates import LONG, SHORT, era_date, japanese_date, japanese_datetime
from regions.demo import create_demo_users

TOKYO = ZoneInfo("Asia/Tokyo")
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (datetime.date(2026, 12, 4), "2026年12月4日（令和8年12月4日）", "令和8年12月4日"),
        # the era changes on 1 May 2019, not with the year or the fiscal year
        (datetime.date(2019, 4, 30), "2019年4月30日（平成31年4月30日）", "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "2019年5月1日（令和元年5月1日）", "令和元年5月1日"),
        (datetime.date(2019, 12, 31), "2019年12月31日（令和元年12月31日）", "令和元年12月31日"),
        (datetime.date(2020, 1, 1), "2020年1月1日（令和2年1月1日）", "令和2年1月1日"),
        (datetime.date(1989, 1, 7), "1989年1月7日（昭和64年1月7日）", "昭和64年1月7日"),
        (datetime.date(1989, 1, 8), "1989年1月8日（平成元年1月8日）", "平成元年1月8日"),
        (datetime.date(2016, 3, 31), "2016年3月31日（平成28年3月31日）", "平成28年3月31日"),
    ],
)
def test_a_day_long_and_short(day, long, short):
    assert japanese_date(day) == japanese_date(day, LONG) == long
    assert japanese_date(day, SHORT) == era_date(day) == short


@pytest.mark.parametrize(
    ("moment", "long", "short"),
    [
        (
            datetime.datetime(2026, 12, 4, 4, 2, tzinfo=UTC),  # 13:02 in Tokyo
            "2026年12月4日（令和8年12月4日）13:02",
            "令和8年12月4日 13:02",
        ),
        (
            # 30 April 2019 23:30 UTC is already 1 May in Tokyo: 令和
            datetime.datetime(2019, 4, 30, 15, 30, tzinfo=UTC),
            "2019年5月1日（令和元年5月1日）00:30",
            "令和元年5月1日 00:30",
        ),
        (
            datetime.datetime(2019, 4, 30, 23, 59, tzinfo=TOKYO),
            "2019年4月30日（平成31年4月30日）23:59",
            "平成31年4月30日 23:59",
        ),
    ],
)
def test_a_moment_is_read_in_tokyo_with_its_time(moment, long, short):
    assert japanese_datetime(moment) == long
    assert japanese_datetime(moment, SHORT) == short
    # a moment given as a day is the day in Tokyo
    assert japanese_date(moment, SHORT) == short.split(" ")[0]


def test_nothing_is_written_for_no_date_and_a_day_has_no_time():
    assert japanese_date(None) == japanese_datetime(None) == ""
    assert japanese_datetime(datetime.date(2026, 12, 4), SHORT) == "令和8年12月4日"


def test_the_template_filters_write_the_same():
    template = Template(
        '{% load portal %}{{ day|jdate }}|{{ day|jdate:"short" }}|{{ at|jdatetime }}|{{ at|jdatetime:"short" }}'
    )
    text = template.render(
        Context({"day": datetime.date(2026, 12, 4), "at": datetime.datetime(2026, 12, 4, 4, 2, tzinfo=UTC)})
    )
    assert text == (
        "2026年12月4日（令和8年12月4日）|令和8年12月4日|2026年12月4日（令和8年12月4日）13:02|令和8年12月4日 13:02"
    )


# --- spreadsheets ------------------------------------------------------------------------------


def test_xlsx_keeps_dates_and_moments_as_date_cells_in_tokyo_time_with_widths():
    dataset = tablib.Dataset(
        [
            "神奈川県",
            datetime.date(2026, 12, 4),
            datetime.datetime(2026, 12, 4, 4, 2, 30, 123456, tzinfo=UTC),
        ],
        headers=["地域", "提出期限", "提出日時"],
    )
    dataset.title = "提出状況"
    sheet = openpyxl.load_workbook(io.BytesIO(dataset_to_xlsx(dataset))).active
    assert sheet.title == "提出状況"
    day, moment = sheet["B2"], sheet["C2"]
    assert day.is_date and day.number_format == "yyyy/m/d"
    assert day.value.date() == datetime.date(2026, 12, 4)  # openpyxl reads a date cell back as a datetime
    assert moment.is_date and moment.number_format == "yyyy/m/d h:mm"
    assert moment.value.replace(microsecond=0, tzinfo=TOKYO) == datetime.datetime(
        2026, 12, 4, 13, 2, 30, tzinfo=TOKYO
    )
    # a full-width character counts two: 「神奈川県」 is 8 wide, never Excel's default 8.43 for all
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    assert widths["A"] == 10
    assert widths["C"] >= len("2026/12/04 13:02")


def test_a_long_text_column_is_capped():
    dataset = tablib.Dataset(["あ" * 200], headers=["改定理由"])
    sheet = openpyxl.load_workbook(io.BytesIO(dataset_to_xlsx(dataset))).active
    assert sheet.column_dimensions["A"].width == 60


# --- pages and exports showing them ------------------------------------------------------------


@pytest.fixture
def revision(db):
    create_demo_users()
    indicator = Indicator.objects.select_related("kpi__plan", "kpi__region").get(
        kpi__plan__number=2, kpi__code="14-1", code="1"
    )
    return revise_target(
        User.objects.get(username="demo-bureau-kanto"),
        indicator,
        new_value=Decimal("6"),
        effective_fiscal_year=2022,
        reason="神奈川県の見直し",
    )


def test_the_revision_list_shows_the_short_form_and_exports_a_date_cell(client, revision):
    client.force_login(User.objects.get(username="demo-viewer"))
    url = "/dashboard/2/blocks/kanto/revisions/"
    page = client.get(url).content.decode()
    assert japanese_datetime(revision.revised_at, SHORT) in page
    assert f"{revision.revised_at:%Y-%m-%d}" not in page

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url, {"_export": "xlsx"}).content))
    sheet = workbook.worksheets[0]
    assert sheet.title == "改定"
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("改定日時") + 1)
    assert cell.is_date
    local = revision.revised_at.astimezone(TOKYO).replace(tzinfo=None, microsecond=0)
    assert cell.value.replace(microsecond=0) == local

    csv_text = client.get(url, {"_export": "csv"}).content.decode("utf-8-sig")
    assert f"{local:%Y-%m-%d %H:%M}" in csv_text  # what Excel reads back as a moment
