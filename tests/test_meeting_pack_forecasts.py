"""A pack cut while its year is under way shows each published year-end forecast beside its result, as
the block dashboard does (issue: judge only what the plan judges, item 5), read as it stood at the
cut-off; a pack of a finished year shows none. The year under way is today's, one of the worked 4th
plan's FY2026–2028 (docs/new-plan.md: 年6回 each year)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from test_new_plan_example import example_workbook

from kpis.models import Indicator
from kpis.workbook.importing import import_workbook
from plans.fiscal import fiscal_year_of
from regions.demo import create_demo_users
from regions.models import Block
from reports.meetings import rules as meetings
from reports.meetings.packs import build_pack
from reports.meetings.workbook import pack_workbook
from reports.models import Forecast, LiaisonMeeting

pytestmark = pytest.mark.django_db

TODAY_YEAR = fiscal_year_of(timezone.localdate())


@pytest.fixture
def seminars():
    """Kanagawa's セミナー開催回数 of the 4th plan (new-plan.md: 年6回), with a forecast of 5 this year."""
    outcome = import_workbook(data=example_workbook(), dry_run=False, filename="plan4.xlsx")
    assert outcome.succeeded, [str(error) for error in outcome.errors]
    create_demo_users()
    indicator = Indicator.objects.get(kpi__plan__number=4, kpi__code="14-1")
    Forecast.objects.create(
        indicator=indicator,
        fiscal_year=TODAY_YEAR,
        value=Decimal(5),
        reason="下期の1回が中止",
        source="テスト",
    )
    return indicator


def cut(fiscal_year: int) -> LiaisonMeeting:
    meeting = LiaisonMeeting(
        block=Block.objects.get(code="kanto"),
        fiscal_year=fiscal_year,
        title="関東",
        held_on=timezone.localdate(),
    )
    return meetings.create_meeting(
        User.objects.get(username="demo-bureau-kanto"), meeting, timezone.localdate()
    )


@pytest.mark.skipif(not 2026 <= TODAY_YEAR <= 2028, reason="the worked 4th plan must be under way")
def test_a_pack_of_the_year_under_way_shows_the_forecast_beside_the_progress(seminars, client):
    pack = build_pack(cut(TODAY_YEAR))
    assert pack.forecasts_shown
    (row,) = [r for r in pack.results if r.indicator == seminars]
    assert not row.result.is_final  # the year is under way: progress, never a mark
    assert (row.forecast.at_risk, row.forecast_reason) == (True, "下期の1回が中止")
    assert (pack.forecasts.items, pack.forecasts.at_risk) == (1, 1)

    client.force_login(User.objects.get(username="demo-bureau-kanto"))
    page = client.get(f"/meetings/{pack.meeting.pk}/pack/").content.decode()
    # no region has a report page yet (nothing approved, no previous meeting): the summary counts them
    assert "見込みのある1項目のうち、目標に届かない見込み 1項目" in page
    sheet = openpyxl.load_workbook(io.BytesIO(pack_workbook(pack)))["指標別実績"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    (kanagawa,) = [r for r in rows[1:] if r[header.index("指標")] == "セミナー開催回数"]
    assert kanagawa[header.index("年度末見込み")] == 5


def test_a_pack_of_a_finished_year_shows_no_forecast(seminars):
    Forecast.objects.create(indicator=seminars, fiscal_year=2025, value=Decimal(1), source="テスト")
    pack = build_pack(cut(2022))  # the 2nd plan's last year, long finished
    assert not pack.forecasts_shown
    assert all(row.forecast is None for row in pack.results)
