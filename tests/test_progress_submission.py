"""Submitting a half-year report: complete, confirmed, every flagged value explained (issue 16).

提出 shows a confirmation page and writes nothing; only the confirming POST submits, at the version
the form was opened at. A refused submission keeps everything typed."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from signed_in import login

from kpis.models import Actual
from regions.models import Region
from reports.models import ProgressReport, ReportEntry
from reports.progress import checks, workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

State = ProgressReport.State
KANAGAWA = "/progress/14/2022/h1/"
SAITAMA = "/progress/11/2022/h1/"


def report_of(code: str) -> ProgressReport:
    return workflow.report_of(open_demo_period(), Region.objects.get(code=code))


def line_ids(report) -> list[int]:
    return list(
        report.entries.order_by("indicator__kpi__order", "indicator__order").values_list(
            "indicator_id", flat=True
        )
    )


def kanagawa_form(report, seminars: str, meetings: str, **extra) -> dict:
    """Kanagawa's two lines: 実務・経営セミナー (年5回) and 連絡調整会議 (年1回)."""
    first, second = line_ids(report)
    return {
        "action": "submit",
        "version": str(report.version),
        f"value-{first}": seminars,
        f"value-{second}": meetings,
        f"activities-{first}": "セミナーを開催した。",
        **extra,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def stored(report) -> tuple:
    report.refresh_from_db()
    values = tuple(report.entries.order_by("pk").values_list("value", "no_result", "check_note"))
    return report.state, report.version, values, ReportEntry.history.filter(report_id=report.pk).count()


# --- the confirmation -----------------------------------------------------------------------------


def test_submit_first_shows_the_values_beside_their_targets_and_writes_nothing(client, period):
    officer = login(client, "demo-pref-14")
    report = report_of("14")
    before = stored(report)
    page = officer.post(KANAGAWA, kanagawa_form(report, "2", "1"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "提出内容の確認" in html and "まだ提出されていません" in html
    assert "5回（2022年度）" in html and "年5回の半分（上期）のペース" in html
    assert 'name="confirmed" value="1"' in html and f'name="version" value="{report.version}"' in html
    assert "確認が必要な値" not in html.split("<table")[0]  # nothing flagged
    assert stored(report) == before


def test_the_confirming_post_submits_what_was_confirmed(client, period):
    officer = login(client, "demo-pref-14")
    report = report_of("14")
    data = kanagawa_form(report, "2", "1")
    page = officer.post(KANAGAWA, data).content.decode()
    assert "セミナーを開催した。" in page  # carried in a hidden field

    response = officer.post(KANAGAWA, data | {"confirmed": "1"})

    assert response.status_code == 302 and response["Location"] == KANAGAWA
    assert "報告を提出しました。経済産業局等による確認をお待ちください。" in messages_of(response)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    assert sorted(report.entries.values_list("value", flat=True)) == [Decimal(1), Decimal(2)]


def test_back_from_the_confirmation_shows_the_form_with_everything_typed(client, period):
    officer = login(client, "demo-pref-14")
    report = report_of("14")
    data = kanagawa_form(report, "２", "1") | {"action": "back"}
    response = officer.post(KANAGAWA, data)

    assert response.status_code == 200
    html = response.content.decode()
    first, _second = line_ids(report)
    assert f'name="value-{first}" value="２"' in html and "セミナーを開催した。" in html
    report.refresh_from_db()
    assert report.state == State.DRAFT


def test_a_change_meanwhile_makes_the_confirming_post_a_409_and_keeps_nothing_of_it(client, period):
    officer = login(client, "demo-pref-14")
    report = report_of("14")
    data = kanagawa_form(report, "2", "1")
    assert officer.post(KANAGAWA, data).status_code == 200
    # the bureau saves a draft on the region's behalf meanwhile
    bureau = User.objects.get(username="demo-bureau-kanto")
    first, second = line_ids(report)
    inputs = {first: workflow.EntryInput(value=Decimal(1)), second: workflow.EntryInput(value=Decimal(0))}
    workflow.save_draft(bureau, report, version=report.version, inputs=inputs)

    response = officer.post(KANAGAWA, data | {"confirmed": "1"})

    assert response.status_code == 409
    report.refresh_from_db()
    assert report.state == State.DRAFT and report.entries.get(indicator_id=first).value == Decimal(1)


# --- completeness ---------------------------------------------------------------------------------


def test_an_empty_report_is_refused_with_every_line_named_and_nothing_lost(client, period):
    """埼玉's six lines left blank: 提出 is refused before the confirmation, each line told why."""
    officer = login(client, "demo-pref-11")
    report = report_of("11")
    ids = line_ids(report)
    data = {"action": "submit", "version": str(report.version)}
    data |= {f"value-{pk}": "" for pk in ids} | {f"outcomes-{ids[0]}": "準備中の事業がある。"}
    before = stored(report)

    response = officer.post(SAITAMA, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "提出できません" in html
    assert html.count(checks.NEEDS_VALUE) >= 2 * len(ids)  # beside each field and in the summary
    assert all(f'href="#id_value-{pk}"' in html for pk in ids)
    assert "準備中の事業がある。" in html
    assert stored(report) == before


def test_no_result_needs_its_reason_and_with_it_is_submitted(client, period):
    officer = login(client, "demo-pref-14")
    report = report_of("14")
    first, second = line_ids(report)
    data = kanagawa_form(report, "2", "", **{f"no_result-{second}": "1"})

    refused = officer.post(KANAGAWA, data | {"confirmed": "1"})

    assert refused.status_code == 400
    html = refused.content.decode()
    assert checks.NEEDS_REASON in html
    assert f'id="id_no_result-{second}" name="no_result-{second}" value="1" checked' in html  # kept
    data[f"no_result_reason-{second}"] = "会議は下期に開催する予定。"
    assert officer.post(KANAGAWA, data).status_code == 200  # the confirmation
    assert officer.post(KANAGAWA, data | {"confirmed": "1"}).status_code == 302
    entry = ReportEntry.objects.get(report=report, indicator_id=second)
    assert (entry.value, entry.no_result, entry.no_result_reason) == (
        None,
        True,
        "会議は下期に開催する予定。",
    )


def test_a_value_and_no_result_together_are_refused(client, period):
    officer = login(client, "demo-pref-14")
    report = report_of("14")
    _first, second = line_ids(report)
    data = kanagawa_form(
        report, "2", "1", **{f"no_result-{second}": "1", f"no_result_reason-{second}": "なし"}
    )
    response = officer.post(KANAGAWA, data | {"action": "save"})
    assert response.status_code == 400 and checks.VALUE_AND_NO_RESULT in response.content.decode()


# --- flagged values -------------------------------------------------------------------------------


def test_a_flagged_value_needs_its_explanation_and_is_not_refused_with_it(client, period):
    """1,234 seminars in a half against 年5回: not refused, but explained before submission."""
    officer = login(client, "demo-pref-14")
    report = report_of("14")
    first, _second = line_ids(report)
    data = kanagawa_form(report, "1,234", "1")

    refused = officer.post(KANAGAWA, data)

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "今期の目安（約3回）の5倍を超えています。" in html
    assert checks.NEEDS_CAUSE in html and checks.NEEDS_NOTE in html
    assert f'name="value-{first}" value="1,234"' in html  # kept as typed
    assert report.entries.get(indicator_id=first).value is None

    explained = data | {
        f"check_cause-{first}": "counting",
        f"check_note-{first}": "参加者数を回数として集計していた。",
    }
    confirm = officer.post(KANAGAWA, explained)
    assert confirm.status_code == 200
    assert "確認が必要な値" in confirm.content.decode() and "集計方法の変更" in confirm.content.decode()
    assert officer.post(KANAGAWA, explained | {"confirmed": "1"}).status_code == 302
    entry = report.entries.get(indicator_id=first)
    assert (entry.value, entry.warnings, entry.check_cause) == (Decimal(1234), "pace", "counting")
    # kept in the line's history
    assert entry.history.filter(check_note="参加者数を回数として集計していた。").exists()


def test_the_reviewer_sees_flagged_values_and_their_explanations_first(client, period):
    report = report_of("14")
    first, second = line_ids(report)
    officer = User.objects.get(username="demo-pref-14")
    inputs = {
        first: workflow.EntryInput(value=Decimal(2)),
        second: workflow.EntryInput(
            value=Decimal(6), check_cause="timing", check_note="下期分を前倒しした。"
        ),
    }
    workflow.submit(officer, report, version=report.version, inputs=inputs)

    html = login(client, "demo-bureau-kanto").get(KANAGAWA).content.decode()

    flagged = html.index('id="flagged-heading"')
    assert flagged < html.index('id="entries"') < html.index('id="review-heading"')
    section = html[flagged : html.index("</section>", flagged)]
    assert "連絡調整会議の開催回数" in section and "事業の前倒し・遅れ" in section
    assert "下期分を前倒しした。" in section and "実務・経営セミナー" not in section


def test_the_report_downloads_with_the_explanations(client, period):
    report = report_of("14")
    first, second = line_ids(report)
    inputs = {
        first: workflow.EntryInput(value=None, no_result=True, no_result_reason="中止"),
        second: workflow.EntryInput(value=Decimal(6), check_cause="other", check_note="臨時に開催。"),
    }
    workflow.submit(User.objects.get(username="demo-pref-14"), report, version=report.version, inputs=inputs)
    text = login(client, "demo-bureau-kanto").get(KANAGAWA, {"_export": "csv"}).content.decode("utf-8-sig")
    assert "実績なしの理由" in text and "中止" in text
    assert "今期の目安と比べて大きい値" in text and "その他" in text and "臨時に開催。" in text


def test_approving_a_line_without_result_publishes_nothing_for_it(client, period):
    report = report_of("14")
    first, second = line_ids(report)
    inputs = {
        first: workflow.EntryInput(value=Decimal(2)),
        second: workflow.EntryInput(value=None, no_result=True, no_result_reason="下期に開催"),
    }
    workflow.submit(User.objects.get(username="demo-pref-14"), report, version=report.version, inputs=inputs)
    report.refresh_from_db()
    workflow.approve(User.objects.get(username="demo-bureau-kanto"), report, version=report.version)
    assert list(
        Actual.objects.filter(indicator_id__in=[first, second], year=2022, period="h1").values_list(
            "indicator_id", "value"
        )
    ) == [(first, Decimal(2))]


# --- a fixed number of queries --------------------------------------------------------------------


@pytest.mark.parametrize("code", ["14", "11"])
def test_the_confirmation_runs_a_fixed_number_of_queries(client, period, code, django_assert_max_num_queries):
    """Kanagawa's two lines and Saitama's six cost the same."""
    username = f"demo-pref-{code}"
    officer = login(client, username)
    report = report_of(code)
    data = {"action": "submit", "version": str(report.version)}
    for pk in line_ids(report):
        data |= {f"value-{pk}": "", f"no_result-{pk}": "1", f"no_result_reason-{pk}": "該当なし"}
    with django_assert_max_num_queries(30) as captured:
        response = officer.post(f"/progress/{code}/2022/h1/", data)
    assert response.status_code == 200 and "提出内容の確認" in response.content.decode()
    # the region's targets and actuals read once, for the checks and the lines shown alike
    for table in ("kpis_target", "kpis_actual"):
        reads = [query for query in captured.captured_queries if f'FROM "{table}"' in query["sql"]]
        assert len(reads) == 1, table


# --- entry help -----------------------------------------------------------------------------------


def test_a_cumulative_goal_says_the_half_s_own_figure_is_typed(client, period):
    """埼玉 11-1: 40件（2020〜2022年度累計）. The field says what 今期の実績 is, and is described by it."""
    html = login(client, "demo-pref-11").get(SAITAMA).content.decode()
    cumulative = re.findall(r'name="value-(\d+)"', html)[0]  # the page stores nothing: read the id
    help_text = "「今期の実績」には、この半期の実績（この半期に増えた分）を入力してください"
    assert help_text in html
    assert f'aria-describedby="id_value-{cumulative}-help"' in html
    kanagawa = login(client, "demo-pref-14").get(KANAGAWA).content.decode()
    assert help_text not in kanagawa  # a yearly target: nothing to say


def test_the_officer_form_says_full_width_digits_and_commas_are_accepted(client, period):
    html = login(client, "demo-pref-14").get(KANAGAWA).content.decode()
    assert "数値は半角・全角どちらでも入力できます（桁区切りのカンマ可）。" in html


def test_the_success_message_is_a_styled_status(client, period):
    officer = login(client, "demo-pref-14")
    report = report_of("14")
    response = officer.post(KANAGAWA, kanagawa_form(report, "2", "1") | {"action": "save"}, follow=True)
    html = response.content.decode()
    assert (
        '<ul class="messages" role="status"><li class="message success">下書きを保存しました。</li></ul>'
        in html
    )


def test_flagged_lines_of_a_block_for_a_meeting_s_pack(period):
    """`flagged_in`: what a liaison meeting's pack can list, in one query."""
    report = report_of("14")
    first, second = line_ids(report)
    inputs = {
        first: workflow.EntryInput(value=Decimal(2)),
        second: workflow.EntryInput(
            value=Decimal(6), check_cause="external", check_note="国の事業と合同開催。"
        ),
    }
    workflow.submit(User.objects.get(username="demo-pref-14"), report, version=report.version, inputs=inputs)
    kanto = Region.objects.filter(block__code="kanto").values_list("pk", flat=True)
    (line,) = checks.flagged_in([period.pk], kanto)
    assert (line.entry.indicator_id, line.cause, line.note) == (second, "外部要因", "国の事業と合同開催。")
    assert line.checks == ["今期の目安と比べて大きい値"]
    assert line.entry.report.region.name_ja == "神奈川県"


def test_the_reviewer_s_page_runs_as_many_queries_for_six_lines_as_for_two(
    client, period, django_assert_max_num_queries
):
    officer = User.objects.get(username="demo-pref-11")
    saitama = report_of("11")
    inputs = {pk: workflow.EntryInput(value=Decimal(1)) for pk in line_ids(saitama)}
    workflow.submit(officer, saitama, version=saitama.version, inputs=inputs)
    kanagawa = report_of("14")
    first, second = line_ids(kanagawa)
    inputs = {
        first: workflow.EntryInput(value=Decimal(2)),
        second: workflow.EntryInput(value=Decimal(6), check_cause="timing", check_note="前倒し。"),
    }
    workflow.submit(
        User.objects.get(username="demo-pref-14"), kanagawa, version=kanagawa.version, inputs=inputs
    )
    bureau = login(client, "demo-bureau-kanto")
    with django_assert_max_num_queries(40) as two:
        bureau.get(KANAGAWA)
    with django_assert_max_num_queries(len(two.captured_queries)):
        page = bureau.get(SAITAMA)
    assert page.status_code == 200


def test_the_admin_refuses_a_value_and_no_result_together_with_a_japanese_message(period):
    from django.core.exceptions import ValidationError

    entry = report_of("14").entries.first()
    entry.value, entry.no_result = Decimal(1), True
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert refused.value.message_dict["value"] == [checks.VALUE_AND_NO_RESULT]
