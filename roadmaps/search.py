"""Search across sectors, targets, milestones and indicators (/search/?q=).

PostgreSQL: ranked full-text search (django.contrib.postgres.search) with the English
configuration, so that "sourcing" finds "source"; the title and code weigh more (A) than the
description (B). The filter uses the same unweighted expression as the GIN indexes of
migration 0014, so that the index serves it; the rank uses the weighted vector.

SQLite (and any other database): every word typed must occur (icontains, case-insensitive) in
one of the kind's fields; the rank adds 3 for each word found in the code or title and 1 for
each word found in the description. No stemming: "sourcing" does not find "source".

One query per kind (four in all), at most RESULTS_PER_KIND results each, whatever the data.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from indicators.models import Indicator
from roadmaps.models import Milestone, Sector, Target

QUERY_MAX_LENGTH = 200
MAX_WORDS = 10
RESULTS_PER_KIND = 20
SNIPPET_LENGTH = 220
SEARCH_CONFIG = "english"
TITLE_WEIGHT, DESCRIPTION_WEIGHT = 3, 1
_WORD = re.compile(r"[\w.\-]+", re.UNICODE)


def words_of(query: str) -> list[str]:
    """The words searched for: letters, digits, dots and hyphens (codes such as MOB-1.3)."""
    return [word for word in _WORD.findall(query) if word.strip(".-")][:MAX_WORDS]


@dataclass
class Kind:
    key: str
    queryset: object
    # (field, weight letter): the code or name and title weigh A, the description B.
    fields: tuple
    title_field: str = "title"


def _kinds() -> list[Kind]:
    return [
        Kind(
            "sectors",
            Sector.objects.filter(is_synthetic=False),
            (("name", "A"), ("description", "B")),
            title_field="name",
        ),
        Kind(
            "targets",
            Target.objects.filter(roadmap__is_current=True, roadmap__sector__is_synthetic=False),
            (("code", "A"), ("title", "A"), ("description", "B")),
        ),
        Kind(
            "milestones",
            Milestone.objects.current().real().select_related("target__roadmap__sector"),
            (("code", "A"), ("title", "A"), ("description", "B")),
        ),
        Kind(
            "indicators",
            Indicator.objects.all(),
            (("code", "A"), ("title", "A"), ("description", "B")),
        ),
    ]


def _postgres_results(kind: Kind, query: str):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    names = [name for name, _weight in kind.fields]
    weighted = None
    for name, weight in kind.fields:
        vector = SearchVector(name, weight=weight, config=SEARCH_CONFIG)
        weighted = vector if weighted is None else weighted + vector
    search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    # Codes are words too: "MOB-1.3" is the phrase 'mob' <-> '-1.3' on both sides.
    return (
        kind.queryset.annotate(
            document=SearchVector(*names, config=SEARCH_CONFIG),
            rank=SearchRank(weighted, search),
        )
        .filter(document=search)
        .order_by("-rank", kind.title_field)
    )


def _fallback_results(kind: Kind, words: list[str]):
    matches = Q()
    rank = Value(0)
    for word in words:
        anywhere = Q()
        for name, weight in kind.fields:
            found = Q(**{f"{name}__icontains": word})
            anywhere |= found
            points = TITLE_WEIGHT if weight == "A" else DESCRIPTION_WEIGHT
            rank = rank + Case(
                When(found, then=Value(points)), default=Value(0), output_field=IntegerField()
            )
        matches &= anywhere
    return kind.queryset.filter(matches).annotate(rank=rank).order_by(F("rank").desc(), "pk")


def highlight(text: str, words: list[str]) -> str:
    """`text` escaped, with every occurrence of a searched word in <mark>."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(str(piece) for piece in pieces))  # noqa: S308 (every piece escaped)


def snippet(text: str, words: list[str]) -> str:
    """About SNIPPET_LENGTH characters of `text` around the first searched word."""
    if len(text) <= SNIPPET_LENGTH:
        return text
    lowered = text.lower()
    starts = [lowered.find(word.lower()) for word in words]
    first = min((start for start in starts if start >= 0), default=0)
    begin = max(0, first - SNIPPET_LENGTH // 3)
    piece = text[begin : begin + SNIPPET_LENGTH]
    return ("…" if begin else "") + piece + ("…" if begin + SNIPPET_LENGTH < len(text) else "")


@dataclass
class Result:
    kind: str
    code: str
    title: str
    description: str
    url: str
    rank: float
    context: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "code": self.code,
            "title": self.title,
            "url": self.url,
            "rank": round(float(self.rank), 4),
            "context": self.context,
        }


@dataclass
class SearchPage:
    query: str
    words: list[str]
    full_text: bool
    groups: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(results) for results in self.groups.values())

    def as_dict(self) -> dict:
        return {
            "q": self.query,
            "method": "full_text" if self.full_text else "words",
            "count": self.count,
            "results": {
                kind: [result.as_dict() for result in results]
                for kind, results in self.groups.items()
            },
        }


def _result(kind: str, row) -> Result:
    if kind == "sectors":
        return Result(kind, row.slug, row.name, row.description, row.get_absolute_url(), row.rank)
    if kind == "targets":
        url = reverse("roadmaps:milestone-list", args=[row.roadmap.sector.slug])
        return Result(
            kind, row.code, row.title, row.description, f"{url}?target={row.code}", row.rank
        )
    context = row.target.roadmap.sector.name if kind == "milestones" else ""
    return Result(
        kind, row.code, row.title, row.description, row.get_absolute_url(), row.rank, context
    )


def search_page(query: str) -> SearchPage:
    """Queries: one per kind (sectors, targets, milestones, indicators)."""
    words = words_of(query)
    full_text = connection.vendor == "postgresql"
    page = SearchPage(query=query, words=words, full_text=full_text)
    if not words:
        return page
    for kind in _kinds():
        queryset = kind.queryset
        if kind.key == "targets":
            kind.queryset = queryset.select_related("roadmap__sector")
        rows = (
            _postgres_results(kind, " ".join(words))
            if full_text
            else _fallback_results(kind, words)
        )
        page.groups[kind.key] = [_result(kind.key, row) for row in rows[:RESULTS_PER_KIND]]
    return page
