"""Plotly figures for the dashboards, built in Python and drawn by the plotly.js the app serves.

Colours differ in lightness as well as hue (dark actuals, light outlined targets), so a chart
printed in grey still tells its series apart.
"""

import json
from decimal import Decimal

import plotly.graph_objects as go

from plans.fiscal import era_year

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
    """Target (light outlined bars) against actual (dark bars) per period.

    points: {"year", "label" (optional), "target" (Decimal|None), "actual" (Decimal|None)}
    """
    labels = [point.get("label") or f"{point['year']}年度<br>({era_year(point['year'])})" for point in points]
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


def _wrap(text: str, width: int = 14) -> str:
    """Long Japanese labels broken every `width` characters (plotly breaks lines only at <br>)."""
    return "<br>".join(text[i : i + width] for i in range(0, len(text), width)) or text


def indicator_targets_chart(title: str, rows: list[dict]) -> dict:
    """Target (hatched light bars) against actual (dark bars) per indicator, e.g. of one region.

    rows: {"label", "unit", "target" (Decimal|None), "actual" (Decimal|None)}. Units differ between
    indicators, so each label carries its own unit and the axis has none. Labels must be unique:
    bars with the same label would be drawn as one category.
    """
    labels = [f"{_wrap(row['label'])}<br>（{row['unit']}）" for row in rows]
    units = [row["unit"] for row in rows]
    hover = "%{y:,}%{customdata}<extra>%{fullData.name}</extra>"
    figure = go.Figure()
    figure.add_bar(
        name="目標",
        x=labels,
        y=[_number(row["target"]) for row in rows],
        customdata=units,
        hovertemplate=hover,
        marker={"color": TARGET, "pattern": {"shape": "x", "fgcolor": "#ffffff"}},
    )
    figure.add_bar(
        name="実績",
        x=labels,
        y=[_number(row["actual"]) for row in rows],
        customdata=units,
        hovertemplate=hover,
        marker={"color": ACTUAL},
    )
    figure.update_layout(_layout(title))
    return figure_json(figure)
