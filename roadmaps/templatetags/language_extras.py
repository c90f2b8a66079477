"""The language switcher and the hreflang alternates of every page (resourcing/lib/languages.py)."""

from django import template
from django.conf import settings

from resourcing.lib import languages

register = template.Library()


@register.inclusion_tag("_language_switcher.html", takes_context=True)
def language_switcher(context, home=False):
    """Links to this page in every language; with `home`, to each language's overview."""
    return {"links": languages.language_links(context.get("request"), home=home)}


@register.inclusion_tag("_language_alternates.html", takes_context=True)
def language_alternates(context):
    """<link rel="alternate" hreflang> for every language, and x-default: the English page."""
    links = languages.language_links(context["request"])
    default = next(link for link in links if link["code"] == settings.LANGUAGE_CODE)
    return {"links": links, "default": default}


@register.simple_tag
def language_home():
    """The overview in the page's language (for layouts that may not use {% url %})."""
    return languages.home_url()


@register.simple_tag
def data_url(viewname, *args):
    """A language-neutral endpoint's one address (Atom feeds, data files, the API document):
    unprefixed on every language's page, as {% url %} would not be."""
    return languages.data_reverse(viewname, args=args)
