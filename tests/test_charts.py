"""The dashboards' chart figures (reports/display/charts.py): plain dicts that plotly.js draws.

Each figure is checked against plotly's own schema (plotly.graph_objects refuses an unknown property
or a wrong value), and for what a reader sees: ticks in Japanese units, rates read against 100%, no
target bar where no target applies, titles never cut off.
"""

from decimal import Decimal

import plotly.graph_objects as go
import pytest

from reports.display import charts

LONG_TITLE = "知財に着目した融資等を行う金融機関数（融資につながったビジネス案件数）"


def valid(figure: dict) -> dict:
    go.Figure(figure)  # raises ValueError on anything plotly.js would not understand
    return figure


@pytest.mark.parametrize(
    ("value", "label"),
    [(0, "0"), (500, "500"), (5000, "5,000"), (15000, "1.5万"), (100_000, "10万"), (200_000_000, "2億")],
)
def test_tick_labels_count_in_japanese_units(value, label):
    assert charts.japanese_number(value) == label


def test_a_large_axis_is_labelled_in_man_not_k():
    points = [{"label": "2022年度", "target": Decimal(150_000), "actual": Decimal(120_000)}]
    axis = valid(charts.target_actual_chart("相談件数", "件", points))["layout"]["yaxis"]
    assert axis["ticktext"] == ["0", "5万", "10万", "15万"]
    assert axis["tickvals"] == [0, 50_000, 100_000, 150_000]
    assert axis["range"][1] > 150_000 and axis["title"]["text"] == "件"


def test_counts_get_whole_ticks_with_their_unit():
    rows = [{"label": "セミナー開催回数", "unit": "回", "target": Decimal(3), "actual": Decimal(2)}]
    axis = valid(charts.indicator_targets_chart("t", rows))["layout"]["yaxis"]
    assert axis["ticktext"] == ["0回", "1回", "2回", "3回"]


def test_block_rates_start_at_zero_reach_100_percent_and_draw_its_line():
    rows = [{"label": "北海道", "rate": Decimal("2.3"), "reported_rate": None}]
    layout = valid(charts.block_rates_chart(rows))["layout"]
    assert layout["yaxis"]["range"][0] == 0 and layout["yaxis"]["range"][1] >= 100
    assert layout["yaxis"]["ticktext"][-1] == "100%"
    assert [(shape["y0"], shape["y1"]) for shape in layout["shapes"]] == [(100, 100)]


def test_block_rates_above_100_percent_stay_on_the_chart():
    rows = [{"label": "関東", "rate": Decimal("135.2"), "reported_rate": Decimal("120")}]
    figure = valid(charts.block_rates_chart(rows))
    assert figure["layout"]["yaxis"]["range"][1] >= 135.2
    assert [trace["name"] for trace in figure["data"]] == ["達成率（指標から算出）", "達成率（報告値）"]


def test_no_target_bar_where_no_target_applies():
    rows = [
        {"label": "相談件数", "unit": "件", "target": Decimal(1400), "actual": Decimal(1399)},
        {"label": "セミナー", "unit": "回", "target": None, "actual": Decimal(2)},
    ]
    data = valid(charts.indicator_targets_chart("神奈川県", rows))["data"]
    assert [(trace["x"], trace["y"]) for trace in data] == [(["目標", "実績"], [1400, 1399]), (["実績"], [2])]
    points = [{"label": "2019年度", "target": None, "actual": Decimal(42)}]
    target, actual = valid(charts.target_actual_chart("融資", "件", points))["data"]
    assert target["visible"] is False and "visible" not in actual


def test_subplots_have_an_axis_and_a_title_each_and_no_empty_cells():
    rows = [
        {"label": f"指標{i}", "unit": "件", "target": Decimal(10), "actual": Decimal(i)} for i in range(4)
    ]
    layout = valid(charts.indicator_targets_chart("t", rows))["layout"]
    assert sorted(key for key in layout if key.startswith(("xaxis", "yaxis"))) == [
        "xaxis",
        "xaxis2",
        "xaxis3",
        "xaxis4",
        "yaxis",
        "yaxis2",
        "yaxis3",
        "yaxis4",
    ]
    assert [a["text"] for a in layout["annotations"]] == ["指標0", "指標1", "指標2", "指標3"]
    assert layout["yaxis4"]["domain"][1] < layout["yaxis"]["domain"][0]  # the second line below


def test_a_long_title_is_wrapped_and_given_room():
    layout = valid(charts.cumulative_chart(LONG_TITLE, "社", []))["layout"]
    lines = layout["title"]["text"].split("<br>")
    assert "".join(lines) == LONG_TITLE and len(lines) == 2
    assert all(len(line) <= charts.TITLE_WIDTH for line in lines)
    assert layout["margin"]["t"] > valid(charts.cumulative_chart("累計", "社", []))["layout"]["margin"]["t"]


def test_a_series_across_plans_has_a_bar_series_per_plan_and_target_marks():
    points = [
        {"label": "2016年度", "plan": "第1次計画", "target": Decimal(10), "actual": Decimal(12)},
        {"label": "2020年度", "plan": "第2次計画", "target": None, "actual": Decimal(20)},
    ]
    figure = valid(charts.plan_series_chart("相談件数", "件", points))
    assert [(t["name"], t["y"]) for t in figure["data"]] == [
        ("実績（第1次計画）", [12, None]),
        ("実績（第2次計画）", [None, 20]),
        ("目標", [10, None]),
    ]
    assert figure["layout"]["barmode"] == "overlay"
