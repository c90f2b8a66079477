from django import forms
from django.utils.translation import gettext_lazy as _

from resourcing.lib.validators import validate_no_control_characters
from roadmaps.models import NOTE_MAX_LENGTH


class ReturnForm(forms.Form):
    """A reviewer sends a proposal back: what should change, e-mailed to its proposer."""

    comment = forms.CharField(
        label=_("Comment to the proposer"),
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required. What should change; e-mailed to the proposer."),
    )
