"""The indicator list's filters: HTML, CSV and JSON share this FilterSet."""

import django_filters
from django.utils.translation import gettext_lazy as _

from roadmaps.filters import OneValueEachForm
from roadmaps.models import Sector, Theme
from stakeholders.models import StakeholderGroup


class IndicatorFilter(django_filters.FilterSet):
    class Meta:
        form = OneValueEachForm

    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        field_name="sectors",
        to_field_name="slug",
        queryset=Sector.objects.real().order_by("order", "slug"),
        empty_label=_("Any sector"),
        # One sector per filter: the join cannot repeat an indicator.
        distinct=False,
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="targets__theme",
        to_field_name="slug",
        queryset=Theme.objects.order_by("order", "slug"),
        empty_label=_("Any theme"),
        # Several targets of one theme may link the same indicator.
        distinct=True,
    )
    stakeholder_group = django_filters.ModelChoiceFilter(
        label=_("Stakeholder group"),
        field_name="stakeholder_groups",
        to_field_name="slug",
        queryset=StakeholderGroup.objects.order_by("order", "slug"),
        empty_label=_("Any group"),
        distinct=False,
    )
