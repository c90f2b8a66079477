"""Translated content (issue 15): the languages, the review status of each object's
translation per language, and how a page shows a translated field.

django-modeltranslation adds a column per language beside each translated field (`title_en`,
`title_es`, ...; registered in each app's translation.py). English is canonical: `title_en`
holds it, and data formats (CSV, JSON, Atom) and writers always work in English
(`canonical_language()`); pages show the reader's language and fall back to English, marked.

Each translated model also carries, per language other than English, the status of its
translation (`translation_status_es`, with `translation_source_es` for an official wording):
columns on the same row, so a page marks an unreviewed translation without another query,
and the admin filters on them.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from resourcing.lib.validators import validate_no_control_characters, validate_not_a_formula

CANONICAL = settings.LANGUAGE_CODE
# The languages content is translated into (every site language but English).
TRANSLATED = tuple(code for code, _name in settings.LANGUAGES if code != CANONICAL)
LANGUAGE_NAMES = dict(settings.LANGUAGES)
SOURCE_MAX_LENGTH = 300

# The translated fields of each model (contract: /work/i18n-contract.md), by model label.
TRANSLATED_FIELDS = {
    "stakeholders.stakeholdergroup": ("name", "description"),
    "roadmaps.sector": ("name", "description"),
    "roadmaps.roadmap": ("title", "vision"),
    "roadmaps.theme": ("name", "description"),
    "roadmaps.target": ("title", "description"),
    "roadmaps.milestone": ("title", "description"),
    "roadmaps.mineral": ("name", "description"),
    "roadmaps.valuechainstage": ("name", "description"),
    "indicators.indicator": ("title", "description"),
}


class TranslationStatus(models.TextChoices):
    # Our own translation (the fixtures' or an editor's), for consortium staff to review.
    UNREVIEWED = "unreviewed", _("Unreviewed translation")
    # The wording of the official EU-language version of an act, named in the source.
    OFFICIAL = "official", _("Official wording")
    REVIEWED = "reviewed", _("Reviewed by consortium staff")


def status_column(language: str) -> str:
    return f"translation_status_{language}"


def source_column(language: str) -> str:
    return f"translation_source_{language}"


STATUS_COLUMNS = tuple(status_column(code) for code in TRANSLATED)


def column(field: str, language: str) -> str:
    """The column of `field` in `language` (modeltranslation's naming): title_es."""
    return f"{field}_{language}"


def translated_fields(model) -> tuple[str, ...]:
    return TRANSLATED_FIELDS.get(model._meta.label_lower, ())


def translation_columns(model, languages=TRANSLATED) -> list[str]:
    """Every column holding a translation or its review, for `languages`: title_es, ...,
    translation_status_es, translation_source_es."""
    columns = []
    if not translated_fields(model):
        return columns
    for language in languages:
        columns += [column(field, language) for field in translated_fields(model)]
        columns += [status_column(language), source_column(language)]
    return columns


class TranslationReview(models.Model):
    """Per language other than English: the status of the object's translation."""

    class Meta:
        abstract = True


for _code in TRANSLATED:
    TranslationReview.add_to_class(
        status_column(_code),
        models.CharField(
            format_lazy("{} [{}]", _("translation status"), _code),
            max_length=12,
            choices=TranslationStatus.choices,
            default=TranslationStatus.UNREVIEWED,
        ),
    )
    TranslationReview.add_to_class(
        source_column(_code),
        models.CharField(
            format_lazy("{} [{}]", _("official source"), _code),
            max_length=SOURCE_MAX_LENGTH,
            blank=True,
            validators=[validate_no_control_characters, validate_not_a_formula],
            help_text=_("For an official wording: the act and its language version."),
        ),
    )


def translation_options(model):
    """modeltranslation's options for `model` (each app's translation.py registers them):
    its TRANSLATED_FIELDS; English required wherever the field is, translations optional."""
    from modeltranslation.translator import TranslationOptions

    return type(
        f"{model.__name__}TranslationOptions",
        (TranslationOptions,),
        {"fields": translated_fields(model), "required_languages": (CANONICAL,)},
    )


def translation_review_constraints(prefix: str) -> list:
    """Per language: a known status, and an official wording names its source."""
    checks = []
    for code in TRANSLATED:
        status, source = status_column(code), source_column(code)
        checks.append(
            models.CheckConstraint(
                condition=Q(
                    **{
                        f"{status}__in": [
                            TranslationStatus.UNREVIEWED,
                            TranslationStatus.REVIEWED,
                        ]
                    }
                )
                | (Q(**{status: TranslationStatus.OFFICIAL}) & ~Q(**{source: ""})),
                name=f"{prefix}_translation_{code}_valid",
                violation_error_message=format_lazy(
                    _("{language}: an official wording names its source."),
                    language=LANGUAGE_NAMES[code],
                ),
            )
        )
    return checks


def canonical_language():
    """English for what must not depend on the reader's language: writers (`title` means
    the English title) and data formats (CSV, JSON, Atom)."""
    return override(CANONICAL)


def in_canonical_language(function):
    """Runs `function` in English (a writer, an import): `title` is the English column
    (title_en) whatever language the request is served in."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with canonical_language():
            return function(*args, **kwargs)

    return wrapper


def english(obj, field: str) -> str:
    """The canonical (English) text of `obj.<field>`, whatever language is active: what the
    data formats (CSV, JSON, Atom) carry."""
    return getattr(obj, column(field, CANONICAL)) or ""


def content_language(language: str | None = None) -> str:
    """The content language of a site language (en-gb -> en); English for anything else."""
    code = (language or get_language() or CANONICAL).split("-")[0].lower()
    return code if code in TRANSLATED else CANONICAL


@dataclass(frozen=True)
class Shown:
    """What a page shows of one translated field in one language."""

    text: str
    language: str
    # English shown because the translation is missing ("not yet translated").
    fallback: bool = False
    # A translation nobody has reviewed yet.
    unreviewed: bool = False


def shown(obj, field: str, language: str | None = None) -> Shown:
    """The text of `obj.<field>` in `language` (default: the active one), or English."""
    language = content_language(language)
    english = getattr(obj, column(field, CANONICAL)) or ""
    if language == CANONICAL:
        return Shown(english, CANONICAL)
    text = getattr(obj, column(field, language)) or ""
    if text:
        unreviewed = getattr(obj, status_column(language)) == TranslationStatus.UNREVIEWED
        return Shown(text, language, unreviewed=unreviewed)
    return Shown(english, CANONICAL, fallback=bool(english))


# Visible, translatable markers; the unreviewed one is a dagger explained in the page's
# footer (templates/_translation_legend.html) and spelt out for screen readers.
NOT_YET_TRANSLATED = _("not yet translated")
UNREVIEWED_TRANSLATION = _("unreviewed translation")


def render(shown_text: Shown, html: str | None = None, *, block: bool = False) -> SafeString:
    """HTML for a shown field: English in a missing translation's place in lang="en" and
    marked "not yet translated"; an unreviewed translation with a discreet dagger. `html`:
    the text already turned into HTML (paragraphs), else it is escaped here; `block`: the
    text is paragraphs (a description), wrapped in a div and marked in a paragraph after it.
    """
    body = html if html is not None else format_html("{}", shown_text.text)
    if block:
        if shown_text.fallback:
            return format_html(
                '<div lang="{}">{}</div><p class="tr-note">({})</p>',
                shown_text.language,
                body,
                NOT_YET_TRANSLATED,
            )
        if shown_text.unreviewed:
            return format_html(
                '<div>{}</div><p class="tr-note"><span aria-hidden="true">† </span>({})</p>',
                body,
                UNREVIEWED_TRANSLATION,
            )
        return format_html("{}", body)
    if shown_text.fallback:
        return format_html(
            '<span lang="{}">{}</span> <span class="tr-note">({})</span>',
            shown_text.language,
            body,
            NOT_YET_TRANSLATED,
        )
    if shown_text.unreviewed:
        return format_html(
            '{}<span class="tr-mark" title="{}" aria-hidden="true">†</span>'
            '<span class="visually-hidden"> ({})</span>',
            body,
            UNREVIEWED_TRANSLATION,
            UNREVIEWED_TRANSLATION,
        )
    return format_html("{}", body)
