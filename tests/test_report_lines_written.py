"""How a half-year report's lines are written (reports/progress/workflow.py): a new report's lines and
the changed lines of a save are written together, each with the history record a save of its own
would leave (who, why, what it then held), and none of it touches the figures' stamps."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from kpis.models import FiguresStamp
from regions.models import Region
from reports.progress import workflow
from reports.progress.workflow import EntryInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def kanagawa(period):
    """神奈川県's report for the demo period (002, FY2022 上期), as its first save makes it."""
    officer = User.objects.get(username="demo-pref-14")
    return officer, workflow.report_of(period, Region.objects.get(code="14"), officer)


def test_a_new_reports_lines_each_have_a_creation_record(kanagawa):
    officer, report = kanagawa
    lines = list(report.entries.order_by("pk"))

    assert len(lines) == 2  # 002 神奈川県: 14-1 知財セミナー, 14-2 知財相談件数
    for line in lines:
        [record] = line.history.all()
        assert (record.history_type, record.history_change_reason, record.history_user) == (
            "+",
            "報告の作成",
            officer,
        )
        assert record.value is None and record.indicator_id == line.indicator_id


def test_a_save_records_the_changed_lines_only_as_they_now_are(kanagawa):
    officer, report = kanagawa
    first, second = report.entries.order_by("pk")
    before = timezone.now()

    workflow.save_draft(
        officer,
        report,
        version=report.version,
        inputs={first.indicator_id: EntryInput(value=Decimal(3), activities="セミナーを3回開催")},
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.value, first.activities, first.updated_by, first.on_behalf) == (
        Decimal(3),
        "セミナーを3回開催",
        officer,
        False,
    )
    assert first.updated_at >= before
    latest = first.history.latest()
    assert (latest.history_type, latest.history_change_reason, latest.history_user) == ("~", "入力", officer)
    assert (latest.value, latest.activities, latest.updated_at) == (
        Decimal(3),
        "セミナーを3回開催",
        first.updated_at,
    )
    assert second.history.count() == 1 and second.updated_by is None  # untouched: no record, no author


def test_a_bureau_entering_for_the_prefecture_is_recorded_as_such(kanagawa):
    _officer, report = kanagawa
    bureau = User.objects.get(username="demo-bureau-kanto")
    line = report.entries.order_by("pk").first()

    workflow.save_draft(
        bureau, report, version=report.version, inputs={line.indicator_id: EntryInput(value=Decimal(1))}
    )

    line.refresh_from_db()
    assert (line.updated_by, line.on_behalf) == (bureau, True)
    latest = line.history.latest()
    assert (latest.history_change_reason, latest.history_user, latest.on_behalf) == ("代理入力", bureau, True)


def test_writing_report_lines_raises_no_figures_stamp(kanagawa):
    officer, report = kanagawa
    stamps = list(FiguresStamp.objects.values_list("indicator_id", "token"))
    line = report.entries.order_by("pk").first()

    workflow.save_draft(
        officer, report, version=report.version, inputs={line.indicator_id: EntryInput(value=Decimal(2))}
    )

    assert list(FiguresStamp.objects.values_list("indicator_id", "token")) == stamps
