"""The indicator page (/kpis/<id>/) shows one indicator over every year of its plan, and across plans."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import User

from kpis.models import Indicator
from regions.demo import create_demo_users


def url_of(plan_number: int, kpi_code: str, code: str = "1") -> str:
    return f"/kpis/{Indicator.objects.get_by_natural_key(plan_number, kpi_code, code).pk}/"


def exported(client, url: str, table: str) -> list[dict]:
    response = client.get(f"{url}?_export=csv&table={table}")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def by_period(rows: list[dict]) -> dict:
    return {row.get("年度", row.get("年")): row for row in rows}


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(url_of(2, "C01"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "username", ["demo-jpo", "demo-bureau-kanto", "demo-pref-14", "demo-pref-02", "demo-viewer", "demo-admin"]
)
def test_every_role_reads_an_indicator(db, client, username):
    create_demo_users()
    client.force_login(User.objects.get(username=username))
    assert client.get(url_of(2, "23-1")).status_code == 200


def test_an_unknown_indicator_is_not_found(viewer):
    assert viewer.get("/kpis/999999/").status_code == 404


def test_hands_on_support_shows_the_printed_actuals_and_rates_of_every_year(viewer):
    url = url_of(2, "C01")
    years = by_period(exported(viewer, url, "years"))
    # 003 I-2(2)①1)i): 【目標】250社/年度 【実績】2020年度267社(107%)、2021年度256社(102%)、2022年度277社(111%)
    labels = ["2020年度（令和2年度）", "2021年度（令和3年度）", "2022年度（令和4年度）"]
    assert [years[y]["目標"] for y in labels] == ["250", "250", "250"]
    assert [years[y]["年度 実績"] for y in labels] == ["267", "256", "277"]
    assert [years[y]["達成率"] for y in labels] == ["107", "102", "111"]
    assert [years[y]["状況"] for y in labels] == ["〇", "〇", "〇"]
    assert years["2020年度（令和2年度）"]["出典"] == "003 I-2(2)①1)i)"
    page = viewer.get(url).content.decode()
    for text in ("267", "256", "277", "107%", "102%", "111%", "上期 実績", "下期 実績"):
        assert text in page
    # 001 §5-1: 250社/年度(2020～2022年度累計750社), in full
    assert "ターゲット化された企業に対する知財戦略構築のためのハンズオン支援社数" in page
    assert "250社/年度（2020〜2022年度）" in page


def test_a_cumulative_target_is_judged_once_its_span_ends_and_in_progress_before(viewer):
    years = by_period(exported(viewer, url_of(2, "C03"), "years"))
    last = years["2022年度（令和4年度）"]
    # 003 I-2(2)①1)ii)a: 【目標】250件(2020～2022年度累計) 【実績】213件(85%): the span's last year judges
    assert (last["目標"], last["累計 実績"], last["累計（年度末まで）"]) == ("250", "213", "213")
    assert (last["達成率"], last["状況"], last["判定"]) == ("85", "△", "確定")
    # FY2020 and FY2021 are not judged: the document reports no total for them, so they are progress,
    # unreported, against a share of the span, never shown as a fractional count (not 83.3件)
    for label, share in (("2020年度（令和2年度）", "3分の1"), ("2021年度（令和3年度）", "3分の2")):
        assert (years[label]["状況"], years[label]["判定"], years[label]["達成率"]) == ("未報告", "進捗", "")
        assert years[label]["ペース"] == f"2020〜2022年度累計250件の{share}（{label[:6]}までの按分）"
    page = viewer.get(url_of(2, "C03")).content.decode()
    assert "83.3" not in page and "166.7" not in page
    assert "約83" in page and "約167" in page  # the chart's table: the share due by then, rounded


def test_the_first_plans_consultations_show_the_fy2015_to_fy2019_series(viewer):
    years = by_period(exported(viewer, url_of(1, "C01"), "years"))
    # 000 §4-1 グラフ「窓口における相談件数」(年度): 79,164 / 86,135 / 95,257 / 102,551 / 107,067
    assert [row["年度 実績"] for row in years.values()] == ["79164", "86135", "95257", "102551", "107067"]
    assert list(years)[0] == "2015年度（平成27年度）"
    # FY2015 is the baseline year before the plan (平成27年度 8万件): shown, not judged.
    first = years["2015年度（平成27年度）"]
    assert first["状況"] == ""
    assert "計画期間前" in first["備考"] and "基準値 80,000件" in first["備考"]
    last = years["2019年度（令和元年度）"]
    # 000 §2: 平成31年度 9.5万件 ➡ 10.7万件: 107,067 ÷ 95,000 = 113%, achieved
    assert (last["目標"], last["達成率"], last["状況"]) == ("95000", "113", "〇")
    # (107,067 − 80,000) ÷ (95,000 − 80,000) = 180% of the baseline-to-target gap
    assert (last["基準値"], last["基準値から目標までの進捗"]) == ("80000", "180")


def test_calendar_year_figures_are_labelled_by_year(viewer):
    years = by_period(exported(viewer, url_of(2, "C08"), "years"))
    # 003 I-2(2)①2)ii): 【目標】4,379件(2018年)→5,000件(2022年) 【実績】2022年 4,700件 (no rate printed)
    last = years["2022年（令和4年）"]
    assert last["年 実績"] == "4700"
    assert last["達成率"] == "94"  # 4,700 ÷ 5,000


def test_a_regional_kpi_shows_the_vision_it_serves(viewer):
    page = viewer.get(url_of(2, "23-1")).content.decode()
    # 002 別添2 愛知(1): 30者以上（累計）; (2): あいち科学技術・知的財産アクションプラン2016-2020
    assert "30者以上（2020〜2022年度累計）" in page
    assert "あいち科学技術・知的財産アクションプラン2016-2020" in page
    assert "ステージ3" in page
    assert "中部" in page


def test_the_collaboration_count_continues_the_window_collaborations_not_the_consultations(db):
    # 001 §1-2 / §5-1: 全国の知財総合支援窓口とよろず支援拠点との連携件数 → 窓口における関係機関との連携件数
    collaborations = Indicator.objects.get_by_natural_key(2, "C07", "1")
    assert collaborations.predecessor == Indicator.objects.get_by_natural_key(1, "C03", "1")
    assert not Indicator.objects.get_by_natural_key(1, "C01", "1").successors.exists()


def test_a_continued_indicator_shows_one_series_across_plans(viewer):
    rows = exported(viewer, url_of(2, "C07"), "series")
    series = [(row["計画"], row["年度（年）"], row["実績"]) for row in rows]
    assert series == [
        # 000 §4-1 グラフ「窓口とよろず支援拠点との連携件数」: 776 / 1,642 / 2,141 / 2,342 / 2,615
        ("第1次計画", "2015年度", "776"),
        ("第1次計画", "2016年度", "1642"),
        ("第1次計画", "2017年度", "2141"),
        ("第1次計画", "2018年度", "2342"),
        ("第1次計画", "2019年度", "2615"),
        # 003 I-2(2)①1)ii)e: 2020年度 10,571件、2021年度 12,374件、2022年度 15,022件
        ("第2次計画", "2020年度", "10571"),
        ("第2次計画", "2021年度", "12374"),
        ("第2次計画", "2022年度", "15022"),
    ]
    assert [row["目標"] for row in rows[1:]] == ["1500"] * 4 + ["9000"] * 3


@pytest.mark.parametrize(("plan_number", "kpi_code"), [(2, "C07"), (1, "C03")])
def test_the_predecessors_last_actual_is_offered_as_the_next_baseline(viewer, plan_number, kpi_code):
    page = viewer.get(url_of(plan_number, kpi_code)).content.decode()
    assert "次期計画の基準値の候補" in page
    # 000 §2: 2,615件（令和元年度実績）
    assert "<strong>2,615件</strong>（2019年度（令和元年度））" in page
    assert f'href="{url_of(2, "C07")}"' in page and f'href="{url_of(1, "C03")}"' in page


def test_an_indicator_without_links_shows_no_series(viewer):
    page = viewer.get(url_of(2, "C01")).content.decode()
    assert "前後の計画を通した推移" not in page
    assert "次期計画の基準値の候補" not in page


def test_the_xlsx_export_holds_numbers_as_numbers(viewer):
    response = viewer.get(f"{url_of(2, 'C01')}?_export=xlsx&table=years")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    last = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0].startswith("2022"))
    # 003 I-2(2)①1)i): 2022年度277社(111%)
    assert last[header.index("年度 実績")] == 277
    assert last[header.index("達成率")] == 111


def test_the_targets_table_exports_each_target(viewer):
    rows = exported(viewer, url_of(2, "C08"), "targets")
    # 001 §5-1: 4,379件(2018年) → 5,000件/年(2022年)
    assert [(r["目標値"], r["基準値"], r["基準年度（年）"], r["期間の種類"]) for r in rows] == [
        ("5000", "4379", "2018", "年")
    ]
