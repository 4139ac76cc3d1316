"""The half-year progress workflow's rules, called directly (reports/progress/workflow.py)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from submitting import complete

from kpis.models import Actual
from regions import roles
from regions.demo import create_demo_users
from regions.models import Affiliation, Block, Region
from reports.models import ProgressReport, ReportEntry
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

State = ProgressReport.State


@pytest.fixture
def users():
    create_demo_users()
    return {user.username: user for user in User.objects.filter(username__startswith="demo-")}


@pytest.fixture
def period():
    return open_demo_period()


@pytest.fixture
def kanagawa():
    return Region.objects.get(code="14")


@pytest.fixture
def report(period, kanagawa):
    return workflow.report_of(period, kanagawa)


def indicator_ids(report) -> list[int]:
    return list(
        report.entries.order_by("indicator__kpi__order", "indicator__order").values_list(
            "indicator_id", flat=True
        )
    )


def typed(report, values: dict[int, str], **texts) -> dict:
    """The form fields an officer would post: a value per indicator, the same texts everywhere."""
    posted = {}
    for indicator_id, value in values.items():
        posted[f"value-{indicator_id}"] = value
        for name in workflow.TEXT_FIELDS:
            posted[f"{name}-{indicator_id}"] = texts.get(name, "")
    return workflow.read_inputs(report, posted)


def fresh(report) -> ProgressReport:
    return ProgressReport.objects.get(pk=report.pk)


def save(user, report, values: dict[int, str], **texts) -> ProgressReport:
    report = fresh(report)
    return workflow.save_draft(user, report, version=report.version, inputs=typed(report, values, **texts))


def submit(user, report, values: dict[int, str] | None = None) -> ProgressReport:
    report = fresh(report)
    inputs = typed(report, values) if values else None
    return workflow.submit(user, report, version=report.version, inputs=complete(report, inputs))


def approve(user, report) -> ProgressReport:
    report = fresh(report)
    return workflow.approve(user, report, version=report.version)


def return_(user, report, comment="数値を確認してください。") -> ProgressReport:
    report = fresh(report)
    return workflow.return_report(user, report, version=report.version, comment=comment)


def reopen(user, report, reason="数値の訂正のため") -> ProgressReport:
    report = fresh(report)
    return workflow.reopen(user, report, version=report.version, reason=reason)


def second_kanto_reviewer() -> User:
    user = User.objects.create(username="kanto-2", first_name="関東経済産業局 別の担当者")
    user.groups.add(Group.objects.get(name=roles.BUREAU_STAFF))
    Affiliation.objects.create(user=user, block=Block.objects.get(code="kanto"))
    return user


# --- the report -------------------------------------------------------------------------------------


def test_report_of_creates_one_line_per_regional_indicator_once(period, kanagawa):
    first = workflow.report_of(period, kanagawa)
    again = workflow.report_of(period, kanagawa)
    assert first.pk == again.pk
    expected = set(workflow.region_indicators(period.plan, kanagawa).values_list("pk", flat=True))
    assert expected and set(first.entries.values_list("indicator_id", flat=True)) == expected
    assert ReportEntry.objects.filter(report=first).count() == len(expected)
    assert first.state == State.DRAFT and first.version == 1


# --- the state machine ------------------------------------------------------------------------------


def test_draft_submit_return_resubmit_approve(users, report):
    officer, bureau = users["demo-pref-14"], users["demo-bureau-kanto"]
    first, second = indicator_ids(report)
    save(officer, report, {first: "2", second: ""}, activities="セミナーを2回開催")
    assert fresh(report).state == State.DRAFT
    submit(officer, report)
    assert fresh(report).state == State.SUBMITTED
    assert fresh(report).submitted_by == officer

    return_(bureau, report, comment="2回目の開催日を記入してください。")
    returned = fresh(report)
    assert returned.state == State.RETURNED
    assert returned.return_comment == "2回目の開催日を記入してください。"
    assert returned.reviewed_by == bureau

    save(officer, report, {first: "3", second: "1"})
    assert fresh(report).state == State.RETURNED  # still returned until submitted again
    submit(officer, report)
    approve(bureau, report)
    approved = fresh(report)
    assert approved.state == State.APPROVED
    assert approved.reviewed_by == bureau


def test_submitted_report_cannot_be_edited_until_returned(users, report):
    officer = users["demo-pref-14"]
    first, _second = indicator_ids(report)
    submit(officer, report, {first: "2"})
    version = fresh(report).version
    with pytest.raises(workflow.WorkflowError, match="提出済み"):
        save(officer, report, {first: "9"})
    assert ReportEntry.objects.get(report=report, indicator_id=first).value == Decimal(2)
    assert fresh(report).version == version


def test_only_submitted_reports_are_reviewed(users, report):
    bureau = users["demo-bureau-kanto"]
    with pytest.raises(workflow.WorkflowError, match="作成中"):
        approve(bureau, report)
    with pytest.raises(workflow.WorkflowError):
        return_(bureau, report)
    assert fresh(report).state == State.DRAFT


def test_return_needs_a_comment(users, report):
    submit(users["demo-pref-14"], report, {indicator_ids(report)[0]: "1"})
    with pytest.raises(workflow.WorkflowError, match="コメント") as refused:
        return_(users["demo-bureau-kanto"], report, comment="   ")
    assert "comment" in refused.value.field_errors
    assert fresh(report).state == State.SUBMITTED


def test_officer_may_not_review_their_own_report(users, report):
    officer = users["demo-pref-14"]
    submit(officer, report, {indicator_ids(report)[0]: "1"})
    with pytest.raises(PermissionDenied):
        approve(officer, report)
    with pytest.raises(PermissionDenied):
        return_(officer, report)
    assert fresh(report).state == State.SUBMITTED


def test_other_regions_officer_may_neither_edit_nor_review(users, report):
    first = indicator_ids(report)[0]
    with pytest.raises(PermissionDenied):
        save(users["demo-pref-11"], report, {first: "5"})
    submit(users["demo-pref-14"], report, {first: "1"})
    with pytest.raises(PermissionDenied):
        approve(users["demo-pref-02"], report)
    assert fresh(report).state == State.SUBMITTED
    assert ReportEntry.objects.get(report=report, indicator_id=first).value == Decimal(1)


# --- who may approve --------------------------------------------------------------------------------


def test_bureau_who_entered_on_behalf_cannot_approve_but_another_reviewer_can(users, report):
    officer, bureau = users["demo-pref-14"], users["demo-bureau-kanto"]
    first, second = indicator_ids(report)
    save(bureau, report, {first: "4", second: "1"}, activities="局が代理で入力")
    entry = ReportEntry.objects.get(report=report, indicator_id=first)
    assert entry.on_behalf is True and entry.updated_by == bureau
    # the officer later retypes every line and submits: the bureau's input still counts
    save(officer, report, {first: "5", second: "2"}, activities="県が修正")
    assert not ReportEntry.objects.filter(report=report, updated_by=bureau).exists()
    submit(officer, report)

    with pytest.raises(PermissionDenied, match="承認できません"):
        approve(bureau, report)
    assert fresh(report).state == State.SUBMITTED
    assert not Actual.objects.filter(indicator_id=first, period="h1", year=2022).exists()

    approve(second_kanto_reviewer(), report)
    assert fresh(report).state == State.APPROVED


def test_central_may_approve_what_the_bureau_entered_and_submitted(users, report):
    bureau = users["demo-bureau-kanto"]
    first, _second = indicator_ids(report)
    submit(bureau, report, {first: "6"})
    with pytest.raises(PermissionDenied):
        approve(bureau, report)
    approve(users["demo-jpo"], report)
    assert fresh(report).state == State.APPROVED
    assert Actual.objects.get(indicator_id=first, period="h1", year=2022).value == Decimal(6)


def test_officer_entry_is_not_on_behalf(users, report):
    first = indicator_ids(report)[0]
    save(users["demo-pref-14"], report, {first: "1"})
    assert ReportEntry.objects.get(report=report, indicator_id=first).on_behalf is False


# --- approval, lock, reopening ----------------------------------------------------------------------


def test_approval_publishes_the_values_as_actuals_with_history(users, report):
    officer, bureau = users["demo-pref-14"], users["demo-bureau-kanto"]
    first, second = indicator_ids(report)
    assert not Actual.objects.filter(indicator_id__in=[first, second], period="h1", year=2022).exists()
    submit(officer, report, {first: "3", second: "1"})
    approve(bureau, report)

    actual = Actual.objects.get(indicator_id=first, period="h1", year=2022)
    assert actual.value == Decimal(3)
    assert actual.source == workflow.APPROVED_SOURCE
    record = actual.history.latest("history_date")
    assert record.history_user == bureau
    assert record.history_change_reason.startswith("承認")
    assert Actual.objects.get(indicator_id=second, period="h1", year=2022).value == Decimal(1)


def test_approved_report_is_locked(users, report):
    officer, bureau = users["demo-pref-14"], users["demo-bureau-kanto"]
    first = indicator_ids(report)[0]
    submit(officer, report, {first: "3"})
    approve(bureau, report)
    version = fresh(report).version
    with pytest.raises(workflow.WorkflowError, match="承認済み"):
        save(officer, report, {first: "30"})
    with pytest.raises(workflow.WorkflowError, match="承認済み"):
        submit(users["demo-jpo"], report, {first: "30"})
    with pytest.raises(workflow.WorkflowError):
        return_(users["demo-jpo"], report)
    assert fresh(report).version == version
    assert ReportEntry.objects.get(report=report, indicator_id=first).value == Decimal(3)


def test_reopen_by_central_only_and_with_a_reason(users, report):
    officer, bureau, central = users["demo-pref-14"], users["demo-bureau-kanto"], users["demo-jpo"]
    submit(officer, report, {indicator_ids(report)[0]: "3"})
    approve(bureau, report)
    with pytest.raises(PermissionDenied):
        reopen(bureau, report)
    with pytest.raises(PermissionDenied):
        reopen(officer, report)
    with pytest.raises(workflow.WorkflowError, match="理由") as refused:
        reopen(central, report, reason=" ")
    assert "reason" in refused.value.field_errors
    assert fresh(report).state == State.APPROVED

    reopen(central, report, reason="県から訂正の申し出")
    reopened = fresh(report)
    assert reopened.state == State.DRAFT
    assert reopened.reopen_reason == "県から訂正の申し出"
    assert reopened.history.latest("history_date").history_change_reason == "再開: 県から訂正の申し出"


def test_reopen_needs_an_approved_report(users, report):
    with pytest.raises(workflow.WorkflowError, match="承認済み"):
        reopen(users["demo-jpo"], report)


def test_reapproval_replaces_the_published_value(users, report):
    officer, bureau, central = users["demo-pref-14"], users["demo-bureau-kanto"], users["demo-jpo"]
    first = indicator_ids(report)[0]
    submit(officer, report, {first: "3"})
    approve(bureau, report)
    reopen(central, report)
    # until approved again the published figure stays
    assert Actual.objects.get(indicator_id=first, period="h1", year=2022).value == Decimal(3)
    submit(officer, report, {first: "4"})
    approve(bureau, report)
    actuals = Actual.objects.filter(indicator_id=first, period="h1", year=2022)
    assert [a.value for a in actuals] == [Decimal(4)]
    assert actuals.get().history.count() == 2


def test_locked_period_refuses_saving(users, report, period):
    workflow.set_period_locked(users["demo-jpo"], period, True)
    first = indicator_ids(report)[0]
    with pytest.raises(workflow.WorkflowError, match="受付を終了"):
        submit(users["demo-pref-14"], report, {first: "1"})
    assert fresh(report).state == State.DRAFT
    assert ReportEntry.objects.get(report=report, indicator_id=first).value is None


# --- lateness ---------------------------------------------------------------------------------------


def test_submission_after_the_deadline_is_late_by_the_first_submission(users, report, period):
    period.deadline = timezone.localdate() - datetime.timedelta(days=3)
    period.save()
    officer = users["demo-pref-14"]
    first = indicator_ids(report)[0]
    assert not fresh(report).is_late  # not submitted yet
    submit(officer, report, {first: "1"})
    submitted = fresh(report)
    assert submitted.is_late and submitted.days_late == 3
    first_submitted_at = submitted.first_submitted_at

    return_(users["demo-bureau-kanto"], report)
    submit(officer, report, {first: "2"})
    again = fresh(report)
    assert again.first_submitted_at == first_submitted_at
    assert again.submitted_at > first_submitted_at
    assert again.days_late == 3


def test_submission_before_the_deadline_is_not_late(users, report):
    submit(users["demo-pref-14"], report, {indicator_ids(report)[0]: "1"})
    submitted = fresh(report)
    assert submitted.first_submitted_at is not None
    assert not submitted.is_late and submitted.days_late == 0


# --- optimistic locking -----------------------------------------------------------------------------


def test_save_based_on_an_old_version_is_refused_and_lists_the_other_change(users, report):
    officer, bureau = users["demo-pref-14"], users["demo-bureau-kanto"]
    first, second = indicator_ids(report)
    save(officer, report, {first: "1", second: "1"})
    opened_by_officer = fresh(report)  # the officer's form is at this version
    save(bureau, report, {first: "7", second: "1"})  # the bureau saves meanwhile
    version_after_bureau = fresh(report).version

    with pytest.raises(workflow.StaleReport) as refused:
        workflow.save_draft(
            officer,
            opened_by_officer,
            version=opened_by_officer.version,
            inputs=typed(opened_by_officer, {first: "2", second: "2"}),
        )
    changes = refused.value.changes
    value_changes = [c for c in changes if c.what.endswith("今期の実績")]
    assert len(value_changes) == 1
    change = value_changes[0]
    assert (change.old, change.new) == ("1", "7")
    assert change.by == bureau.get_full_name()
    # nothing changed
    assert fresh(report).version == version_after_bureau
    assert ReportEntry.objects.get(report=report, indicator_id=first).value == Decimal(7)
    assert ReportEntry.objects.get(report=report, indicator_id=second).value == Decimal(1)
    assert ReportEntry.objects.get(report=report, indicator_id=first).updated_by == bureau


def test_first_change_after_creation_is_listed(users, report):
    """Lines start with a history record, so even their first edit shows what it changed."""
    first = indicator_ids(report)[0]
    created_version = fresh(report).version
    save(users["demo-bureau-kanto"], report, {first: "5"}, outcomes="3社が相談")
    changes = workflow.changes_since(fresh(report), created_version)
    assert {(c.what.split("：")[1], c.old, c.new) for c in changes} >= {
        ("今期の実績", "", "5"),
        ("成果", "", "3社が相談"),
    }


def test_submit_replayed_with_the_old_version_changes_nothing(users, report):
    officer = users["demo-pref-14"]
    first = indicator_ids(report)[0]
    opened = fresh(report)
    workflow.submit(
        officer, opened, version=opened.version, inputs=complete(opened, typed(opened, {first: "1"}))
    )
    after_first = fresh(report)
    replay = fresh(report)
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(
            officer, replay, version=opened.version, inputs=complete(replay, typed(replay, {first: "1"}))
        )
    assert fresh(report).version == after_first.version
    assert fresh(report).submitted_at == after_first.submitted_at


def test_review_based_on_an_old_version_is_refused(users, report):
    officer, bureau = users["demo-pref-14"], users["demo-bureau-kanto"]
    first = indicator_ids(report)[0]
    submit(officer, report, {first: "1"})
    seen_by_reviewer = fresh(report)
    return_(users["demo-jpo"], report, comment="central returned it")
    submit(officer, report, {first: "2"})
    with pytest.raises(workflow.StaleReport) as refused:
        workflow.approve(bureau, seen_by_reviewer, version=seen_by_reviewer.version)
    assert any(c.what == "状態" and c.new == "差戻し" for c in refused.value.changes)
    assert fresh(report).state == State.SUBMITTED
    assert not Actual.objects.filter(indicator_id=first, period="h1", year=2022).exists()


# --- reading the form -------------------------------------------------------------------------------


def test_read_inputs_refuses_an_indicator_of_another_region(report, period):
    saitama = Region.objects.get(code="11")
    other = workflow.region_indicators(period.plan, saitama).first()
    with pytest.raises(workflow.WorkflowError, match=str(other.pk)):
        workflow.read_inputs(report, {f"value-{other.pk}": "1"})


def test_read_inputs_collects_every_bad_field(report):
    first, second = indicator_ids(report)
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.read_inputs(
            report,
            {
                f"value-{first}": "abc",
                f"value-{second}": "1.5",
                f"activities-{first}": "あ" * (workflow.MAX_TEXT_LENGTH + 1),
            },
        )
    assert set(refused.value.field_errors) == {f"value-{first}", f"value-{second}", f"activities-{first}"}
