"""The admin of translated content: every language's fields, the review status of each
translation, a filter by it, and actions marking translations reviewed.

The English text is edited as the unsuffixed field (`title`, roadmaps.forms.
TranslatedContentForm); each other language has a fieldset of its columns (`title_es`,
`description_es`, its status and, for an official wording, its source). No JavaScript: the
fieldsets fold as <details> (Django's "collapse"), which the site's strict CSP allows.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from resourcing.lib.translations import (
    CANONICAL,
    LANGUAGE_NAMES,
    TRANSLATED,
    TranslationStatus,
    canonical_language,
    column,
    source_column,
    status_column,
    translated_fields,
    translation_columns,
)
from roadmaps.forms import TranslatedContentForm
from roadmaps.permissions import can_edit_content
from roadmaps.services import update_translations


def language_fieldsets(model) -> list:
    return [
        (
            format_lazy(_("{language} translation"), language=LANGUAGE_NAMES[language]),
            {
                "classes": ["collapse"],
                "fields": [
                    *(column(field, language) for field in translated_fields(model)),
                    status_column(language),
                    source_column(language),
                ],
            },
        )
        for language in TRANSLATED
    ]


def translated_q(model, language: str) -> Q:
    """The objects with a translation in `language`: its first field (name or title)."""
    name = column(translated_fields(model)[0], language)
    return Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})


class TranslationFilter(admin.SimpleListFilter):
    """ "Unreviewed translations in Spanish", "Not yet translated into German"..."""

    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        choices = []
        for language in TRANSLATED:
            name = LANGUAGE_NAMES[language]
            choices += [
                (f"{language}-missing", format_lazy(_("Not yet translated into {}"), name)),
                (f"{language}-unreviewed", format_lazy(_("Unreviewed translations in {}"), name)),
                (f"{language}-official", format_lazy(_("Official wording in {}"), name)),
                (f"{language}-reviewed", format_lazy(_("Reviewed translations in {}"), name)),
            ]
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        language, _sep, state = self.value().partition("-")
        translated = translated_q(queryset.model, language)
        if state == "missing":
            return queryset.exclude(translated)
        return queryset.filter(translated, **{status_column(language): state})


def _mark_reviewed_action(language: str):
    def mark_reviewed(modeladmin, request, queryset):
        """Through the translation writer, all in one transaction (one data version)."""
        marked = 0
        with transaction.atomic():
            for obj in queryset.filter(translated_q(queryset.model, language)):
                marked += update_translations(
                    obj=obj, changes={status_column(language): TranslationStatus.REVIEWED}
                )
        modeladmin.message_user(
            request,
            _("%(count)s %(language)s translation(s) marked reviewed.")
            % {"count": marked, "language": LANGUAGE_NAMES[language]},
            messages.SUCCESS,
        )

    mark_reviewed.__name__ = f"mark_reviewed_{language}"
    return admin.action(
        description=format_lazy(_("Mark the {} translations reviewed"), LANGUAGE_NAMES[language]),
        permissions=["edit_content"],
    )(mark_reviewed)


REVIEW_ACTIONS = [_mark_reviewed_action(language) for language in TRANSLATED]


class TranslatedContentAdmin(admin.ModelAdmin):
    """Mixed into the admin of every translated model (before admin.ModelAdmin)."""

    form = TranslatedContentForm

    def get_fieldsets(self, request, obj=None):
        # English is the unsuffixed field; the translations come in their own fieldsets.
        columns = set(translation_columns(self.model, (CANONICAL, *TRANSLATED)))
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in columns]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [*fieldsets, *language_fieldsets(self.model)]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), TranslationFilter]

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in REVIEW_ACTIONS:
            if self.has_edit_content_permission(request):
                actions[action.__name__] = self.get_action(action)
        return actions

    def has_edit_content_permission(self, request):
        return can_edit_content(request.user)

    def save_model(self, request, obj, form, change):
        # A plain save (sectors, themes...): `title` is English here too.
        with canonical_language():
            super().save_model(request, obj, form, change)
