"""Plotly figures for the dashboards, built in Python and drawn by the plotly.js the app serves.

Colours differ in lightness as well as hue (dark actuals, light outlined targets), so a chart
printed in grey still tells its series apart.
"""

import json
import math
from decimal import Decimal

import plotly.graph_objects as go
from plotly.subplots import make_subplots

ACTUAL = "#1f3b73"  # dark blue: prints near black
TARGET = "#9aa5b1"  # light grey-blue
REPORTED = "#5b6b7f"  # mid grey, hatched
FONT = '"Hiragino Kaku Gothic ProN", "Noto Sans JP", Meiryo, sans-serif'


def _layout(title: str, *, y_title: str = "", percent: bool = False) -> dict:
    return {
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "legend": {"orientation": "h", "y": -0.2},
        "yaxis": {"title": {"text": y_title}, "ticksuffix": "%" if percent else "", "rangemode": "tozero"},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "barmode": "group",
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figure_json(figure: go.Figure) -> dict:
    """The figure as plain JSON data for `json_script` (no binary-encoded arrays, no template)."""
    data = json.loads(figure.to_json())
    data["layout"].pop("template", None)
    return data


def block_rates_chart(rows: list[dict]) -> dict:
    """Bars of achieved ÷ items per block; where the documents give only totals, their 報告値 beside them.

    rows: {"label", "rate" (Decimal|None), "reported_rate" (Decimal|None)}
    """
    labels = [row["label"] for row in rows]
    figure = go.Figure()
    figure.add_bar(
        name="達成率（指標から算出）",
        x=labels,
        y=[_number(row["rate"]) for row in rows],
        marker={"color": ACTUAL},
    )
    if any(row["reported_rate"] is not None for row in rows):
        figure.add_bar(
            name="達成率（報告値）",
            x=labels,
            y=[_number(row["reported_rate"]) for row in rows],
            marker={"color": REPORTED, "line": {"color": "#1a1a1a", "width": 1}},
        )
    figure.update_layout(_layout("ブロック別 地域KPI達成率", y_title="達成率", percent=True))
    return figure_json(figure)


def target_actual_chart(title: str, unit: str, points: list[dict]) -> dict:
    """Target (light outlined bars) against actual (dark bars) per period. A period without a target
    has no target bar and keeps its actual bar.

    points: {"label" ("2019年度", "2019年"), "axis" (optional, the label with its era),
    "target" (Decimal|None), "actual" (Decimal|None)}
    """
    labels = [point.get("axis") or point["label"] for point in points]
    figure = go.Figure()
    figure.add_bar(
        name="目標",
        x=labels,
        y=[_number(p["target"]) for p in points],
        marker={"color": TARGET, "line": {"color": "#1a1a1a", "width": 1}},
    )
    figure.add_bar(name="実績", x=labels, y=[_number(p["actual"]) for p in points], marker={"color": ACTUAL})
    figure.update_layout(_layout(title, y_title=unit))
    return figure_json(figure)


def _short_label(text: str, width: int = 14, lines: int = 2) -> str:
    """A subplot title: at most `lines` lines of `width` characters (plotly breaks only at <br>)."""
    if len(text) > width * lines:
        text = text[: width * lines - 1] + "…"
    return "<br>".join(text[i : i + width] for i in range(0, len(text), width))


def indicator_targets_chart(title: str, rows: list[dict], *, columns: int = 3) -> dict:
    """Target (light outlined bar) against actual (dark bar), one small chart per indicator.

    rows: {"label", "unit", "target" (Decimal|None), "actual" (Decimal|None)}. Each indicator has
    its own axis and unit: a region's indicators count different things (2回 beside 1,400件).
    """
    columns = max(1, min(columns, len(rows)))
    lines = max(1, math.ceil(len(rows) / columns))
    figure = make_subplots(
        rows=lines,
        cols=columns,
        subplot_titles=[_short_label(row["label"]) for row in rows],
        horizontal_spacing=0.12,
        vertical_spacing=min(0.25, 0.6 / lines),
    )
    for position, row in enumerate(rows):
        line, column = divmod(position, columns)
        figure.add_bar(
            x=["目標", "実績"],
            y=[_number(row["target"]), _number(row["actual"])],
            marker={"color": [TARGET, ACTUAL], "line": {"color": "#1a1a1a", "width": 1}},
            hovertemplate=f"%{{x}}: %{{y:,}}{row['unit']}<extra></extra>",
            showlegend=False,
            row=line + 1,
            col=column + 1,
        )
        figure.update_yaxes(
            ticksuffix=row["unit"], rangemode="tozero", tickformat=",", row=line + 1, col=column + 1
        )
    layout = _layout(title)
    del layout["yaxis"]  # one per indicator, set above
    layout["margin"]["t"] = 90
    layout["height"] = 100 + 260 * lines
    figure.update_layout(layout)
    figure.update_annotations(font_size=11)
    return figure_json(figure)


# Actual bars of successive plans in a series across plans: each differs in lightness (patterns are not drawn by every plotly.js build, so none are used).
PLAN_STYLES = [
    {"color": REPORTED, "line": {"color": "#1a1a1a", "width": 1}},
    {"color": ACTUAL},
    {"color": "#0b1730", "line": {"color": "#1a1a1a", "width": 1}},
]
EXPECTED = "#b35900"  # dark orange line with square markers: stands out from the bars in grey too


def cumulative_chart(title: str, unit: str, points: list[dict]) -> dict:
    """A cumulative target: the total to date (dark bars) against the share of the span due by then
    (計画期間の按分, a line, while the span runs) and the whole target (hatched light bars).

    points: {"year", "label", "target", "actual", "expected"} (values Decimal|None)
    """
    labels = [point["label"] for point in points]
    figure = go.Figure()
    figure.add_bar(
        name="目標（累計）",
        x=labels,
        y=[_number(p["target"]) for p in points],
        marker={"color": TARGET, "line": {"color": "#1a1a1a", "width": 1}},
    )
    figure.add_bar(
        name="累計実績", x=labels, y=[_number(p["actual"]) for p in points], marker={"color": ACTUAL}
    )
    figure.add_scatter(
        name="計画期間の按分（ポータルの目安）",
        x=labels,
        y=[_number(p["expected"]) for p in points],
        mode="lines+markers",
        line={"color": EXPECTED, "dash": "dash"},
        marker={"symbol": "square", "size": 8},
    )
    figure.update_layout(_layout(title, y_title=unit))
    return figure_json(figure)


def plan_series_chart(title: str, unit: str, points: list[dict]) -> dict:
    """One indicator continued across plans: each plan's actuals as its own bar series, targets as marks.

    points: {"label", "plan" (e.g. "第1次計画"), "target", "actual"}; labels unique, in time order.
    """
    labels = [point["label"] for point in points]
    figure = go.Figure()
    plans = list(dict.fromkeys(point["plan"] for point in points))
    for position, plan in enumerate(plans):
        figure.add_bar(
            name=f"実績（{plan}）",
            x=labels,
            y=[_number(p["actual"]) if p["plan"] == plan else None for p in points],
            marker=PLAN_STYLES[position % len(PLAN_STYLES)],
        )
    # A wide dash at the target's height: visible whether the bar reaches it or not.
    figure.add_scatter(
        name="目標",
        x=labels,
        y=[_number(p["target"]) for p in points],
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 28, "line": {"width": 3, "color": EXPECTED}},
    )
    layout = _layout(title, y_title=unit)
    layout["barmode"] = "overlay"  # one plan per label: no empty slots for the other plans
    figure.update_layout(layout)
    return figure_json(figure)
