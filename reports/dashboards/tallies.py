"""A block's, a region's or the nation's judged items, counted the way the documents count them.

The counting is kpis.rules.tally.count: FINAL results only enter the documents' count (achieved 〇 of
items whose period is complete, 136/148), and results still in progress are counted apart (順調,
遅れ, 進行中, 未報告), never as achieved or failed. This class only gathers the results of one table
row and names the figures the tables print.

Year-end forecasts (年度末見込み) are gathered beside the results, never with them: `achieved`,
`rate` and the progress counts read the results only; `forecast_items` and `at_risk` read the
forecasts only (kpis/rules/forecasts.py count_forecasts).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from kpis.rules.forecasts import ForecastCount, ForecastStatus, count_forecasts
from kpis.rules.judged import Judgement
from kpis.rules.tally import Counts, count


@dataclass
class Tally:
    results: list[Judgement] = field(default_factory=list)
    forecasts: list[ForecastStatus] = field(default_factory=list)

    def add(self, result: Judgement, forecast: ForecastStatus | None = None) -> None:
        self.results.append(result)
        if forecast is not None:
            self.forecasts.append(forecast)

    @property
    def counts(self) -> Counts:
        # counted once for the dozen figures a table row prints, again after an add
        counted = self.__dict__.get("_counted")
        if counted is None or counted[0] != len(self.results):
            counted = (len(self.results), count(self.results))
            self.__dict__["_counted"] = counted
        return counted[1]

    @property
    def items(self) -> int:
        """Items with a target in the view: final ones and those in progress (対象外 is not an item)."""
        counts = self.counts
        return counts.final.items + counts.progress.items

    @property
    def reported(self) -> int:
        """Items with a figure reported for the view."""
        counts = self.counts
        return counts.final.reported + counts.progress.items - counts.progress.not_reported

    @property
    def final_items(self) -> int:
        """Items whose period is complete: what the achieved count is taken of."""
        return self.counts.final.items

    @property
    def achieved(self) -> int:
        """Final results achieved (〇): a result in progress is never counted as achieved."""
        return self.counts.final.achieved

    @property
    def rate(self) -> Decimal | None:
        """Achieved ÷ final items, the documents' way (136/148); none before a final figure is
        reported (0 of 130 unreported would read as failure, not as 未報告)."""
        final = self.counts.final
        return final.rate if final.reported else None

    @property
    def progress_items(self) -> int:
        return self.counts.progress.items

    @property
    def on_pace(self) -> int:
        return self.counts.progress.on_pace

    @property
    def behind(self) -> int:
        return self.counts.progress.behind

    @property
    def under_way(self) -> int:
        return self.counts.progress.under_way

    @property
    def progress_not_reported(self) -> int:
        return self.counts.progress.not_reported

    @property
    def forecast_counts(self) -> ForecastCount:
        return count_forecasts(self.forecasts)

    @property
    def forecast_items(self) -> int:
        """Items with a published forecast that has something to judge (見込み)."""
        return self.forecast_counts.items

    @property
    def at_risk(self) -> int:
        """Items whose forecast falls short of the year's target or pace: never counted as results."""
        return self.forecast_counts.at_risk
