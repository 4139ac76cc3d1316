"""The plausibility rule on the database's figures (kpis/plausibility.py): the half's pace of each
kind of target, an actuals import listing flagged rows in its preview without refusing them, the
status board counting flagged lines per region."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kpis.figures import with_figures
from kpis.importing import import_file
from kpis.models import Actual, Indicator
from kpis.plausibility import expected_in, warnings_of
from kpis.resources import FileKind
from regions.demo import create_demo_users
from regions.models import Region
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

HEADER = "plan,kpi_code,region_code,indicator_code,period,year,start_year,value,note,source\n"


def indicator(region: str, kpi: str, order: int = 0) -> Indicator:
    found = with_figures(Indicator.objects.filter(kpi__plan__number=2, kpi__plan__kind="action_plan"))
    return found.filter(kpi__code=kpi, kpi__region__code=region).order_by("order", "code")[order]


@pytest.mark.parametrize(
    ("region", "kpi", "half", "expected"),
    [
        ("14", "14-1", "h1", Decimal("2.5")),  # 年5回: half a year
        ("14", "14-1", "h2", Decimal("2.5")),
        ("11", "11-1", "h1", Decimal(40) / 6),  # 40件 over FY2020–2022: six halves
    ],
)
def test_the_half_is_expected_to_bring_its_share_of_the_target(region, kpi, half, expected):
    assert expected_in(indicator(region, kpi), 2022, half) == expected


def test_a_milestone_has_no_pace_and_its_value_is_never_flagged_against_one():
    milestone = Indicator.objects.get(kpi__plan__number=2, kpi__region__code="11", target_shape="milestone")
    assert expected_in(milestone, 2022, "h1") is None
    assert warnings_of(milestone, 2022, "h1", Decimal(1)) == ()


def test_earlier_halves_are_the_indicators_own_history(settings):
    seminars = indicator("14", "14-1")
    Actual.objects.create(indicator=seminars, period="h1", year=2021, value=Decimal(2))
    Actual.objects.create(indicator=seminars, period="h2", year=2021, value=Decimal(3))
    seminars = indicator("14", "14-1")
    assert [w.check for w in warnings_of(seminars, 2022, "h1", Decimal(10))] == ["history"]
    assert [w.check for w in warnings_of(seminars, 2022, "h1", Decimal(0))] == ["drop_to_zero"]
    settings.PLAUSIBILITY_HISTORY_FACTOR = 4
    assert warnings_of(seminars, 2022, "h1", Decimal(10)) == ()


def test_an_import_lists_a_flagged_row_in_its_preview_and_imports_it_all_the_same():
    row = "2,14-1,14,1,h1,2022,,1052,,県の集計\n2,14-2,14,1,h1,2022,,1,,県の集計\n"
    data = (HEADER + row).encode()
    preview = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=True)
    assert preview.succeeded and preview.new == 2
    (flagged,) = preview.warnings
    assert flagged.line == 2 and "確認が必要な値（取り込みはできます）" in flagged.message
    assert "今期の目安（約3回）の5倍を超えています。" in flagged.message
    done = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)
    assert done.succeeded and Actual.objects.get(indicator=indicator("14", "14-1"), year=2022).value == 1052


def test_the_import_command_prints_the_flagged_rows(tmp_path, capsys):
    file = tmp_path / "actuals.csv"
    file.write_text(HEADER + "2,14-1,14,1,h1,2022,,1052,,県の集計\n", encoding="utf-8")
    call_command("import_actuals", str(file), "--dry-run")
    assert "2行目 value: 確認が必要な値（取り込みはできます）" in capsys.readouterr().out


def test_the_status_board_counts_flagged_lines_per_region(client):
    create_demo_users()
    period = open_demo_period()
    report = workflow.report_of(period, Region.objects.get(code="14"))
    first, second = report.entries.order_by("indicator__order").values_list("indicator_id", flat=True)
    inputs = {
        first: workflow.EntryInput(
            value=Decimal(13), check_cause="external", check_note="補助事業で増えた。"
        ),
        second: workflow.EntryInput(value=Decimal(3), check_cause="timing", check_note="前倒し。"),
    }
    workflow.submit(User.objects.get(username="demo-pref-14"), report, version=report.version, inputs=inputs)
    client.force_login(User.objects.get(username="demo-bureau-kanto"))
    page = client.get("/progress/status/")
    counts = {record["region"]: record["flagged"] for record in page.context["table"].data.data}
    assert counts["神奈川県"] == 2 and counts["埼玉県"] == 0
    # on screen too: the count is the row's last cell (a row's cells are written as one piece)
    screen = {row["region"]: row["cells"] for row in page.context["board"]["rows"]}
    assert screen["神奈川県"].endswith('<td class="number">2</td>')
    assert screen["埼玉県"].endswith('<td class="number">0</td>')
    assert page.context["board"]["headings"][-1] == "確認が必要な値（件）"
    csv_text = client.get("/progress/status/", {"_export": "csv"}).content.decode("utf-8-sig")
    assert "確認が必要な値（件）" in csv_text.splitlines()[0]


def test_the_admin_preview_lists_the_flagged_row_and_still_offers_to_import(admin_client):
    row = "2,14-1,14,1,h1,2022,,1052,,県の集計\n"
    upload = SimpleUploadedFile("actuals.csv", (HEADER + row).encode(), content_type="text/csv")
    preview = admin_client.post(
        reverse("admin:kpis_actual_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    page = preview.content.decode()
    assert "2行目 value: 確認が必要な値（取り込みはできます）" in page
    assert preview.context["confirm_form"] is not None  # not refused
    assert not Actual.objects.filter(indicator=indicator("14", "14-1"), year=2022).exists()
