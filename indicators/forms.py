import re

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.services import parse_value
from roadmaps.filters import ISO_DATE_ATTRS
from roadmaps.forms import MAX_VERSION, EvidenceURLField
from roadmaps.models import CSV_TEXT, NOTE_MAX_LENGTH

_PERIOD = re.compile(r"(\d{4})(?:-(\d{2}))?")


def parse_period(raw: str) -> tuple[int, int]:
    """ "2024" -> (2024, 0); "2024-03" -> (2024, 3). Raises ValueError with the message."""
    match = _PERIOD.fullmatch((raw or "").strip())
    if not match:
        raise ValueError(_("Write the period as a year, YYYY, or a month, YYYY-MM."))
    year, month = int(match.group(1)), int(match.group(2) or 0)
    if match.group(2) and not 1 <= month <= 12:
        raise ValueError(_("%(month)s is not a month (01-12).") % {"month": match.group(2)})
    return year, month


class MeasurementForm(forms.Form):
    """A steward's new value (or revision) of one period, with the indicator version read."""

    period = forms.CharField(
        label=_("Period"), max_length=7, help_text=_("The year, YYYY (or YYYY-MM for a month).")
    )
    value = forms.CharField(
        label=_("Value"), max_length=30, help_text=_("A number with a dot, e.g. 25.2.")
    )
    is_provisional = forms.BooleanField(label=_("Provisional"), required=False)
    is_estimated = forms.BooleanField(label=_("Estimated (not measured)"), required=False)
    is_break_in_series = forms.BooleanField(label=_("Break in series"), required=False)
    published_on = forms.DateField(
        label=_("Published on"),
        help_text=_("The day the value became public, YYYY-MM-DD."),
        widget=forms.TextInput(attrs=ISO_DATE_ATTRS),
    )
    source_url = EvidenceURLField(help_text=_("Where the value is published (http or https)."))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        # Measurement.note's: the note reaches the indicators CSV.
        validators=CSV_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_url"].label = _("Source URL")

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_value(self):
        try:
            return parse_value(self.cleaned_data["value"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
