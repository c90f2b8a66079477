"""Query parameters of the public pages: `as_of`, `format`, and the one milestone FilterSet.

HTML, CSV and JSON of a milestone list all go through `MilestoneFilter`, so they return the
same rows in the same order.
"""

import datetime
import re

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from resourcing.lib.dates import today
from resourcing.lib.languages import page_language
from roadmaps.models import Mineral, Provenance, Status, Target, Theme, ValueChainStage
from roadmaps.progress import overdue_q
from roadmaps.search import text_q
from stakeholders.models import StakeholderGroup

EARLIEST_AS_OF = datetime.date(2019, 1, 1)
FORMATS = ("html", "csv", "json")
# ASCII digits only, as ISO 8601 and every date input of the site (the admin's forms, the
# import's due_date) read them: Python's \d would also match Arabic-Indic or full-width digits.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")


class OneValueEachForm(forms.Form):
    """A single-valued parameter given twice (`?as_of=..&as_of=..`) is ambiguous: refused with
    a message naming it, rather than silently taking one of the values."""

    def clean(self):
        cleaned = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return cleaned
        for name, field in self.fields.items():
            if getattr(field.widget, "allow_multiple_selected", False):
                continue
            if len(getlist(self.add_prefix(name))) > 1:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("%(name)s is given more than once: give it once."),
                        params={"name": name},
                    ),
                )
        return cleaned


ISO_DATE_ATTRS = {
    "pattern": r"\d{4}-\d{2}-\d{2}",
    "inputmode": "numeric",
    "placeholder": "YYYY-MM-DD",
    "size": 11,
}


class PageParamsForm(OneValueEachForm):
    """`as_of` and `format`, shared by every public page and export."""

    as_of = forms.CharField(
        label=_("As of"),
        required=False,
        max_length=10,
        help_text=_("A past day as YYYY-MM-DD, from 2019-01-01 to today."),
        # A text box, not type="date": a date picker shows the browser's locale format
        # (11/29/2026) beside the ISO hint, and every link and export here writes YYYY-MM-DD.
        widget=forms.TextInput(attrs=ISO_DATE_ATTRS),
    )
    format = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, formats=FORMATS, **kwargs):
        super().__init__(*args, **kwargs)
        self.formats = formats

    def clean_as_of(self) -> datetime.date:
        raw = self.cleaned_data["as_of"].strip()
        now = today()
        if not raw:
            return now
        if not _ISO_DATE.fullmatch(raw):
            raise forms.ValidationError(_("as_of must be a date written YYYY-MM-DD."))
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("as_of is not a real date.")) from None
        if day > now:
            raise forms.ValidationError(
                _("as_of cannot be in the future (today is %(today)s)."),
                params={"today": now.isoformat()},
            )
        if day < EARLIEST_AS_OF:
            raise forms.ValidationError(
                _("as_of cannot be before %(earliest)s."),
                params={"earliest": EARLIEST_AS_OF.isoformat()},
            )
        return day

    def clean_format(self) -> str:
        value = self.cleaned_data["format"] or "html"
        if value not in self.formats:
            raise forms.ValidationError(
                _("Unknown format: use one of %(formats)s."),
                params={"formats": ", ".join(self.formats)},
            )
        return value

    @property
    def is_snapshot(self) -> bool:
        """A past day was asked for: pages say so."""
        return bool(self.is_bound and self.data.get("as_of")) and self.is_valid()

    @property
    def wants_json(self) -> bool:
        getlist = getattr(self.data, "getlist", lambda name: [self.data.get(name)])
        return getlist("format") == ["json"]


class YearOrDateField(forms.CharField):
    """YYYY or YYYY-MM-DD; a bare year means its first day, or its last with `end=True`."""

    def __init__(self, *args, end=False, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)
        self.end = end

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        value = value.strip()
        if _YEAR.fullmatch(value):
            year = int(value)
            if year < 1:
                raise forms.ValidationError(_("Enter a year as YYYY or a date as YYYY-MM-DD."))
            return datetime.date(year, 12, 31) if self.end else datetime.date(year, 1, 1)
        if _ISO_DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise forms.ValidationError(_("Enter a year as YYYY or a date as YYYY-MM-DD."))


class YesNoField(django_filters.fields.ChoiceField):
    """yes/no, and true/false as the exports write booleans (any case)."""

    ALIASES = {"true": "yes", "false": "no"}

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str):
            value = value.strip().lower()
            value = self.ALIASES.get(value, value)
        return value


class YesNoFilter(django_filters.ChoiceFilter):
    field_class = YesNoField


class YearOrDateFilter(django_filters.Filter):
    field_class = YearOrDateField


# Workflow order, so "ordering=status" reads like a work queue rather than the alphabet.
STATUS_RANK = Case(
    *[When(status_as_of=value, then=Value(rank)) for rank, value in enumerate(Status.values)],
    default=Value(len(Status.values)),
    output_field=IntegerField(),
)
ORDERINGS = {
    "due_date": ["due_date", "code"],
    "-due_date": ["-due_date", "code"],
    "code": ["code"],
    "status": [STATUS_RANK, "code"],
}
DEFAULT_ORDERING = ORDERINGS["due_date"]


class MilestoneFilter(django_filters.FilterSet):
    """The milestone list's filters; the queryset must be annotated with `status_as_of`."""

    class Meta:
        form = OneValueEachForm

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=200,
        help_text=_("Text in the code, title or description."),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        field_name="status_as_of",
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        # A column of the milestone itself (no join): no DISTINCT, which would sort every
        # matching row on all its columns (seen in make bench's EXPLAIN).
        distinct=False,
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="target__theme",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        empty_label=_("Any theme"),
    )
    target = django_filters.ModelChoiceFilter(
        label=_("Target"),
        field_name="target",
        to_field_name="code",
        queryset=Target.objects.all(),
        empty_label=_("Any target"),
    )
    stakeholder_group = django_filters.ModelChoiceFilter(
        label=_("Stakeholder group"),
        field_name="stakeholder_groups",
        to_field_name="slug",
        queryset=StakeholderGroup.objects.all(),
        empty_label=_("Any group"),
        # One group per filter: the join cannot repeat a milestone, so no DISTINCT.
        distinct=False,
    )
    due_from = YearOrDateFilter(
        label=_("Due from"),
        field_name="due_date",
        lookup_expr="gte",
        help_text=_("YYYY or YYYY-MM-DD"),
    )
    due_to = YearOrDateFilter(
        label=_("Due to"),
        field_name="due_date",
        lookup_expr="lte",
        help_text=_("YYYY or YYYY-MM-DD"),
        end=True,
    )
    overdue = YesNoFilter(
        label=_("Overdue"),
        method="filter_overdue",
        choices=[("yes", _("Yes")), ("no", _("No"))],
        empty_label=_("Either"),
    )
    provenance = django_filters.ChoiceFilter(
        label=_("Provenance"), choices=Provenance.choices, empty_label=_("Any provenance")
    )
    # One mineral or stage per filter: the join cannot repeat a milestone, so no DISTINCT.
    # `null` picks the milestones linked to none.
    mineral = django_filters.ModelChoiceFilter(
        label=_("Mineral"),
        field_name="minerals",
        to_field_name="slug",
        queryset=Mineral.objects.order_by("name_en", "slug"),
        empty_label=_("Any mineral"),
        null_label=_("No mineral given"),
        distinct=False,
    )
    stage = django_filters.ModelChoiceFilter(
        label=_("Value-chain stage"),
        field_name="stages",
        to_field_name="slug",
        queryset=ValueChainStage.objects.order_by("order", "slug"),
        empty_label=_("Any stage"),
        null_label=_("No stage given"),
        distinct=False,
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Order by"),
        method="filter_ordering",
        choices=[
            ("due_date", _("Due date, earliest first")),
            ("-due_date", _("Due date, latest first")),
            ("code", _("Code")),
            ("status", _("Status")),
        ],
        empty_label=None,
    )

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        as_of,
        targets=None,
        fixed_group=False,
        fixed_mineral=False,
        **kwargs,
    ):
        super().__init__(data, queryset.order_by(*DEFAULT_ORDERING), **kwargs)
        self.as_of = as_of
        if fixed_group:
            # A stakeholder group's own page: its group is already chosen.
            del self.filters["stakeholder_group"]
        if fixed_mineral:
            # A mineral's own page: its mineral is already chosen.
            del self.filters["mineral"]
        if targets is not None:
            self.filters["target"].queryset = targets
            self.form.fields["target"].queryset = targets
        if not fixed_group:
            self.form.fields["stakeholder_group"].queryset = StakeholderGroup.objects.order_by(
                "order", "slug"
            )
        self.form.fields["target"].label_from_instance = lambda target: target.code
        self.form.fields["due_from"].widget.attrs.update({"inputmode": "numeric"})
        self.form.fields["due_to"].widget.attrs.update({"inputmode": "numeric"})

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # In English and in the reader's language, as /search/ reads them: the page's, also
        # when its CSV or JSON is written in English, so that they hold the list's rows.
        return queryset.filter(text_q(value, language=page_language()))

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(overdue_q(self.as_of))
        return queryset.exclude(overdue_q(self.as_of))

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])
