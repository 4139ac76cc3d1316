"""The fixtures that hold the documents' data, in the order they must load."""

from django.conf import settings

FIXTURE_FILES = [
    "regions.yaml",
    "plans.yaml",
    "plan1.yaml",
    "plan2_central.yaml",
    "plan2_regional_east.yaml",
    "plan2_regional_central.yaml",
    "plan2_regional_west.yaml",
    "plan3.yaml",
    "programme.yaml",
    "case_studies.yaml",
]


# What a database needs before a plan can be set up from its workbook (docs/new-plan.md).
REGION_FIXTURES = ["regions.yaml"]


def fixture_paths(names: list[str] | None = None) -> list[str]:
    return [str(settings.BASE_DIR / "fixtures" / name) for name in (names or FIXTURE_FILES)]
