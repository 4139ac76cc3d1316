"""The plans' rules as plain, typed, pure functions: no ORM and no clock inside.

- inputs: the figures an indicator is judged on (targets, actuals, how it is judged and printed);
- status: the documents' marks (〇 △ ×) and the portal's progress words (順調 遅れ 進行中 未報告);
- rates: rates and item counts as the documents print them;
- readings: an actual value for a year, a half or the plan to date;
- targets: which target applies to a year (`target_for`, the one answer for every page);
- views, judgement: what a view period shows (`judgement`), built from judged (the result),
  yearly (per-year and cumulative targets), goals (baseline → target, shares, milestones) and
  pace (what a period in progress is measured against);
- tally: counting judged items the documents' way; texts: a pace and a target in words;
- forecasts: a year-end forecast (年度末見込み) judged as the year's end would judge it, counted apart;
- reporting: what a half-year report's form says: the half's pace, a cumulative goal's running total;
- plausibility: a value far from the indicator's history or the half's pace, flagged for an explanation.

docs/judgement.md says what each view period shows for each target shape. kpis/figures.py builds
the inputs from the ORM; these modules import without Django being set up.
"""
