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


def fixture_paths() -> list[str]:
    return [str(settings.BASE_DIR / "fixtures" / name) for name in FIXTURE_FILES]
