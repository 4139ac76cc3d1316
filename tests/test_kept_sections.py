"""The block page's region sections kept rendered (reports/dashboards/kept_sections.py): after a change
only the sections whose rows changed are written again, and a page made of kept sections is the same
page as one computed with nothing kept."""

import re
from decimal import Decimal

import pytest
from cachetools import LRUCache
from django.core.cache import cache

from kpis.models import Actual, Indicator, Kpi
from regions.models import Region
from reports.dashboards import judged_memo, kept_sections

pytestmark = pytest.mark.django_db

KANTO_2022 = "/dashboard/2/blocks/kanto/?fiscal_year=2022"
KANTO_REGIONS = 11  # 002 関東ブロック: 茨城県 … 静岡県


def page(client, url=KANTO_2022) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def computed_afresh(client, url=KANTO_2022) -> str:
    """The page as a new worker computes it: no page cached, no judgement or section kept."""
    cache.clear()
    judged_memo.clear()
    kept_sections.clear()
    return page(client, url)


def region_section(html: str, code: str) -> str:
    match = re.search(rf'<section[^>]*id="region-{code}".*?</section>', html, flags=re.S)
    assert match, code
    return match.group(0)


def kanagawa_seminars() -> Indicator:
    """002 神奈川県 14-1 知財セミナー (年5回)."""
    return Indicator.objects.get(kpi__plan__number=2, kpi__region__code="14", kpi__code="14-1")


def test_after_a_change_only_the_changed_regions_section_is_written_again(viewer):
    before = page(viewer)
    assert kept_sections.entries() == KANTO_REGIONS
    Actual.objects.create(indicator=kanagawa_seminars(), period="fy", year=2022, value=Decimal(7))

    after = page(viewer)

    # 神奈川県's rows changed: one section more; the ten others were read back as they were
    assert kept_sections.entries() == KANTO_REGIONS + 1
    assert region_section(after, "14") != region_section(before, "14")
    assert "140% 〇" in region_section(after, "14")  # 7 of 5 seminars
    assert region_section(after, "13") == region_section(before, "13")
    assert after == computed_afresh(viewer)


def test_a_kpi_text_changed_is_shown_though_no_figure_changed(viewer):
    kanagawa = Region.objects.get(code="14")
    kpi = Kpi.objects.create(
        plan_id=kanagawa_seminars().kpi.plan_id,
        code="14-99",
        level=Kpi.Level.REGIONAL,
        region=kanagawa,
        kind=Kpi.Kind.ACTIVITY,
        title="知財相談会",
        text="相談会を開く（数値目標は来年度に公表）",
    )
    assert "来年度に公表" in region_section(page(viewer), "14")
    kpi.text = "相談会を毎月開く（数値目標は検討中）"
    kpi.save()
    # a test is one transaction, which raises the data version once (reports/dashboards/versions.py):
    # the page itself is let go as a commit would; its sections stay kept
    cache.clear()

    assert "毎月開く" in region_section(page(viewer), "14")


def test_a_page_with_another_query_keeps_its_own_sections(viewer):
    page(viewer)
    filtered = page(viewer, KANTO_2022 + "&status=not_reported")

    assert kept_sections.entries() == 2 * KANTO_REGIONS
    # the download links of each section carry the page's own query
    links = re.findall(r'href="\?([^"]*)_export=csv&amp;table=region-', filtered)
    assert links and all(link == "fiscal_year=2022&amp;status=not_reported&amp;" for link in links)
    assert filtered == computed_afresh(viewer, KANTO_2022 + "&status=not_reported")


def test_what_is_kept_stays_within_its_bound(viewer, monkeypatch):
    monkeypatch.setattr(kept_sections, "_kept", LRUCache(maxsize=40_000, getsizeof=len))
    html = page(viewer)

    assert 0 < kept_sections.size_bytes() <= 40_000
    assert kept_sections.entries() < KANTO_REGIONS
    assert html == computed_afresh(viewer)
    for code in ("08", "13", "14", "22"):
        region_section(html, code)  # every region shown, kept or not
