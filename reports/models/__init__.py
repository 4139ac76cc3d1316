"""The reports app's models, one module per capability; all importable from `reports.models`."""

from reports.models.case_studies import CaseStudy, CaseStudyFigure, CaseStudyStep, CaseStudyTheme
from reports.models.central import CentralEntry
from reports.models.meetings import LiaisonMeeting
from reports.models.progress import Half, ProgressReport, ReportEntry, ReportingPeriod

__all__ = [
    "CaseStudy",
    "CaseStudyFigure",
    "CaseStudyStep",
    "CaseStudyTheme",
    "CentralEntry",
    "Half",
    "LiaisonMeeting",
    "ProgressReport",
    "ReportEntry",
    "ReportingPeriod",
]
