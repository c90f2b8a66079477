"""Absolute addresses for other sites, and the "Use this" panel of the public pages."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """`path` on the host and scheme this request came to (other sites need the full address)."""
    return context["request"].build_absolute_uri(path)


@register.inclusion_tag("reuse/_use_this.html", takes_context=True)
def use_this(context, kind: str, key: str, name: str):
    """Copy-paste Markdown and HTML for the badge (and the embed, where there is one) of a
    sector (`kind` "sector", key its slug), a milestone or an indicator (key its code)."""
    request = context["request"]
    page = {
        "sector": "roadmaps:sector-dashboard",
        "milestone": "roadmaps:milestone-detail",
        "indicator": "indicators:indicator-detail",
    }[kind]
    embed = {"sector": "reuse:embed-sector", "indicator": "reuse:embed-indicator"}.get(kind)
    page_url = request.build_absolute_uri(reverse(page, args=[key]))
    badge_url = request.build_absolute_uri(reverse(f"reuse:{kind}-badge", args=[key]))
    alt = _("%(name)s: status badge from the RE-SOURCING Roadmap Tracker") % {"name": name}
    snippets = {
        "badge_markdown": f"[![{alt}]({badge_url})]({page_url})",
        "badge_html": f'<a href="{page_url}"><img src="{badge_url}" alt="{alt}"></a>',
    }
    if embed:
        embed_url = request.build_absolute_uri(reverse(embed, args=[key]))
        title = _("%(name)s on the RE-SOURCING Roadmap Tracker") % {"name": name}
        snippets["embed_html"] = (
            f'<iframe src="{embed_url}" title="{title}" width="100%" height="480" '
            f'loading="lazy"></iframe>'
        )
        snippets["embed_markdown"] = f"[{title}]({page_url})"
        snippets["embed_url"] = embed_url
    return {"kind": kind, "badge_url": badge_url, **snippets}
