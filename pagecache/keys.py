"""Canonical URLs: which query strings a cached page may be stored under.

Every distinct query string used to be a new cache entry, so anyone could grow the shared
cache at will. Now a page is looked up and stored under its canonical query only: the
parameters sorted, empty ones dropped (every public page reads an empty value as an absent
one: `as_of=` is today, `format=` is HTML, an empty filter filters nothing). A query with a
parameter the page does not take is still answered (the views ignore it, as links from other
sites add `utm_source` and the like), but rendered each time and never stored: leaving such
parameters out of the key instead would be right only as long as this list and the views
agree, and a page that learned a new parameter would then be served from the wrong entry.
Invalid values answer 400, which is never stored. So the cached entries are bounded by the
pages and the values they accept, and memory by the cache's own limit whatever is sent.
"""

import functools
from urllib.parse import urlencode

from django.urls import Resolver404, resolve


@functools.cache
def page_parameters() -> dict[str, frozenset[str]]:
    """URL name -> the query parameters that page takes (read from its forms and filters).

    A page missing here is stored only when asked for without a query string.
    """
    from indicators.filters import IndicatorFilter
    from roadmaps.filters import MilestoneFilter, PageParamsForm

    page = frozenset(PageParamsForm.base_fields)  # as_of, format
    filters = frozenset(MilestoneFilter.base_filters)
    return {
        "roadmaps:overview": page,
        "roadmaps:sector-dashboard": page,
        "roadmaps:milestone-detail": page,
        "roadmaps:milestone-list": page | filters | {"page"},
        # A group's own page fixes its group: `stakeholder_group` is not one of its filters.
        "stakeholders:group-detail": page | (filters - {"stakeholder_group"}) | {"page"},
        "roadmaps:open-data": frozenset({"format"}),
        "roadmaps:mineral-index": page,
        # A mineral's own page fixes its mineral.
        "roadmaps:mineral-detail": page | (filters - {"mineral"}),
        "indicators:indicator-list": page | frozenset(IndicatorFilter.base_filters),
        "indicators:indicator-detail": page,
        "stakeholders:group-list": page,
        # /search/?q= is left out: any words make a new page, so it is stored only empty.
        # Badges and embeds take `as_of` only (anything else is a 400); the report as a page.
        **dict.fromkeys(
            [
                "reuse:sector-badge",
                "reuse:milestone-badge",
                "reuse:indicator-badge",
                "reuse:embed-sector",
                "reuse:embed-indicator",
            ],
            frozenset({"as_of"}),
        ),
        "reuse:sector-report": page,
    }


def canonical_query(request) -> str | None:
    """The query string to key the page by ("" for none), or None: do not store this one."""
    query = request.GET
    if not query:
        return ""
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        return None
    taken = page_parameters().get(view_name)
    if taken is None:
        return None
    pairs = []
    for name, values in query.lists():
        if name not in taken:
            return None
        pairs.extend((name, value) for value in values if value != "")
    return urlencode(sorted(pairs))


def page_query(request) -> str:
    """The query string of this page's own address ("" for none): the parameters it takes,
    sorted, empty ones dropped; for a page not in page_parameters() (search, staff pages, never
    stored with a query), every parameter as sent. Its printed footer and its addresses in the
    other languages carry it: utm_source and the like are left out, so they change no page."""
    try:
        taken = page_parameters().get(resolve(request.path_info).view_name)
    except Resolver404:
        taken = None
    pairs = [
        (name, value)
        for name, values in request.GET.lists()
        if taken is None or name in taken
        for value in values
        if taken is None or value != ""
    ]
    return urlencode(pairs if taken is None else sorted(pairs))
