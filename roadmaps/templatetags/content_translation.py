"""Translated content on pages: the one way a template shows a translated field.

    {% load content_translation %}
    {{ milestone|translated:"title" }}              a title, a name: inline
    {% translated_paragraphs milestone "description" %}   a description, a vision

Both show the reader's language; a missing translation shows the English text in
lang="en", marked "not yet translated"; an unreviewed translation carries a dagger,
explained in the footer (templates/_translation_legend.html) and spelt out for screen
readers (resourcing.lib.translations.render). Plain `{{ milestone.title }}` (the same
text unmarked) stays right where markup cannot go: <title>, attributes, SVG titles.
"""

from django import template
from django.template.defaultfilters import linebreaks_filter

from resourcing.lib.translations import render, shown

register = template.Library()


@register.filter
def translated(obj, field: str):
    if obj is None:
        return ""
    return render(shown(obj, field))


@register.simple_tag
def translated_paragraphs(obj, field: str):
    text = shown(obj, field)
    return render(text, linebreaks_filter(text.text, autoescape=True), block=True)
