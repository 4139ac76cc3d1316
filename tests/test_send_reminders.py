"""`manage.py send_reminders` and the decisions behind it (reports/progress/reminders.py)."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.utils import timezone
from submitting import complete

from plans.models import Plan
from regions import roles
from regions.demo import create_demo_users
from regions.models import Affiliation, Block, Region
from reports.models import ProgressReport, ReportingPeriod
from reports.progress import reminders, workflow
from reports.progress.demo import open_demo_period

KANAGAWA, SAITAMA, AOMORI = (
    "demo-pref-14@example.go.jp",
    "demo-pref-11@example.go.jp",
    "demo-pref-02@example.go.jp",
)
BUREAU = "demo-bureau-kanto@example.go.jp"


@pytest.fixture
def users(db):
    create_demo_users()
    return {user.username: user for user in User.objects.filter(username__startswith="demo-")}


@pytest.fixture
def period(users):
    return open_demo_period()


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def day(date: datetime.date) -> str:
    return f"--today={date.isoformat()}"


def sent_to(mailoutbox) -> dict[str, list[str]]:
    """Recipient → subjects."""
    found: dict[str, list[str]] = {}
    for message in mailoutbox:
        for address in message.to:
            found.setdefault(address, []).append(message.subject)
    return found


def submit(users, period, code):
    report = workflow.report_of(period, Region.objects.get(code=code))
    return workflow.submit(
        users[f"demo-pref-{code}"], report, version=report.version, inputs=complete(report)
    )


# --- the command ----------------------------------------------------------------------------------


def test_officers_are_told_seven_days_before_the_deadline(period, users, mailoutbox):
    submit(users, period, "14")
    returned = submit(users, period, "11")
    workflow.return_report(
        users["demo-bureau-kanto"], returned, version=returned.version, comment="単位の確認"
    )

    out = run("--review-after=30", day(period.deadline - datetime.timedelta(days=7)))

    received = sent_to(mailoutbox)
    assert set(received) == {SAITAMA, AOMORI}  # 神奈川県 has submitted
    assert received[AOMORI] == ["【知財KPIポータル】締切7日前のお知らせ：2022年度 上期（第2次計画） 青森県"]
    saitama = next(m for m in mailoutbox if SAITAMA in m.to)
    assert "差戻し理由: 単位の確認" in saitama.body
    assert "http://portal.example/progress/11/2022/h1/" in saitama.body
    assert f"{period.deadline.year}年{period.deadline.month}月{period.deadline.day}日" in saitama.body
    assert all(m.from_email for m in mailoutbox)
    assert "2通送信" in out


def test_no_officer_reminder_on_other_days_before_the_deadline(period, users, mailoutbox):
    for days in (8, 6, 1, 0):
        run(day(period.deadline - datetime.timedelta(days=days)))
    assert mailoutbox == []
    run("--days-before=3", day(period.deadline - datetime.timedelta(days=3)))
    assert {m.subject.split("：")[0] for m in mailoutbox} == {"【知財KPIポータル】締切3日前のお知らせ"}


def test_after_the_deadline_every_run_reminds_those_who_have_not_submitted(period, users, mailoutbox):
    submit(users, period, "11")
    workflow.report_of(period, Region.objects.get(code="02"))  # 作成中

    out = run("--review-after=30", day(period.deadline + datetime.timedelta(days=1)))
    run("--review-after=30", day(period.deadline + datetime.timedelta(days=2)))

    received = sent_to(mailoutbox)
    assert set(received) == {KANAGAWA, AOMORI}
    assert (
        received[KANAGAWA]
        == ["【知財KPIポータル】提出期限を過ぎています：2022年度 上期（第2次計画） 神奈川県"] * 2
    )
    assert "（1日経過）" in mailoutbox[0].body
    assert "1通送信" not in out and "2通送信" in out


def test_approved_reports_get_no_reminder(period, users, mailoutbox):
    report = submit(users, period, "14")
    workflow.approve(users["demo-bureau-kanto"], report, version=report.version)
    run(day(period.deadline + datetime.timedelta(days=3)))
    assert KANAGAWA not in sent_to(mailoutbox)
    assert BUREAU not in sent_to(mailoutbox)


def test_bureau_staff_are_told_about_reports_waiting_too_long(period, users, mailoutbox):
    kanagawa = submit(users, period, "14")
    submit(users, period, "02")  # another block: not for the kanto bureau
    submitted_on = timezone.localdate(ProgressReport.objects.get(pk=kanagawa.pk).submitted_at)

    run(day(submitted_on + datetime.timedelta(days=5)))  # five days: not yet more than five
    assert BUREAU not in sent_to(mailoutbox)

    out = run(day(submitted_on + datetime.timedelta(days=6)))
    bureau = [m for m in mailoutbox if BUREAU in m.to]
    assert len(bureau) == 1
    assert bureau[0].to == [BUREAU]
    assert bureau[0].subject == "【知財KPIポータル】確認待ちの報告があります（関東ブロック 1件）"
    assert "神奈川県" in bureau[0].body and "（6日経過）" in bureau[0].body
    assert "青森県" not in bureau[0].body
    assert "/progress/14/2022/h1/" in bureau[0].body
    assert "確認待ちのお知らせ（経済産業局等） 1通" in out

    mailoutbox.clear()
    run("--review-after=10", day(submitted_on + datetime.timedelta(days=6)))
    assert BUREAU not in sent_to(mailoutbox)


def test_closed_periods_send_nothing(period, users, mailoutbox):
    submit(users, period, "14")
    workflow.set_period_locked(users["demo-jpo"], period, True)
    out = run(day(period.deadline + datetime.timedelta(days=30)))
    assert mailoutbox == []
    assert "0通送信" in out


def test_officers_without_an_address_or_inactive_get_nothing(period, users, mailoutbox):
    User.objects.filter(username="demo-pref-02").update(email="")
    User.objects.filter(username="demo-pref-11").update(is_active=False)
    run(day(period.deadline + datetime.timedelta(days=1)))
    assert set(sent_to(mailoutbox)) == {KANAGAWA}


def test_every_officer_of_a_region_is_addressed(period, users, mailoutbox):
    second = User.objects.create(username="kanagawa-2", email="kanagawa-2@example.go.jp")
    second.groups.add(Group.objects.get(name=roles.PREFECTURE_OFFICER))
    Affiliation.objects.create(user=second, region=Region.objects.get(code="14"))
    run(day(period.deadline + datetime.timedelta(days=1)))
    kanagawa = [m for m in mailoutbox if "神奈川県" in m.subject]
    assert len(kanagawa) == 1
    assert sorted(kanagawa[0].to) == sorted([KANAGAWA, "kanagawa-2@example.go.jp"])


def test_a_dry_run_prints_and_sends_nothing(period, users, mailoutbox):
    out = run("--dry-run", day(period.deadline + datetime.timedelta(days=1)))
    assert mailoutbox == []
    assert "件名: 【知財KPIポータル】提出期限を過ぎています" in out
    assert f"宛先: {KANAGAWA}" in out
    assert "3通送信予定（--dry-run のため送信していません）" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today=2022-02-30"], "YYYY-MM-DD"),
        (["--days-before=-1"], "0以上の整数"),
        (["--review-after=abc"], "0以上の整数"),
    ],
)
def test_bad_options_are_refused(db, mailoutbox, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert mailoutbox == []


@pytest.fixture(autouse=True)
def portal_address(settings):
    settings.PORTAL_BASE_URL = "http://portal.example/"


# --- the decisions --------------------------------------------------------------------------------

DEADLINE = datetime.date(2022, 10, 31)


def make_period(**fields):
    plan = Plan(
        pk=2, number=2, name="第2次地域知財活性化行動計画", start_fiscal_year=2020, end_fiscal_year=2022
    )
    return ReportingPeriod(
        **{"pk": 1, "plan": plan, "fiscal_year": 2022, "half": "h1", "deadline": DEADLINE, **fields}
    )


@pytest.mark.parametrize(
    ("state", "today", "expected"),
    [
        (None, DEADLINE - datetime.timedelta(days=7), reminders.DUE_SOON),
        ("draft", DEADLINE - datetime.timedelta(days=7), reminders.DUE_SOON),
        ("returned", DEADLINE - datetime.timedelta(days=7), reminders.DUE_SOON),
        ("submitted", DEADLINE - datetime.timedelta(days=7), None),
        ("approved", DEADLINE - datetime.timedelta(days=7), None),
        (None, DEADLINE - datetime.timedelta(days=6), None),
        (None, DEADLINE, None),
        (None, DEADLINE + datetime.timedelta(days=1), reminders.OVERDUE),
        ("returned", DEADLINE + datetime.timedelta(days=40), reminders.OVERDUE),
        ("submitted", DEADLINE + datetime.timedelta(days=1), None),
        ("approved", DEADLINE + datetime.timedelta(days=1), None),
    ],
)
def test_officer_notice(state, today, expected):
    assert reminders.officer_notice(make_period(), state, today, days_before=7) == expected


def test_a_closed_period_needs_no_notice():
    period = make_period(is_locked=True)
    assert (
        reminders.officer_notice(period, None, DEADLINE + datetime.timedelta(days=1), days_before=7) is None
    )
    assert (
        reminders.officer_notice(period, None, DEADLINE - datetime.timedelta(days=7), days_before=7) is None
    )


def at(date: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(9)))


def test_waits_too_long():
    submitted = ProgressReport(state="submitted", submitted_at=at(DEADLINE))
    assert not reminders.waits_too_long(submitted, DEADLINE + datetime.timedelta(days=5), review_after=5)
    assert reminders.waits_too_long(submitted, DEADLINE + datetime.timedelta(days=6), review_after=5)
    approved = ProgressReport(state="approved", submitted_at=at(DEADLINE))
    assert not reminders.waits_too_long(approved, DEADLINE + datetime.timedelta(days=60), review_after=5)


def test_plan_reminders_skip_regions_taking_no_part_and_regions_without_addresses():
    period = make_period()
    kanto = Block(pk=1, code="kanto", name_ja="関東", bureau_ja="関東経済産業局")
    tohoku = Block(pk=2, code="tohoku", name_ja="東北", bureau_ja="東北経済産業局")
    kanagawa = Region(pk=14, code="14", name_ja="神奈川県", block=kanto, order=14)
    tokyo = Region(pk=13, code="13", name_ja="東京都", block=kanto, order=13)
    aomori = Region(pk=2, code="02", name_ja="青森県", block=tohoku, order=2)
    waiting = ProgressReport(period=period, region=aomori, state="submitted", submitted_at=at(DEADLINE))

    found = reminders.plan_reminders(
        periods=[period],
        regions=[tokyo, kanagawa, aomori],
        reports=[waiting],
        officers={13: ["tokyo@example.go.jp"], 14: ["kanagawa@example.go.jp"], 2: ["aomori@example.go.jp"]},
        bureau_staff={1: ["kanto@example.go.jp"], 2: ["tohoku@example.go.jp"]},
        today=DEADLINE + datetime.timedelta(days=8),
        expected={(2, 14), (2, 2)},  # 東京都 takes no part
    )

    assert [(r.kind, r.recipients) for r in found] == [
        (reminders.OVERDUE, ("kanagawa@example.go.jp",)),
        (reminders.REVIEW_WAITING, ("tohoku@example.go.jp",)),
    ]
    assert "青森県" in found[1].body and "（8日経過）" in found[1].body
    assert "東北ブロック 1件" in found[1].subject
