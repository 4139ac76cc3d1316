"""Judging goals: baseline → target (714件（2018年度）→ 755件（2022年度）), a share, a milestone.

A goal is set for one later year (or a date): the documents judge it in that year only. The years
before it are progress against a 経過目標 (a straight line from the baseline, the portal's reading)
or, without a baseline, against the goal itself; a year after it keeps the goal in force until it
is revised, as a year's own target.
"""

import datetime

from kpis.rules import pace as paces
from kpis.rules.inputs import FLOW, FY, H1, HALVES, ActualFigure, IndicatorFigures, TargetFigure
from kpis.rules.judged import BASELINE_YEAR, NO_TARGET_THIS_YEAR, Judgement, Kind, nothing, progress
from kpis.rules.readings import half_reading, latest_reading
from kpis.rules.status import Progress, Status, Thresholds
from kpis.rules.targets import target_for
from kpis.rules.view_periods import Position, is_over, year_end
from kpis.rules.yearly import level_or_year_reading, one_year, own_half
from plans.fiscal import fiscal_year_of, half_bounds


def goal(figures: IndicatorFigures, at: Position, thresholds: Thresholds) -> Judgement:
    """A baseline → target or a share: its goal year judged like a year's own target; years before it
    in progress; the plan to date is the goal year's result once that year is over."""
    shape = figures.rules.target_shape
    target = target_for(figures.targets, at.year, shape=shape, half=at.half)
    if target is None:
        return nothing(NO_TARGET_THIS_YEAR, year=at.year)
    if target.period in HALVES:
        return own_half(figures, at, thresholds, target)
    if at.to_date:
        return _goal_to_date(figures, at, thresholds, target)
    if at.year >= target.year:
        return one_year(figures, at, thresholds, target)
    return _before_goal(figures, at, target)


def _before_goal(figures: IndicatorFigures, at: Position, target: TargetFigure) -> Judgement:
    rules = figures.rules
    flow = rules.aggregation == FLOW
    if target.baseline_year is not None and at.year <= target.baseline_year:
        return nothing(BASELINE_YEAR, target=target, year=at.year)
    half = at.half
    if half == H1:
        reading = half_reading(figures.actuals, at.year, H1, rules.aggregation)
    else:
        reading = level_or_year_reading(figures, at.year)
        year_over = is_over(year_end(at.year, at.year_period), at.as_of)
        if flow and reading is not None and reading.halves == 1 and not year_over:
            half = H1
    return progress(target, reading, _pace(target, at.year, half, flow), rules, year=at.year, half=half)


def _pace(target: TargetFigure, year: int, half: str | None, flow: bool) -> paces.Pace:
    if paces.has_trajectory(target):
        return paces.trajectory(target, year, half, flow=flow)
    if half == H1 and flow:
        return paces.half_year(target, year)
    return paces.goal(target, half)


def _goal_to_date(figures, at, thresholds, target) -> Judgement:
    """After the goal year: its result. Before: the latest figure against the 経過目標 of its year."""
    goal_over = is_over(year_end(target.year, at.year_period), at.as_of)
    if at.year > target.year or (at.year == target.year and at.half != H1 and goal_over):
        goal_year = Position(target.year, at.year_period, None, False, at.as_of)
        return one_year(figures, goal_year, thresholds, target)
    rules = figures.rules
    reading = latest_reading(figures.actuals, at.year, at.half, rules.aggregation)
    if reading is None:
        return progress(target, None, paces.goal(target), rules, year=at.year, half=at.half)
    year = max(figure.year for figure in reading.used)
    half = H1 if reading.halves == 1 and reading.used[-1].period == H1 else None
    latest = Position(year, at.year_period, half, False, at.as_of)
    if year >= target.year:
        return one_year(figures, latest, thresholds, target)
    return _before_goal(figures, latest, target)


# --- milestones ---------------------------------------------------------------------------------


def milestone(figures: IndicatorFigures, at: Position, thresholds: Thresholds) -> Judgement:
    """Done by the due date (〇), done late or not done once it has passed (×); else in progress.

    Before the due date only what was reported up to the view's year counts (done early is 〇
    already); once a view reaches a passed due date, every figure does, so all such views agree.
    """
    target = target_for(figures.targets, at.year, shape=figures.rules.target_shape)
    if target is None or target.value == 0:
        return nothing(NO_TARGET_THIS_YEAR, year=at.year)
    due = target.due_date or year_end(target.year, FY)
    view_end = half_bounds(at.year, H1)[1] if at.half == H1 else year_end(at.year, FY)
    settled = view_end >= due and is_over(due, at.as_of)
    seen = [a for a in figures.actuals if settled or a.year <= at.year]
    done = min(
        (a for a in seen if a.value >= target.value),
        key=lambda a: (a.achieved_on or datetime.date.max, a.year),
        default=None,
    )
    if done is not None and (settled or _done_in_time(done, due)):
        status = Status.ACHIEVED if _done_in_time(done, due) else Status.NOT_ACHIEVED
        return Judgement(
            Kind.FINAL, status, target, done.value, year=fiscal_year_of(due), actuals_used=(done,)
        )
    if settled:
        return Judgement(Kind.FINAL, Status.NOT_ACHIEVED, target, year=fiscal_year_of(due))
    latest = max(seen, key=lambda a: a.year, default=None)
    return Judgement(
        Kind.PROGRESS,
        Progress.UNDER_WAY if latest else Progress.NOT_REPORTED,
        target,
        latest.value if latest else None,
        pace=paces.deadline(target),
        year=at.year,
        actuals_used=(latest,) if latest else (),
    )


def _done_in_time(done: ActualFigure, due: datetime.date) -> bool:
    if done.achieved_on is not None:
        return done.achieved_on <= due
    return done.year <= fiscal_year_of(due)  # without a date, the year it was reported in
