"""The search page's highlighting: every piece escaped, the searched words in <mark>."""

from django import template
from django.utils.translation import gettext_lazy as _

from roadmaps import search

register = template.Library()

KIND_LABELS = {
    "sectors": _("Sectors"),
    "targets": _("Targets"),
    "milestones": _("Milestones"),
    "indicators": _("Indicators"),
}


@register.simple_tag
def kind_label(kind):
    return KIND_LABELS.get(kind, kind)


@register.simple_tag
def highlighted(text, words):
    return search.highlight(text, words)


@register.simple_tag
def highlighted_snippet(text, words):
    return search.highlight(search.snippet(text, words), words)


@register.filter
def render_shown(text):
    return search.render(text)


@register.simple_tag
def highlighted_shown(text, words):
    """A result's title in the reader's language (or English, marked), words in <mark>."""
    return search.highlight_shown(text, words)


@register.simple_tag
def highlighted_shown_snippet(text, words):
    return search.highlight_shown(text, words, snippet_only=True)
