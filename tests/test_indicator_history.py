"""The indicator page's 改定履歴 and 変更履歴 sections, and the revisions of a block's regional KPIs
(/dashboard/<plan>/blocks/<block>/revisions/), read at the liaison meeting."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from submitting import complete

from kpis.models import Actual, Indicator, Kpi, Revision, Target
from kpis.revisions import revise_kpi_text, revise_target
from plans.loading import LOADED_REASON
from regions.demo import create_demo_users
from regions.models import Region
from reports.progress import workflow
from reports.progress.demo import open_demo_period


@pytest.fixture
def users(db):
    create_demo_users()
    return {user.username: user for user in User.objects.all()}


def indicator_of(kpi_code: str, code: str = "1", plan_number: int = 2) -> Indicator:
    return Indicator.objects.select_related("kpi__plan", "kpi__region").get(
        kpi__plan__number=plan_number, kpi__code=kpi_code, code=code
    )


def page_of(client, indicator: Indicator) -> str:
    response = client.get(f"/kpis/{indicator.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("<h2", start + 1)
    return page[start : end if end != -1 else len(page)]


def rows_of(part: str) -> list[list[str]]:
    """The body rows of the first table in `part`, as the text of their cells."""
    body = part[part.index("<tbody") : part.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


def history_rows(client, indicator: Indicator) -> list[dict]:
    names = ["at", "who", "type", "item", "old", "new", "reason"]
    return [
        dict(zip(names, row, strict=True)) for row in rows_of(section(page_of(client, indicator), "history"))
    ]


LOADED = "文書データの読込"


def changes(rows: list[dict]) -> list[dict]:
    """The rows of changes made since the documents were loaded."""
    return [row for row in rows if row["type"] != LOADED]


def revise(user, kpi_code: str, value: str, year: int = 2022, reason: str = "県の計画の見直し"):
    return revise_target(
        user, indicator_of(kpi_code), new_value=Decimal(value), effective_fiscal_year=year, reason=reason
    )


# --- 改定履歴 ------------------------------------------------------------------------------------


def test_a_kpi_without_revisions_says_so_and_everyone_sees_the_revise_link(client, users):
    client.force_login(users["demo-viewer"])
    indicator = indicator_of("14-1")
    page = page_of(client, indicator)
    assert "このKPIは改定されていません。" in section(page, "revisions")
    assert f'href="/kpis/{indicator.pk}/revise/">目標・KPIの改定（中央・経済産業局等の担当者）</a>' in page
    history = rows_of(section(page, "history"))
    assert history and all(row[2] == LOADED for row in history)


def test_a_revision_shows_on_a_page_that_was_cached_before(client, users, django_capture_on_commit_callbacks):
    client.force_login(users["demo-viewer"])
    indicator = indicator_of("14-1")
    page_of(client, indicator)  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        revise(users["demo-bureau-kanto"], "14-1", "6", year=2021, reason="ビジョン改定に合わせた見直し")
        revise_kpi_text(
            users["demo-jpo"],
            indicator.kpi,
            new_text="実務・経営セミナーを年6回開催する。",
            effective_fiscal_year=2021,
            reason="本文の修正",
        )
    rows = rows_of(section(page_of(client, indicator), "revisions"))
    assert [row[:6] for row in rows] == [
        [
            "KPI本文",
            "2021年度〜",
            indicator.kpi.text,
            "実務・経営セミナーを年6回開催する。",
            "本文の修正",
            "中央（特許庁 普及支援課）",
        ],
        [
            "目標値（実務・経営セミナーの開催回数）",
            "2021年度〜",
            "5回",
            "6回",
            "ビジョン改定に合わせた見直し",
            "関東経済産業局 知的財産室",
        ],
    ]
    assert all(re.fullmatch(r"令和\d+年\d+月\d+日 \d\d:\d\d", row[6]) for row in rows)


def test_the_revisions_of_a_kpi_are_exported(client, users):
    client.force_login(users["demo-viewer"])
    revise(users["demo-jpo"], "C04", "450", reason="予算の見直し")
    response = client.get(f"/kpis/{indicator_of('C04').pk}/?_export=csv&table=revisions")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["改定前"], r["改定後"], r["改定理由"], r["適用開始年度"]) for r in rows] == [
        ("400件", "450件", "予算の見直し", "2022年度〜")
    ]


# --- 変更履歴 ------------------------------------------------------------------------------------


def test_the_documents_values_show_as_loaded_with_their_sources(client, users):
    # 中小企業のPCT出願件数: 5,000件（2022年）; 5,072 (2020), 5,115 (2021), 4,700 (2022)
    indicator = indicator_of("C08")
    client.force_login(users["demo-viewer"])
    page = page_of(client, indicator)
    assert "種別「文書データの読込」は計画文書から読み込んだ値" in section(page, "history")
    rows = history_rows(client, indicator)
    assert len(rows) == 5
    assert {(r["who"], r["type"], r["item"], r["old"], r["new"], r["reason"]) for r in rows} == {
        ("—", LOADED, "目標 2022年", "—", "5,000件", "出典：001 §5-1"),
        ("—", LOADED, "実績 2020年", "—", "5,072件", "出典：003 I-2(2)①2)ii)"),
        ("—", LOADED, "実績 2021年", "—", "5,115件", "出典：003 I-2(2)①2)ii)"),
        ("—", LOADED, "実績 2022年", "—", "4,700件", "出典：003 I-2(2)①2)ii)"),
        ("—", LOADED, "KPI本文", "—", indicator.kpi.text, "出典：001 §5-1"),
    }
    assert 'class="history-loaded"' in page


def test_a_loaded_figures_first_change_shows_the_documents_value_as_the_old_value(client, users):
    indicator = indicator_of("C08")
    actual = Actual.objects.get(indicator=indicator, period="cy", year=2021)
    actual.value = Decimal("5200")
    actual._history_user, actual._change_reason = users["demo-jpo"], "集計の訂正"
    actual.save()
    client.force_login(users["demo-viewer"])
    rows = history_rows(client, indicator)
    assert (rows[0]["who"], rows[0]["type"], rows[0]["item"], rows[0]["old"], rows[0]["new"]) == (
        "中央（特許庁 普及支援課）",
        "変更",
        "実績 2021年",
        "5,115件",
        "5,200件",
    )
    assert rows[0]["reason"] == "集計の訂正"
    # the loaded record stays below it, with the documents' value
    (loaded,) = [r for r in rows if r["item"] == "実績 2021年" and r["type"] == LOADED]
    assert (loaded["old"], loaded["new"]) == ("—", "5,115件")
    assert rows.index(loaded) > 0


def test_loading_the_documents_again_adds_no_history_records(db):
    models = (Kpi, Indicator, Target, Actual)
    for model in models:  # one loaded record for each object
        loaded = model.history.filter(history_type="+", history_change_reason=LOADED_REASON)
        assert loaded.count() == loaded.values("id").distinct().count() == model.objects.count() > 0
    before = {model: model.history.count() for model in models}
    call_command("load_plan_data", verbosity=0)
    assert {model: model.history.count() for model in models} == before


def test_a_revision_shows_in_the_change_history_with_old_and_new_values(client, users):
    client.force_login(users["demo-pref-14"])
    indicator = indicator_of("14-1")
    revise(users["demo-bureau-kanto"], "14-1", "6", reason="一回目")
    revise(users["demo-jpo"], "14-1", "7", reason="二回目")
    rows = history_rows(client, indicator)
    assert [(r["who"], r["type"], r["item"], r["old"], r["new"], r["reason"]) for r in changes(rows)] == [
        ("中央（特許庁 普及支援課）", "変更", "目標 2022年度", "6回", "7回", "二回目"),
        # the first change of a loaded target: the documents' value before it
        ("関東経済産業局 知的財産室", "変更", "目標 2022年度", "5回", "6回", "一回目"),
    ]


def test_a_goal_kept_at_a_revision_shows_as_added(client, users):
    client.force_login(users["demo-viewer"])
    revise(users["demo-jpo"], "C08", "5500", year=2021, reason="上方修正")
    rows = history_rows(client, indicator_of("C08"))
    assert {(r["type"], r["item"], r["old"], r["new"]) for r in changes(rows)} == {
        ("追加", "目標 2020年", "—", "5,000件"),
        ("変更", "目標 2022年", "5,000件", "5,500件"),
    }


def test_a_kpi_text_revision_shows_in_the_change_history(client, users):
    client.force_login(users["demo-viewer"])
    indicator = indicator_of("14-1")
    old_text = indicator.kpi.text
    for text, reason in (("新しい本文", "改定"), ("さらに新しい本文", "再改定")):
        revise_kpi_text(
            users["demo-bureau-kanto"],
            indicator.kpi,
            new_text=text,
            effective_fiscal_year=2022,
            reason=reason,
        )
    assert [
        (r["type"], r["item"], r["old"], r["new"], r["reason"])
        for r in changes(history_rows(client, indicator))
    ] == [
        ("変更", "KPI本文", "新しい本文", "さらに新しい本文", "再改定"),
        # the first revision replaced the documents' text
        ("変更", "KPI本文", old_text, "新しい本文", "改定"),
    ]
    assert Revision.objects.order_by("pk").first().old_text == old_text


def test_an_approved_report_shows_as_added_actuals_in_the_change_history(client, users):
    indicator = indicator_of("14-1")
    period = open_demo_period()
    report = workflow.report_of(period, Region.objects.get(code="14"))
    workflow.submit(
        users["demo-pref-14"],
        report,
        version=report.version,
        inputs=complete(
            report, {indicator.pk: workflow.EntryInput(value=Decimal("3"), activities="セミナーを3回開催")}
        ),
    )
    report.refresh_from_db()
    workflow.approve(users["demo-bureau-kanto"], report, version=report.version)
    assert Actual.objects.get(indicator=indicator, period="h1", year=2022).value == 3

    client.force_login(users["demo-viewer"])
    (row,) = changes(history_rows(client, indicator))
    assert (row["who"], row["type"], row["item"], row["old"], row["new"]) == (
        "関東経済産業局 知的財産室",
        "追加",
        "実績 2022年度 上期",
        "—",
        "3回",
    )
    assert row["reason"].startswith("承認")


def test_a_corrected_and_a_removed_actual_show_their_old_values(client, users):
    indicator = indicator_of("14-1")
    actual = Actual(indicator=indicator, period="fy", year=2021, value=4)
    for value, reason in ((4, "入力"), (5, "訂正")):
        actual.value = value
        actual._history_user, actual._change_reason = users["demo-jpo"], reason
        actual.save()
    actual._history_user, actual._change_reason = users["demo-jpo"], "取消し"
    actual.delete()
    client.force_login(users["demo-viewer"])
    rows = changes(history_rows(client, indicator))
    assert [(r["type"], r["item"], r["old"], r["new"], r["reason"]) for r in rows] == [
        ("削除", "実績 2021年度", "5回", "—", "取消し"),
        ("変更", "実績 2021年度", "4回", "5回", "訂正"),
        ("追加", "実績 2021年度", "—", "4回", "入力"),
    ]


def test_only_this_indicators_history_is_shown(client, users):
    revise(users["demo-jpo"], "14-2", "2")
    revise(users["demo-jpo"], "02-1", "7")
    client.force_login(users["demo-viewer"])
    assert changes(history_rows(client, indicator_of("14-2")))[0]["new"] == "2回"
    rows = history_rows(client, indicator_of("14-1"))
    assert rows and changes(rows) == []


def change_many_times(user, indicator: Indicator, times: int) -> None:
    actual = Actual(indicator=indicator, period="h2", year=2021, value=0)
    for value in range(1, times + 1):
        actual.value = value
        actual._history_user, actual._change_reason = user, f"入力{value}"
        actual.save()


def test_the_history_shows_the_newest_fifty_changes(client, users):
    indicator = indicator_of("14-1")
    change_many_times(users["demo-jpo"], indicator, 60)
    client.force_login(users["demo-viewer"])
    rows = history_rows(client, indicator)
    assert len(rows) == 50
    assert (rows[0]["old"], rows[0]["new"]) == ("59回", "60回")
    assert (rows[-1]["old"], rows[-1]["new"]) == ("10回", "11回")


def queries_for(client, url: str) -> int:
    """The queries of a page computed afresh (not served from the dashboard cache)."""
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_history_is_read_in_the_same_number_of_queries_whatever_its_length(client, users):
    indicator = indicator_of("14-1")
    url = f"/kpis/{indicator.pk}/"
    client.force_login(users["demo-viewer"])
    revise(users["demo-jpo"], "14-1", "6")
    few = queries_for(client, url)
    change_many_times(users["demo-jpo"], indicator, 40)
    revise(users["demo-jpo"], "14-1", "7")
    revise(users["demo-jpo"], "14-1", "8", year=2020)
    revise_kpi_text(users["demo-jpo"], indicator.kpi, new_text="本文", effective_fiscal_year=2022, reason="r")
    many = queries_for(client, url)
    rows = history_rows(client, indicator)
    assert len(changes(rows)) == 1 + 40 + 1 + 3 + 1
    # and the documents' three targets and KPI text, as loaded
    assert len(rows) == 1 + 40 + 1 + 3 + 1 + 4
    assert Revision.objects.filter(kpi=indicator.kpi).count() == 4
    assert many == few


# --- a block's revisions ------------------------------------------------------------------------

BLOCK_URL = "/dashboard/2/blocks/kanto/revisions/"


@pytest.fixture
def revisions(users):
    """Revisions of Kanto's KPIs (two), of Tohoku's, of a central KPI and of another plan's."""
    made = {
        "14-1": revise(users["demo-bureau-kanto"], "14-1", "6", reason="神奈川県の見直し"),
        "09-1": revise_kpi_text(
            users["demo-jpo"],
            Kpi.objects.select_related("plan", "region").get(plan__number=2, code="09-1"),
            new_text="企業訪問を年40件行う。",
            effective_fiscal_year=2021,
            reason="栃木県の本文修正",
        ),
        "02-1": revise(users["demo-jpo"], "02-1", "7", reason="青森県の見直し"),
        "C04": revise(users["demo-jpo"], "C04", "450", reason="中央の見直し"),
    }
    other_plan = Kpi.objects.filter(plan__number=1, level="regional", region__block__code="kanto").first()
    if other_plan is not None:
        made["plan1"] = Revision.objects.create(
            kpi=other_plan, effective_fiscal_year=2017, reason="第1次計画の改定", old_text="a", new_text="b"
        )
    return made


def block_rows(client, url: str = BLOCK_URL) -> list[dict]:
    response = client.get(url + ("&" if "?" in url else "?") + "_export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "username", ["demo-jpo", "demo-bureau-kanto", "demo-pref-14", "demo-pref-02", "demo-viewer", "demo-admin"]
)
def test_every_signed_in_user_reads_a_blocks_revisions(client, users, revisions, username):
    client.force_login(users[username])
    response = client.get(BLOCK_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "関東ブロック" in page and "地域KPIの改定一覧" in page
    assert "神奈川県の見直し" in page and "栃木県の本文修正" in page
    assert "青森県の見直し" not in page and "中央の見直し" not in page and "第1次計画の改定" not in page


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(BLOCK_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_shows_region_kpi_years_values_reason_who_and_when(client, users, revisions):
    client.force_login(users["demo-viewer"])
    rows = block_rows(client)
    assert list(rows[0]) == [
        "地域",
        "KPI",
        "改定の対象",
        "適用開始年度",
        "改定前",
        "改定後",
        "改定理由",
        "改定者",
        "改定日時",
    ]
    text, value = rows  # newest first
    assert (value["地域"], value["改定の対象"], value["適用開始年度"], value["改定前"], value["改定後"]) == (
        "神奈川県",
        "目標値（実務・経営セミナーの開催回数）",
        "2022年度〜",
        "5回",
        "6回",
    )
    assert (value["改定理由"], value["改定者"]) == ("神奈川県の見直し", "関東経済産業局 知的財産室")
    assert value["KPI"].startswith("14-1 ")
    assert (text["地域"], text["改定の対象"], text["改定後"], text["改定者"]) == (
        "栃木県",
        "KPI本文",
        "企業訪問を年40件行う。",
        "中央（特許庁 普及支援課）",
    )
    page = client.get(BLOCK_URL).content.decode()
    # a text revision links to its KPI's first indicator
    assert f'href="/kpis/{indicator_of("09-1").pk}/"' in page
    assert f'href="/kpis/{indicator_of("14-1").pk}/"' in page


def test_the_list_since_a_date_leaves_out_earlier_revisions(client, users, revisions):
    older = revisions["14-1"]
    older.revised_at = timezone.make_aware(datetime.datetime(2024, 1, 10, 15, 0))  # noqa: DTZ001
    older.save()
    client.force_login(users["demo-viewer"])
    assert [r["改定理由"] for r in block_rows(client, BLOCK_URL + "?since=2024-01-11")] == [
        "栃木県の本文修正"
    ]
    assert len(block_rows(client, BLOCK_URL + "?since=2024-01-10")) == 2
    page = client.get(BLOCK_URL + "?since=2099-01-01").content.decode()
    assert "この日以降の改定はありません。" in page


def test_a_date_that_cannot_be_read_is_refused_with_a_message(client, users, revisions):
    client.force_login(users["demo-viewer"])
    response = client.get(BLOCK_URL + "?since=2024-13-01")
    assert response.status_code == 400
    page = response.content.decode()
    assert "日付「2024-13-01」を読めません。" in page and 'role="alert"' in page


def test_the_list_is_exported_to_excel(client, users, revisions):
    client.force_login(users["demo-viewer"])
    response = client.get(BLOCK_URL + "?_export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "地域" and len(values) == 3


@pytest.mark.parametrize(
    "url", ["/dashboard/9/blocks/kanto/revisions/", "/dashboard/2/blocks/nowhere/revisions/"]
)
def test_an_unknown_plan_or_block_is_not_found(client, users, url):
    client.force_login(users["demo-viewer"])
    assert client.get(url).status_code == 404


def test_a_block_without_revisions_says_so(client, users):
    client.force_login(users["demo-viewer"])
    page = client.get(BLOCK_URL).content.decode()
    assert "この計画のこのブロックの地域KPIは改定されていません。" in page


def test_the_list_is_read_in_the_same_number_of_queries_whatever_its_length(client, users, revisions):
    client.force_login(users["demo-viewer"])
    few = queries_for(client, BLOCK_URL)
    for value in range(7, 17):
        revise(users["demo-jpo"], "14-2", str(value))
    revise_kpi_text(
        users["demo-jpo"],
        Kpi.objects.select_related("plan", "region").get(plan__number=2, code="11-1"),
        new_text="新しい本文",
        effective_fiscal_year=2022,
        reason="r",
    )
    assert len(block_rows(client)) == 13
    assert queries_for(client, BLOCK_URL) == few
