"""Every model is in the admin, and its pages open for an administrator with the real data."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from kpis.models import Indicator, Kpi, Revision
from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.models import CentralEntry, DecisionItem, Forecast, LiaisonMeeting
from reports.progress.demo import open_demo_period
from reports.progress.workflow import report_of

PORTAL_APPS = {"regions", "plans", "kpis", "reports"}
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in PORTAL_APPS
)


@pytest.fixture
def admin_client_(db, client):
    client.force_login(User.objects.create_superuser("admin-test", "admin@example.go.jp", "x"))
    return client


def test_every_portal_model_is_registered_in_the_admin():
    from django.apps import apps

    # History tables are read through their model's history page, not registered themselves; the
    # dashboards' data versions and the indicators' figures stamps belong to the running service, like
    # the cache, and nobody edits them.
    models = {
        (m._meta.app_label, m._meta.model_name)
        for m in apps.get_models()
        if m._meta.app_label in PORTAL_APPS
        and not m._meta.model_name.startswith("historical")
        and m._meta.model_name not in ("dataversion", "figuresstamp")
    }
    assert models == set(REGISTERED)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_and_add_pages_open(admin_client_, app_label, model_name):
    assert admin_client_.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    assert admin_client_.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_change_page_of_a_loaded_object_opens(admin_client_, app_label, model_name):
    model = next(
        m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)
    )
    create_demo_users()  # the only source of affiliations
    workflow_records()
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"no {model_name} in the data"
    response = admin_client_.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_the_admin_index_lists_the_plans_in_japanese(admin_client_):
    response = admin_client_.get(reverse("admin:plans_plan_changelist"))
    content = response.content.decode()
    assert "第2次地域知財活性化行動計画" in content
    assert "第3次地域知財活性化行動計画" in content
    assert "行動計画" in admin_client_.get(reverse("admin:index")).content.decode()


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(reverse("admin:plans_plan_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_current_dashboard_is_the_plan_in_force(admin_client_):
    # The home page of central staff is their work list; its dashboard link opens the plan in force.
    assert admin_client_.get("/").status_code == 200
    response = admin_client_.get(reverse("reports:current"), follow=True)
    # Today (FY2026) is after the 3rd plan (FY2023–2025): the last plan is the one shown.
    assert response.redirect_chain[-1][0] == reverse("reports:national", args=[3])
    assert "知財KPIポータル" in response.content.decode()


def workflow_records() -> None:
    """One record of each workflow model: the documents' data has none."""
    report_of(open_demo_period(), Region.objects.get(code="14"))
    central = Indicator.objects.filter(kpi__plan__number=2, kpi__level=Kpi.Level.CENTRAL).first()
    CentralEntry.objects.create(indicator=central, period="fy", fiscal_year=2022, value=1)
    Forecast.objects.create(indicator=central, fiscal_year=2022, value=1, source="テスト")
    Revision.objects.create(kpi=central.kpi, effective_fiscal_year=2022, reason="テスト")
    meeting = LiaisonMeeting.objects.create(
        block=Block.objects.get(code="kanto"),
        fiscal_year=2022,
        title="会議",
        held_on=timezone.localdate(),
        as_of=timezone.now(),
    )
    DecisionItem.objects.create(meeting=meeting, content="宿題", owner="bureau", due_on=timezone.localdate())


@pytest.fixture
def central_staff_client(db, client):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-jpo"))
    return client


def test_central_staff_assign_users_to_roles_and_regions(central_staff_client):
    officer = User.objects.get(username="demo-pref-14")
    page = central_staff_client.get(reverse("admin:auth_user_change", args=[officer.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="groups"' in content
    assert 'name="affiliation-0-region"' in content
    # Administrator rights and single permissions are for administrators only.
    assert 'name="is_superuser"' not in content
    assert 'name="user_permissions"' not in content


def test_central_staff_do_not_see_administrators_accounts(central_staff_client):
    administrator = User.objects.get(username="demo-admin")
    listing = central_staff_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "demo-pref-14" in listing
    assert "demo-admin" not in listing
    page = central_staff_client.get(reverse("admin:auth_user_change", args=[administrator.pk]))
    assert page.status_code in (302, 404)


def test_officers_have_no_admin(client, db):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-pref-14"))
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
