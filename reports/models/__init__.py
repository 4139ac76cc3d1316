"""The reports app's models, one module per capability; all importable from `reports.models`."""

from reports.models.case_studies import CaseStudy, CaseStudyFigure, CaseStudyStep, CaseStudyTheme
from reports.models.central import CentralEntry
from reports.models.forecasts import Forecast
from reports.models.meetings import DecisionItem, LiaisonMeeting
from reports.models.progress import Half, ProgressReport, ReportEntry, ReportingPeriod
from reports.models.versions import DataVersion

__all__ = [
    "CaseStudy",
    "CaseStudyFigure",
    "CaseStudyStep",
    "CaseStudyTheme",
    "CentralEntry",
    "DataVersion",
    "DecisionItem",
    "Forecast",
    "Half",
    "LiaisonMeeting",
    "ProgressReport",
    "ReportEntry",
    "ReportingPeriod",
]
