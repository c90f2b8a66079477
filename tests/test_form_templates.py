"""templates/django/forms/ writes out the templates Django includes per option and per
attribute (FORM_RENDERER): every widget renders exactly Django's own markup."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting

CHOICES = [
    ("", "---------"),
    ("a", "Alpha & <b>"),
    ("Group", [("b", "Beta"), ("c", 'Gamma "quoted"')]),
    (4, "Four"),
]


class _CustomOption(forms.Select):
    option_template_name = "django/forms/widgets/select_option.html"


class _Every(forms.Form):
    text = forms.CharField(
        label="Text <i>", widget=forms.TextInput(attrs={"placeholder": "x", "required": True})
    )
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"disabled": False}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    one = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"class": "c"}))
    many = forms.MultipleChoiceField(choices=CHOICES, widget=forms.SelectMultiple)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    flag = forms.BooleanField(required=False)
    custom = forms.ChoiceField(choices=CHOICES, widget=_CustomOption)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": "<script>", "one": "a", "many": ["b", "4"], "radio": "c", "boxes": ["a", "b"]},
        {"number": "x", "day": "never", "one": "nope"},
    ],
)
def test_every_widget_renders_as_djangos_own_templates(settings, data):
    assert settings.FORM_RENDERER == "django.forms.renderers.TemplatesSetting"
    ours = _Every(data, renderer=TemplatesSetting(), auto_id="id_%s")
    djangos = _Every(data, renderer=DjangoTemplates(), auto_id="id_%s")

    assert str(ours) == str(djangos)
    for name in _Every.base_fields:
        assert str(ours[name]) == str(djangos[name]), name
        assert ours[name].label_tag() == djangos[name].label_tag(), name
    assert "Alpha &amp; &lt;b&gt;</option>" in str(ours["one"])  # escaped, as Django does
