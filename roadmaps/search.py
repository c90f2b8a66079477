"""Search across sectors, targets, milestones and indicators (/search/?q=).

In English it searches the English text; in another language L, L's text and the English
text both (a German reader searching a word the page shows in English, not yet translated,
still finds it; a Spanish word finds the Spanish title). Results show the reader's language
(marked as pages mark it); the JSON results stay in English, like every data format.

PostgreSQL: ranked full-text search (django.contrib.postgres.search): the English text with
the english configuration, so that "sourcing" finds "source", and L's text with L's own
(spanish, french, portuguese, german); the title and code weigh more (A) than the description
(B). Each filter uses the same unweighted expression as the GIN indexes of migration
roadmaps/0012_translations, so that the indexes serve it; the rank adds the weighted ones.

SQLite (and any other database): every word typed must occur (icontains, case-insensitive) in
one of the kind's fields, in English or L; the rank adds 3 for each word found in the code or
a title and 1 for each word found in a description. No stemming: "sourcing" does not find
"source".

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
from resourcing.lib.languages import page_language
from resourcing.lib.translations import (
    CANONICAL,
    Shown,
    column,
    content_language,
    english,
    render,
    shown,
)
from roadmaps.models import Milestone, Sector, Target

QUERY_MAX_LENGTH = 200
MAX_WORDS = 10
RESULTS_PER_KIND = 20
SNIPPET_LENGTH = 220
# PostgreSQL's built-in stemmers, one per content language (the indexes of migration
# roadmaps/0012_translations use the same).
SEARCH_CONFIGS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "pt": "portuguese",
    "de": "german",
}
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
    # Translated fields are named without language (title): searched in English and L.
    fields: tuple
    title_field: str = "title"


# The fields that have a column per language (the rest, the code, is the same in all).
TRANSLATED = {"name", "title", "description"}


def _columns(name: str, language: str) -> list[tuple[str, str]]:
    """(column, language) pairs searched for `name`: the code as is, a translated field in
    English and, in another language, in that language too."""
    if name not in TRANSLATED:
        return [(name, CANONICAL)]
    pairs = [(column(name, CANONICAL), CANONICAL)]
    if language != CANONICAL:
        pairs.append((column(name, language), language))
    return pairs


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


def _postgres_results(kind: Kind, query: str, language: str):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    languages = [CANONICAL] if language == CANONICAL else [CANONICAL, language]
    matches, rank, documents = Q(), None, {}
    for lang in languages:
        config = SEARCH_CONFIGS[lang]
        columns = [
            (name, weight)
            for searched, weight in kind.fields
            for name, of in _columns(searched, language)
            if of == lang
        ]
        weighted = None
        for name, weight in columns:
            vector = SearchVector(name, weight=weight, config=config)
            weighted = vector if weighted is None else weighted + vector
        search = SearchQuery(query, search_type="websearch", config=config)
        # Codes are words too: "MOB-1.3" is the phrase 'mob' <-> '-1.3' on both sides.
        documents[f"document_{lang}"] = SearchVector(*[n for n, _w in columns], config=config)
        matches |= Q(**{f"document_{lang}": search})
        lang_rank = SearchRank(weighted, search)
        rank = lang_rank if rank is None else rank + lang_rank
    return (
        kind.queryset.annotate(**documents, rank=rank)
        .filter(matches)
        .order_by("-rank", column(kind.title_field, CANONICAL), "pk")
    )


def _fallback_results(kind: Kind, words: list[str], language: str):
    matches = Q()
    rank = Value(0)
    for word in words:
        anywhere = Q()
        for searched, weight in kind.fields:
            for name, _of in _columns(searched, language):
                found = Q(**{f"{name}__icontains": word})
                anywhere |= found
                points = TITLE_WEIGHT if weight == "A" else DESCRIPTION_WEIGHT
                rank = rank + Case(
                    When(found, then=Value(points)), default=Value(0), output_field=IntegerField()
                )
        matches &= anywhere
    return kind.queryset.filter(matches).annotate(rank=rank).order_by(F("rank").desc(), "pk")


def text_q(value: str, fields=("title", "description"), language: str | None = None) -> Q:
    """The milestone list's `q` (roadmaps.filters): `value` in the code or in one of the
    fields, in English or the reader's language, as the search reads them."""
    found = Q(code__icontains=value)
    for searched in fields:
        for name, _of in _columns(searched, content_language(language)):
            found |= Q(**{f"{name}__icontains": value})
    return found


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
    # In English (the JSON's), and as shown in the reader's language (the page's).
    title: str
    description: str
    url: str
    rank: float
    context: str = ""
    shown_title: Shown | None = None
    shown_description: Shown | None = None
    shown_context: Shown | None = None

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
    title_field = "name" if kind == "sectors" else "title"
    texts = {
        "title": english(row, title_field),
        "description": english(row, "description"),
        "rank": row.rank,
        "shown_title": shown(row, title_field),
        "shown_description": shown(row, "description"),
    }
    if kind == "sectors":
        return Result(kind, row.slug, url=row.get_absolute_url(), **texts)
    if kind == "targets":
        url = reverse("roadmaps:milestone-list", args=[row.roadmap.sector.slug])
        return Result(kind, row.code, url=f"{url}?target={row.code}", **texts)
    if kind == "milestones":
        sector = row.target.roadmap.sector
        texts.update(context=english(sector, "name"), shown_context=shown(sector, "name"))
    return Result(kind, row.code, url=row.get_absolute_url(), **texts)


def highlight_shown(text: Shown, words: list[str], *, snippet_only: bool = False) -> str:
    """A shown field with the searched words in <mark>, marked as pages mark translations."""
    piece = snippet(text.text, words) if snippet_only else text.text
    return render(text, highlight(piece, words))


def search_page(query: str) -> SearchPage:
    """Queries: one per kind (sectors, targets, milestones, indicators)."""
    words = words_of(query)
    # The page's language, also when its JSON is written in English (the same results).
    language = content_language(page_language())
    full_text = connection.vendor == "postgresql"
    page = SearchPage(query=query, words=words, full_text=full_text)
    if not words:
        return page
    for kind in _kinds():
        queryset = kind.queryset
        if kind.key == "targets":
            kind.queryset = queryset.select_related("roadmap__sector")
        rows = (
            _postgres_results(kind, " ".join(words), language)
            if full_text
            else _fallback_results(kind, words, language)
        )
        page.groups[kind.key] = [_result(kind.key, row) for row in rows[:RESULTS_PER_KIND]]
    return page
