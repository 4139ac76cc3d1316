"""What changed since the previous liaison meeting (reports/meetings/changes.py), read from the history
between two packs' cut-offs: an approved figure and a status that moved between the two meetings show
up, a decision closed meanwhile too, and nothing recorded after the later cut-off does."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from test_meetings import cut_meeting, kanto_indicator_with_2022_target

from kpis.history import recorded
from kpis.models import Actual, Period
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.case_studies import rules as case_studies
from reports.case_studies.form_input import StepInput
from reports.meetings import decisions
from reports.meetings import rules as meetings
from reports.meetings.packs import build_pack, meeting_view
from reports.models import DecisionItem, LiaisonMeeting


@pytest.fixture
def setting(db):
    create_demo_users()
    return User.objects.get(username="demo-bureau-kanto"), User.objects.get(username="demo-jpo")


def publish_actual(user, indicator, value):
    recorded(
        user, Actual(indicator=indicator, period=Period.FISCAL_YEAR, year=2022, value=value), "承認"
    ).save()


def test_an_actual_and_a_moved_status_between_two_meetings_show_up_and_nothing_after(setting):
    bureau, central = setting
    kanto = Block.objects.get(code="kanto")
    first = cut_meeting(bureau, kanto, title="第1回")
    item = decisions.create_item(
        bureau,
        DecisionItem(
            meeting=first, content="集計方法の統一", owner="bureau", due_on=datetime.date(2022, 12, 1)
        ),
    )
    indicator = kanto_indicator_with_2022_target()
    target = indicator.targets.get(year=2022, period=Period.FISCAL_YEAR).value
    publish_actual(central, indicator, target)
    decisions.answer_item(bureau, item, version=1, state="done", response="統一した")
    second = cut_meeting(bureau, kanto, title="第2回")
    # after the second cut-off: another figure, which that pack must not show
    later = kanto_indicator_with_2022_target()
    assert later.pk != indicator.pk
    publish_actual(central, later, later.targets.get(year=2022, period=Period.FISCAL_YEAR).value)

    pack = build_pack(LiaisonMeeting.objects.get(pk=second.pk))
    changes = pack.changes
    assert changes.since == first.as_of and changes.until == second.as_of
    assert [(f.indicator.pk, f.value, f.previous) for f in changes.figures] == [(indicator.pk, target, None)]
    [move] = [m for m in changes.moves if m.indicator.pk == indicator.pk]
    assert move.after == "〇" and move.before != "〇"
    assert all(m.indicator.pk != later.pk for m in changes.moves)
    assert [i.content for i in changes.closed] == ["集計方法の統一"]
    # the previous meeting's items with their state and response at the cut-off
    assert [(i.content, i.state, i.response) for i in pack.previous_items] == [
        ("集計方法の統一", "done", "統一した")
    ]
    assert pack.open_items == []
    assert indicator.kpi.region_id in changes.region_ids()

    # the first pack has no previous meeting: nothing to compare with
    assert build_pack(LiaisonMeeting.objects.get(pk=first.pk)).changes.is_empty


def test_a_pack_cut_inside_its_year_reads_the_year_as_it_stood_that_day():
    assert meeting_view(2022, datetime.date(2022, 11, 1)).scope.name == "CUT_OFF"
    assert meeting_view(2022, datetime.date(2023, 7, 1)).scope.name != "CUT_OFF"


def test_the_changes_sheet_and_the_decisions_sheet_are_in_the_workbook(setting, client):
    bureau, central = setting
    kanto = Block.objects.get(code="kanto")
    first = cut_meeting(bureau, kanto, title="第1回")
    decisions.create_item(
        bureau,
        DecisionItem(
            meeting=first, content='=HYPERLINK("x")', owner="central", due_on=datetime.date(2022, 12, 1)
        ),
    )
    indicator = kanto_indicator_with_2022_target()
    publish_actual(central, indicator, indicator.targets.get(year=2022, period=Period.FISCAL_YEAR).value)
    second = cut_meeting(bureau, kanto, title="第2回")
    assert meetings.previous_meeting(second) == first
    client.force_login(bureau)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/meetings/{second.pk}/pack.xlsx").content))
    assert workbook.sheetnames[:3] == ["会議", "前回からの変化", "決定事項"]
    changes = [row for row in workbook["前回からの変化"].iter_rows(values_only=True)]
    assert any(row[0] == "新しい実績" and indicator.name in row for row in changes)
    items = [row for row in workbook["決定事項"].iter_rows(values_only=True)]
    assert items[1][0] == "第1回" and not str(items[1][1]).startswith("=")


def test_the_pack_opens_with_the_summary_and_the_changes_and_a_quiet_region_is_one_line(setting, client):
    bureau, central = setting
    kanto = Block.objects.get(code="kanto")
    first = cut_meeting(bureau, kanto, title="第1回")
    decisions.create_item(
        bureau,
        DecisionItem(
            meeting=first, content="<b>事例の共有</b>", owner="bureau", due_on=datetime.date(2022, 9, 1)
        ),
    )
    indicator = kanto_indicator_with_2022_target()
    publish_actual(central, indicator, indicator.targets.get(year=2022, period=Period.FISCAL_YEAR).value)
    second = cut_meeting(bureau, kanto, title="第2回")
    client.force_login(bureau)
    html = client.get(f"/meetings/{second.pk}/pack/").content.decode()
    summary, changes, decided, regions = (
        html.index('id="block-summary"'),
        html.index('id="changes"'),
        html.index('id="decisions"'),
        html.index('id="summary"'),
    )
    assert summary < changes < decided < regions
    assert (
        "未完了の決定事項・宿題" in html
        and "&lt;b&gt;事例の共有&lt;/b&gt;" in html
        and "<b>事例の" not in html
    )
    moved = indicator.kpi.region
    assert f'id="region-{moved.code}"' in html
    quiet = html[html.index('class="results pack-quiet"') :].split("</table>")[0]
    others = [r for r in kanto.regions.all() if r.pk != moved.pk]
    assert all(region.name_ja in quiet for region in others) and moved.name_ja not in quiet
    assert html.count('class="page-break pack-region"') == 1
    assert "承認済みの半期報告はありません" not in html.split('id="summary"')[0]


def test_a_case_study_published_between_the_meetings_is_new_and_what_came_after_is_not_counted(setting):
    bureau, central = setting
    kanto = Block.objects.get(code="kanto")
    officer = User.objects.get(username="demo-pref-14")
    cut_meeting(bureau, kanto, title="第1回")
    case = case_studies.create(
        officer,
        plan=Plan.objects.get(number=2),
        region=Region.objects.get(code="14"),
        data=case_studies.CaseStudyInput(
            title="神奈川県の支援事例", outcomes="出願につながった", steps=[StepInput("2022年6月", "相談")]
        ),
    )
    case = case_studies.publish(bureau, case, version=case.version)
    second = cut_meeting(bureau, kanto, title="第2回")
    case_studies.unpublish(central, case, version=case.version, reason="後日の見直し")  # after the cut-off

    changes = build_pack(LiaisonMeeting.objects.get(pk=second.pk)).changes
    assert [(c.title, c.new, c.region.code) for c in changes.case_studies] == [
        ("神奈川県の支援事例", True, "14")
    ]
