"""Bad input on the progress report pages: a Japanese message, status 400, nothing saved."""

import html as html_lib
from decimal import Decimal

import pytest
from signed_in import login
from submitting import completed_form

from kpis.models import Actual, Indicator
from regions.models import Region
from reports.models import ProgressReport, ReportEntry
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

State = ProgressReport.State
KANAGAWA = "/progress/14/2022/h1/"
GUNMA = "/progress/10/2022/h1/"  # 群馬県 (関東) reports a percentage


def report_at(url: str) -> ProgressReport:
    """The region's report as its first save stores it (opening the page stores nothing)."""
    code = url.split("/")[2]
    return workflow.report_of(open_demo_period(), Region.objects.get(code=code))


def indicator_ids(report) -> list[int]:
    return list(
        report.entries.order_by("indicator__kpi__order", "indicator__order").values_list(
            "indicator_id", flat=True
        )
    )


def form(report, values: dict[int, str], action: str = "save", **texts) -> dict:
    data = {"action": action, "version": str(report.version), "confirmed": "1"}
    for indicator_id, value in values.items():
        data[f"value-{indicator_id}"] = value
        for name in workflow.TEXT_FIELDS:
            data[f"{name}-{indicator_id}"] = texts.get(name, f"{name}の記入")
    return completed_form(report, data) if action == "submit" else data


def state_of(report) -> tuple:
    """Everything a refused request must leave as it was."""
    report.refresh_from_db()
    return (
        report.state,
        report.version,
        report.submitted_at,
        report.return_comment,
        tuple(
            report.entries.order_by("pk").values_list(
                "value", "activities", "outcomes", "next_steps", "updated_by"
            )
        ),
        ReportEntry.history.filter(report_id=report.pk).count(),
        report.history.count(),
        Actual.objects.filter(indicator_id__in=indicator_ids(report), year=2022).count(),
    )


@pytest.fixture
def drafted(client, period):
    """Kanagawa's report with a saved draft: 2 seminars, 1 meeting."""
    officer = login(client, "demo-pref-14")
    officer.get(KANAGAWA)
    report = report_at(KANAGAWA)
    first, second = indicator_ids(report)
    assert officer.post(KANAGAWA, form(report, {first: "2", second: "1"})).status_code == 302
    report.refresh_from_db()
    return report


def refused(response, *phrases: str) -> str:
    assert response.status_code == 400
    page = html_lib.unescape(response.content.decode())
    summary = page.split('role="alert"')[1].split("</div>")[0]
    for phrase in phrases:
        assert phrase in summary, phrase
    return page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("たくさん", "数値ではありません"),
        ("-1", "負の値は入力できません"),
        ("1000000000000", "大きすぎます"),
        ("2.5", "整数で入力してください"),
    ],
)
def test_bad_value_is_refused_next_to_its_field(client, drafted, typed, message):
    first, second = indicator_ids(drafted)
    before = state_of(drafted)
    response = client.post(KANAGAWA, form(drafted, {first: typed, second: "5"}, "submit"))
    page = refused(response, message, "保存していません")
    # next to the field, linked from the summary, with what was typed kept
    assert f'href="#id_value-{first}"' in page
    field_error = page.split(f'id="id_value-{first}-error"')[1].split("</p>")[0]
    assert message in field_error
    assert f'aria-describedby="id_value-{first}-error"' in page
    assert f'name="value-{first}" value="{typed}"' in page
    assert f'name="value-{second}" value="5"' in page  # the good field is kept as typed, not saved
    assert state_of(drafted) == before


def test_percentage_over_100_is_refused(client, period):
    bureau = login(client, "demo-bureau-kanto")
    assert bureau.get(GUNMA).status_code == 200
    report = report_at(GUNMA)
    share = Indicator.objects.get(pk__in=indicator_ids(report), measure="percent")
    values = {pk: "1" for pk in indicator_ids(report)}
    values[share.pk] = "120"
    before = state_of(report)
    page = refused(bureau.post(GUNMA, form(report, values)), "0〜100の範囲")
    assert f'href="#id_value-{share.pk}"' in page
    assert state_of(report) == before
    # a percentage with a decimal is fine
    values[share.pk] = "87.5"
    assert bureau.post(GUNMA, form(report, values)).status_code == 302
    assert ReportEntry.objects.get(report=report, indicator=share).value == Decimal("87.5")


def test_overlong_text_is_refused(client, drafted):
    first, second = indicator_ids(drafted)
    before = state_of(drafted)
    data = form(drafted, {first: "3", second: "1"})
    data[f"outcomes-{second}"] = "成" * (workflow.MAX_TEXT_LENGTH + 1)
    page = refused(client.post(KANAGAWA, data), f"{workflow.MAX_TEXT_LENGTH}文字以内")
    assert f'href="#id_outcomes-{second}"' in page
    assert state_of(drafted) == before


def test_a_forged_form_naming_another_regions_indicator_is_refused(client, drafted):
    first, second = indicator_ids(drafted)
    saitama = workflow.region_indicators(drafted.period.plan, drafted.region.__class__.objects.get(code="11"))
    foreign = saitama.first()
    before = state_of(drafted)
    data = form(drafted, {first: "3", second: "1"})
    data[f"value-{foreign.pk}"] = "9"
    refused(client.post(KANAGAWA, data), "対象でない指標", str(foreign.pk))
    assert state_of(drafted) == before
    assert not ReportEntry.objects.filter(indicator=foreign).exists()


def test_submitting_after_the_period_is_locked_is_refused(client, drafted):
    period = drafted.period
    period.is_locked = True
    period.save()
    first, second = indicator_ids(drafted)
    before = state_of(drafted)
    refused(client.post(KANAGAWA, form(drafted, {first: "3", second: "1"}, "submit")), "受付を終了")
    assert state_of(drafted) == before
    page = client.get(KANAGAWA).content.decode()
    assert 'value="submit"' not in page and "受付終了" in page


def test_a_replayed_submit_is_refused(client, drafted):
    first, second = indicator_ids(drafted)
    data = form(drafted, {first: "3", second: "1"}, "submit")
    assert client.post(KANAGAWA, data).status_code == 302
    after_first = state_of(drafted)
    assert after_first[0] == State.SUBMITTED
    # the form's version was taken by the first submission: a conflict, showing what happened since
    response = client.post(KANAGAWA, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "保存していません" in page and "提出済み" in page
    assert state_of(drafted) == after_first


def test_a_second_save_of_the_same_form_is_a_conflict(client, drafted):
    """The form's version is taken by its first save; sent again, it would overwrite newer input."""
    first, second = indicator_ids(drafted)
    data = form(drafted, {first: "3", second: "1"})
    assert client.post(KANAGAWA, data).status_code == 302
    after_first = state_of(drafted)
    response = client.post(KANAGAWA, data)
    assert response.status_code == 409
    assert "保存していません" in response.content.decode()
    assert state_of(drafted) == after_first


def test_saving_an_approved_report_is_refused(client, drafted):
    first, second = indicator_ids(drafted)
    client.post(KANAGAWA, form(drafted, {first: "3", second: "1"}, "submit"))
    drafted.refresh_from_db()
    bureau = login(client, "demo-bureau-kanto")
    assert (
        bureau.post(KANAGAWA + "review/", {"action": "approve", "version": str(drafted.version)}).status_code
        == 302
    )
    before = state_of(drafted)
    assert before[0] == State.APPROVED
    officer = login(client, "demo-pref-14")
    refused(officer.post(KANAGAWA, form(drafted, {first: "30", second: "1"})), "承認済み")
    assert state_of(drafted) == before
    assert Actual.objects.get(indicator_id=first, period="h1", year=2022).value == 3


def test_return_without_a_comment_is_refused(client, drafted):
    first, second = indicator_ids(drafted)
    client.post(KANAGAWA, form(drafted, {first: "3", second: "1"}, "submit"))
    drafted.refresh_from_db()
    before = state_of(drafted)
    bureau = login(client, "demo-bureau-kanto")
    response = bureau.post(
        KANAGAWA + "review/", {"action": "return", "version": str(drafted.version), "comment": " "}
    )
    page = refused(response, "差戻しの理由（コメント）を入力してください")
    assert 'id="id_comment-error"' in page
    assert state_of(drafted) == before


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "１"])
def test_a_post_without_a_usable_version_is_refused(client, drafted, version):
    first, second = indicator_ids(drafted)
    data = form(drafted, {first: "3", second: "1"}, "submit")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    before = state_of(drafted)
    refused(client.post(KANAGAWA, data), "版情報")
    assert state_of(drafted) == before


def test_a_post_without_an_action_is_refused(client, drafted):
    first, second = indicator_ids(drafted)
    data = form(drafted, {first: "3", second: "1"})
    del data["action"]
    before = state_of(drafted)
    refused(client.post(KANAGAWA, data), "操作")
    assert state_of(drafted) == before
