"""Every database constraint a form can hit answers in Japanese next to its field (regions/constraints.py):
never 「制約 “plan_span_not_reversed” に違反しています。」 above the form."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms import modelform_factory

from kpis.models import Kpi
from plans.models import Plan, ReportedResult
from regions.constraints import FIELD_OF, on_fields
from regions.demo import create_demo_users
from regions.models import Affiliation, Block, Region

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
RAW = "制約 “"


def portal_constraints():
    for model in apps.get_models():
        if model._meta.app_label in {"regions", "plans", "kpis", "reports"}:
            for constraint in model._meta.constraints:
                yield model, constraint


@pytest.mark.parametrize(
    ("model", "constraint"),
    list(portal_constraints()),
    ids=lambda item: getattr(item, "name", getattr(item, "__name__", "")),
)
def test_every_constraint_has_a_japanese_message_and_a_field_of_its_model(model, constraint):
    assert constraint.violation_error_message != constraint.default_violation_error_message
    assert JAPANESE.search(str(constraint.violation_error_message))
    assert constraint.violation_error_code == constraint.name
    field = FIELD_OF[constraint.name]
    assert field in {f.name for f in model._meta.get_fields()}
    if isinstance(constraint, models.UniqueConstraint):
        assert field in constraint.fields


def test_there_are_constraints_to_check():
    assert len(list(portal_constraints())) >= 40


def test_a_constraint_message_moves_to_its_field_unless_the_field_is_not_validated():
    error = ValidationError(
        {NON_FIELD_ERRORS: [ValidationError("終了年度は…", code="plan_span_not_reversed"), "他の誤り"]}
    )
    moved = on_fields(error, exclude=set())
    assert moved.message_dict == {"end_fiscal_year": ["終了年度は…"], NON_FIELD_ERRORS: ["他の誤り"]}
    kept = on_fields(error, exclude={"end_fiscal_year"})
    assert kept.message_dict == {NON_FIELD_ERRORS: ["終了年度は…", "他の誤り"]}


# --- model forms (what the admin and the portal's forms build on) ---------------------------------


@pytest.mark.django_db
def test_a_reversed_plan_span_is_a_field_message():
    form_class = modelform_factory(
        Plan, fields=["number", "kind", "name", "start_fiscal_year", "end_fiscal_year"]
    )
    form = form_class(
        data={
            "number": 9,
            "kind": "action_plan",
            "name": "第9次",
            "start_fiscal_year": 2030,
            "end_fiscal_year": 2028,
        }
    )
    assert not form.is_valid()
    assert form.errors == {
        "end_fiscal_year": ["終了年度は、開始年度と同じか、それより後の年度にしてください。"]
    }


@pytest.mark.django_db
def test_a_programme_numbered_unlike_its_year_is_a_field_message():
    form_class = modelform_factory(
        Plan, fields=["number", "kind", "name", "start_fiscal_year", "end_fiscal_year"]
    )
    form = form_class(
        data={
            "number": 2030,
            "kind": "programme",
            "name": "事業",
            "start_fiscal_year": 2031,
            "end_fiscal_year": 2031,
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["number"]
    assert "事業では開始年度と同じ数" in form.errors["number"][0]


@pytest.mark.django_db
def test_a_second_kpi_with_the_same_code_is_a_field_message():
    existing = Kpi.objects.filter(plan__number=2, code="14-1").get()
    form_class = modelform_factory(Kpi, fields=["plan", "code", "level", "region", "kind", "title", "text"])
    form = form_class(
        data={
            "plan": existing.plan_id,
            "code": "14-1",
            "level": "regional",
            "region": existing.region_id,
            "kind": existing.kind,
            "title": "重複",
            "text": "重複",
        }
    )
    assert not form.is_valid()
    assert form.errors["code"] == ["この行動計画には、同じKPIコードのKPIが既にあります。"]


@pytest.mark.django_db
def test_a_regional_kpi_without_a_region_is_a_field_message():
    form_class = modelform_factory(Kpi, fields=["plan", "code", "level", "region", "kind", "title", "text"])
    form = form_class(
        data={
            "plan": Plan.objects.get(number=2).pk,
            "code": "99-1",
            "level": "regional",
            "region": "",
            "kind": "activity",
            "title": "地域なし",
            "text": "地域なし",
        }
    )
    assert not form.is_valid()
    assert form.errors == {"region": ["地域KPIには地域を選び、中央KPIでは地域を空欄にしてください。"]}


@pytest.mark.django_db
def test_an_affiliation_with_both_a_block_and_a_region_is_a_field_message():
    user = User.objects.create_user("both", password="x")
    form = modelform_factory(Affiliation, fields=["user", "block", "region"])(
        data={
            "user": user.pk,
            "block": Block.objects.get(code="kanto").pk,
            "region": Region.objects.get(code="14").pk,
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["region"]


# --- the admin, posted as a person would ----------------------------------------------------------


def form_data(response) -> dict:
    """What the admin's change page would post back unchanged: the form's and each inline's values."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def admin_client(client, db):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-admin"))
    return client


def test_the_admin_shows_a_reversed_plan_span_next_to_the_end_year(admin_client):
    plan = Plan.objects.get(number=2)
    url = f"/admin/plans/plan/{plan.pk}/change/"
    data = form_data(admin_client.get(url))
    data["end_fiscal_year"] = plan.start_fiscal_year - 1

    response = admin_client.post(url, data)

    assert response.status_code == 200  # the form again, nothing saved
    form = response.context["adminform"].form
    assert form.errors == {
        "end_fiscal_year": ["終了年度は、開始年度と同じか、それより後の年度にしてください。"]
    }
    page = response.content.decode()
    assert RAW not in page and "plan_span_not_reversed" not in page
    plan.refresh_from_db()
    assert plan.end_fiscal_year > plan.start_fiscal_year


def test_the_admin_shows_achieved_items_over_the_total_next_to_their_field(admin_client):
    result = ReportedResult.objects.first()
    url = f"/admin/plans/reportedresult/{result.pk}/change/"
    data = form_data(admin_client.get(url))
    data["items_achieved"] = result.items_total + 1

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "items_achieved": ["達成項目数は、項目数以下にしてください。"]
    }
    assert RAW not in response.content.decode()
