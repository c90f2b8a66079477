from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from resourcing.lib.translations import canonical_language, translation_columns
from resourcing.lib.validators import http_url_validator, validate_no_control_characters
from roadmaps.models import (
    EARLIEST_DUE_DATE,
    LATEST_DUE_DATE,
    NOTE_MAX_LENGTH,
    Milestone,
    Status,
)

# Milestone.version is a PositiveIntegerField: a larger number cannot be a version read.
MAX_VERSION = 2_147_483_647


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden input the admin's fieldset row gives no <label for=...>: a label may only
    point at a visible control (Nu HTML checker)."""

    def id_for_label(self, id_):
        return None


class EvidenceURLField(forms.URLField):
    """An optional http(s) link to the evidence, with one message that says what is wrong.

    http_url_validator replaces Django's URLValidator (which would report the same problem a
    second time); the control-character check is the one MilestoneUpdate.evidence_url makes.
    "invalid" says what a valid value looks like.
    """

    default_validators = [http_url_validator, validate_no_control_characters]
    default_error_messages = {
        "invalid": _("Enter a complete web address starting with http:// or https://, no spaces.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Evidence URL"))
        super().__init__(required=False, max_length=500, assume_scheme="https", **kwargs)


class TranslatedContentForm(forms.ModelForm):
    """A form of translated content (the admin's): the unsuffixed fields (`title`) are the
    English ones whatever language the admin speaks, each translation has its own column
    (`title_es`, `translation_status_es`), and a translation column the submitted form does
    not carry keeps its stored value."""

    def __init__(self, *args, **kwargs):
        with canonical_language():  # the initial `title` is the English one
            super().__init__(*args, **kwargs)
        for name in translation_columns(self._meta.model):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in translation_columns(self._meta.model):
            field = self.fields.get(name)
            if field is not None and field.widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix(name)
            ):
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def _post_clean(self):
        with canonical_language():  # `title` sets and validates the English column
            super()._post_clean()


class MilestoneAdminForm(TranslatedContentForm):
    """The admin's milestone form: a status change needs a note, like the staff form."""

    # The target's autocomplete select starts on the chosen target, which HTML forbids on a
    # `required` select (Nu HTML checker); the server checks every field either way.
    use_required_attribute = False

    status_note = forms.CharField(
        label=_("Note on the status change"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the status changes; shown publicly in the history."),
    )
    evidence_url = EvidenceURLField(
        help_text=_("Optional link to the evidence for the status change (http or https)."),
    )
    expected_version = forms.IntegerField(
        widget=UnlabelledHiddenInput, required=False, min_value=1, max_value=MAX_VERSION
    )
    # A new due date is a deadline change (record_deadline_change): kept in the public
    # history with its reason, like a status change with its note.
    deadline_reason = forms.CharField(
        label=_("Reason for the new due date"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the due date changes (e.g. the act that postponed it); shown "
            "publicly in the history."
        ),
    )
    deadline_evidence_url = EvidenceURLField(
        help_text=_("Optional link to the evidence for the new due date (http or https)."),
    )

    class Meta:
        model = Milestone
        fields = [
            "target",
            "code",
            "title",
            "description",
            "due_date",
            "is_project_event",
            "stakeholder_groups",
            "status",
            "source_title",
            "source_url",
            "provenance",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    # Set by clean() when the milestone changed since the form was read: the stored row.
    conflict = None

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None and expected != self.instance.version:
            self._come_back_with_newer_values()
            return cleaned
        if "status" in self.changed_data and not (cleaned.get("status_note") or "").strip():
            self.add_error("status_note", _("Say why the status changes: a note is required."))
        if (
            self.instance.pk
            and "due_date" in self.changed_data
            and not (cleaned.get("deadline_reason") or "").strip()
        ):
            self.add_error(
                "deadline_reason", _("Say why the due date changes: a reason is required.")
            )
        return cleaned

    def _come_back_with_newer_values(self):
        """The form is shown again with the stored values and version, as the staff form
        does on a conflict: saving it again means deciding against what is there now."""
        self.conflict = self.instance
        data = self.data.copy()
        stored = forms.models.model_to_dict(self.instance, fields=self._meta.fields)
        for name, value in stored.items():
            if name not in self.fields:
                continue  # read-only for this user: shown from the instance anyway
            if isinstance(value, list):
                data.setlist(self.add_prefix(name), [str(getattr(v, "pk", v)) for v in value])
            else:
                data[self.add_prefix(name)] = "" if value is None else str(value)
        data[self.add_prefix("expected_version")] = str(self.instance.version)
        self.data = data
        self.add_error(None, conflict_message(self.instance))


def conflict_message(milestone: Milestone) -> str:
    """What the admin's milestone form says when the milestone changed since it was read."""
    return _(
        "%(code)s was changed by someone else while you edited it (now version %(version)s, "
        "%(status)s). Nothing was saved; the form shows the current values: review them and "
        "save again."
    ) % {
        "code": milestone.code,
        "version": milestone.version,
        "status": milestone.get_status_display(),
    }


class DeadlineChangeForm(forms.Form):
    """The staff re-dating form: a new due date with a required reason, optional evidence,
    the version read. The date's range and the reason are checked again by
    record_deadline_change, which names the same fields."""

    due_date = forms.DateField(
        label=_("New due date"),
        validators=[
            MinValueValidator(EARLIEST_DUE_DATE),
            MaxValueValidator(LATEST_DUE_DATE),
        ],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_('YYYY-MM-DD, from 2020-01-01 to 2050-12-31. "By 2030" is 2030-12-31.'),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Required. Why the deadline moves (e.g. the act that postponed it); shown publicly "
            "in the history."
        ),
    )
    evidence_url = EvidenceURLField(
        help_text=_("Optional link to the evidence (http or https), shown publicly."),
    )
    # The milestone version the steward read: a newer one means the milestone changed in
    # between, and the re-dating is refused with the newer due date.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)


class StatusUpdateForm(forms.Form):
    """The staff form: a new status with a required note, optional evidence, the version read."""

    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required. What changed and why; shown publicly in the history."),
    )
    evidence_url = EvidenceURLField(
        help_text=_("Optional link to the evidence (http or https), shown publicly."),
    )
    # The milestone version the steward read: a newer one means the milestone changed in
    # between (its status or its content), and the update is refused with the newer values.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)
