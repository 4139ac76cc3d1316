"""Each dashboard runs a fixed number of SQL queries whatever the data size.

The same maximum holds on the documents' data (plan 2) and on a synthetic plan holding ten times as
much (benchmarks.data.generate_scaled_data(10): 479 indicators, 2,874 half-year actuals). Timings
are measured by `python -m benchmarks`, never asserted here.
"""

import pytest

from benchmarks.data import generate_scaled_data
from kpis.models import Indicator
from reports.models import Forecast

# Every signed-in page starts with the session and the user (authentication middleware), runs in one
# transaction (ATOMIC_REQUESTS: a savepoint and its release inside a test), and ends with the header
# menu (navigation context processor): the plans, and the user's groups and affiliation for the role's
# links. 7 queries, written `3 +` below as before the transaction and role (+4 at the end). Then:
REQUEST = 4
MAX_QUERIES = {
    # Indicators are read with their KPI and figures stamp (one join), then the plans and the regions
    # with their blocks they share (3: an instance each, not one per indicator).
    # the plan; the central indicators (3: the indicators, the plans; no region to share); their
    # targets; their actuals; the regions with their blocks; the regional indicators as values for
    # counting (reports/dashboards/counted.py); those judged again as instances (3) with their targets
    # and actuals (none when every judgement is kept: reports/dashboards/judged_memo.py); the year's
    # reported totals; the blocks
    "national": 3 + 14,
    # the plan; the block; the block's indicators (3); their targets; their actuals; the block's KPIs
    # with their vision, then the plans and regions they share (3); the block's regions; the block's
    # reported total
    "block": 3 + 12,
    # the plan; the region with its block; its indicators (3); their targets; their actuals; its KPIs
    # with plan, region and vision; its industrial visions
    "region": 3 + 9,
    # the indicator with KPI, region, block, vision and plan; its targets; its actuals; every
    # indicator linked across plans (predecessors, successors) with KPI and region; their targets;
    # their actuals; the KPI's revisions with indicator and reviser; the newest history records
    # (each with its previous value and its user) of the indicator's targets, of its actuals and of
    # its KPI: one query each
    "indicator (central)": 3 + 10,
    "indicator (regional)": 3 + 10,
    # plans with KPI counts; the central indicators (2: with their plans); the years with an actual
    # per plan and level; reported totals; blocks; measure marks per plan; the central ones' targets
    # and actuals; the regions with their blocks; the regional indicators as values for counting,
    # those judged again as instances (3) with their targets and actuals (reports/dashboards/counted.py);
    # the indicators linked across plans (2, up to 3 with their regions) with their targets and actuals
    "compare": 3 + 21,
}
# A page not yet cached also reads the data version and looks itself up in the cache (2), then
# stores itself (the database cache counts its rows, then checks the key and inserts inside a
# savepoint: 5 statements). The indicator
# page first checks that the indicator exists, so that an unknown id is a 404 even when cached (1).
CACHE_MISS = 2 + 5
MAX_QUERIES = {page: budget + REQUEST + CACHE_MISS for page, budget in MAX_QUERIES.items()}
# A 上期 or in-year view also reads the year's published forecasts (年度末見込み), whatever their
# number: one query (reports/dashboards/forecasts.py published_forecasts); the comparison reads them
# for the plan whose judged year is under way.
FORECAST_READ = 1
FORECAST_PAGES = ("national", "block", "region")
MAX_QUERIES["indicator (central)"] += 1
MAX_QUERIES["indicator (regional)"] += 1
# Served from the cache: session, user, the data version, the cached page, the plans of the header
# menu; the indicator page also checks that its indicator exists (1). The national, block and region
# pages read their plan, block or region only when computing the page: one found in the cache is of
# objects that existed under the current data version, which their change or deletion raises.
CACHED_QUERIES = {
    "national": 3 + 0 + 2,
    "block": 3 + 0 + 2,
    "region": 3 + 0 + 2,
    "indicator (central)": 3 + 1 + 2,
    "indicator (regional)": 3 + 1 + 2,
    "compare": 3 + 0 + 2,
}
CACHED_QUERIES = {page: budget + REQUEST for page, budget in CACHED_QUERIES.items()}
PAGES = list(MAX_QUERIES)


def page_urls(plan_number: int) -> dict[str, str]:
    """The dashboards of a plan: national, the Kanto block, Kanagawa, an indicator of each level, compare."""
    indicators = Indicator.objects.filter(kpi__plan__number=plan_number).order_by("kpi__order", "order")
    central = indicators.filter(kpi__level="central", kpi__kind="core").first()
    regional = indicators.filter(kpi__region__code="14").first()
    return {
        "national": f"/dashboard/{plan_number}/",
        "block": f"/dashboard/{plan_number}/blocks/kanto/",
        "region": f"/dashboard/{plan_number}/regions/14/",
        "indicator (central)": f"/kpis/{central.pk}/",
        "indicator (regional)": f"/kpis/{regional.pk}/",
        "compare": "/dashboard/compare/",
    }


@pytest.mark.parametrize("page", PAGES)
def test_it_runs_a_fixed_number_of_queries_on_the_documents_data(viewer, page, django_assert_max_num_queries):
    url = page_urls(2)[page]
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = viewer.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_it_runs_as_many_queries_on_ten_times_the_data(viewer, page, django_assert_max_num_queries):
    plan = generate_scaled_data(10)
    assert (
        Indicator.objects.filter(kpi__plan=plan).count()
        > 3 * Indicator.objects.filter(kpi__plan__number=2).count()
    )
    url = page_urls(plan.number)[page]
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = viewer.get(url)
    assert response.status_code == 200


def test_the_generated_data_is_ten_times_the_documents_regional_figures(db):
    from benchmarks.data import data_size

    sizes = data_size(generate_scaled_data(10))
    assert sizes["regions"] == 47
    # 47 prefectures × 10 indicators × 3 fiscal years × 2 halves, plus 9 central indicators' halves
    assert sizes["actuals"] == 47 * 10 * 3 * 2 + 9 * 3 * 2


@pytest.mark.parametrize("page", PAGES)
def test_a_cached_page_runs_only_the_lookups_of_its_url(viewer, page, django_assert_num_queries):
    url = page_urls(2)[page]
    viewer.get(url)
    with django_assert_num_queries(CACHED_QUERIES[page]):
        response = viewer.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("page", FORECAST_PAGES)
def test_a_first_half_view_adds_only_the_forecast_read(viewer, page, django_assert_max_num_queries):
    # a forecast for every indicator of the plan: still one query, whatever their number
    Forecast.objects.bulk_create(
        Forecast(indicator=indicator, fiscal_year=2022, value=1, source="テスト")
        for indicator in Indicator.objects.filter(kpi__plan__number=2)
    )
    url = page_urls(2)[page] + "?fiscal_year=2022&half=h1"
    with django_assert_max_num_queries(MAX_QUERIES[page] + FORECAST_READ):
        response = viewer.get(url)
    assert response.status_code == 200 and "見込み" in response.content.decode()
