"""Dashboard filters (django-filter). Year, half and status pick what is judged and shown; stage and
core-only narrow the indicators fetched. A block is chosen by its own page."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.models import Indicator, Kpi
from kpis.rules.status import Progress, Status
from plans.fiscal import HALF_LABELS, fiscal_year_label, half_with_months

HALF_CHOICES = [(half, half_with_months(half)) for half in HALF_LABELS]
# The documents' marks of a final result, then the progress words; 未報告 is one choice for both
# (Progress.NOT_REPORTED has Status.NOT_REPORTED's value).
STATUS_CHOICES = list(
    {status.value: (status.value, status.label) for status in (*Status, *Progress)}.values()
)


def _keep(queryset, name, value):
    """Filters whose value the view reads after judging (year, half, status) leave the query alone."""
    return queryset


class IndicatorFilter(django_filters.FilterSet):
    fiscal_year = django_filters.TypedChoiceFilter(label=_("年度"), method=_keep, coerce=int)
    half = django_filters.ChoiceFilter(
        label=_("期間"), choices=HALF_CHOICES, method=_keep, empty_label=_("年度全体")
    )
    stage = django_filters.ChoiceFilter(
        label=_("知財活用ステージ"),
        field_name="kpi__stage",
        choices=Kpi.Stage.choices,
        empty_label=_("すべて"),
    )
    status = django_filters.ChoiceFilter(
        label=_("達成状況"), choices=STATUS_CHOICES, method=_keep, empty_label=_("すべて")
    )
    preliminary = django_filters.BooleanFilter(
        label=_("速報（提出済み・未承認の報告）を含める"), method=_keep, widget=forms.CheckboxInput
    )
    core_only = django_filters.BooleanFilter(
        label=_("基幹指標のみ"), method="filter_core_only", widget=forms.CheckboxInput
    )

    class Meta:
        model = Indicator
        fields = []

    def __init__(self, data=None, *args, plan, default_year: int, only: tuple[str, ...] = (), **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("fiscal_year"):
            data["fiscal_year"] = str(default_year)
        super().__init__(data, *args, **kwargs)
        self.filters["fiscal_year"].extra["choices"] = [(y, fiscal_year_label(y)) for y in plan.fiscal_years]
        for name in list(self.filters):
            if only and name not in only:
                del self.filters[name]

    def filter_core_only(self, queryset, name, value):
        return queryset.filter(kpi__kind=Kpi.Kind.CORE) if value else queryset

    def choice(self, name: str, default=None):
        """A cleaned value of a filter the view applies itself (after `is_valid()`)."""
        self.form.is_valid()  # invalid fields drop out of cleaned_data; the form shows their errors
        return self.form.cleaned_data.get(name) or default
