"""The fixtures' content translations: fixtures/translations/<language>.json (the format is
docs/translations.md's), loaded by `load_resourcing` after the English fixtures.

Every file present is read and checked before anything is written: a malformed file, an
unknown language, model, object or field, or a status other than unreviewed or official (with
its source) stops the load with a message naming the file and the object; nothing is
written. A missing language file is fine (that language falls back to English).

Writes go through roadmaps.services.update_translations, so loading twice changes nothing.
Two modes:
- `overwrite=False` (`make run` on a database that has data): only languages an object has no
  translation in yet are filled in; translations already there (edited in the admin, say)
  are left alone.
- `overwrite=True` (a first load, or `load_resourcing --force`): the file's text wins, except
  that a translation staff marked reviewed keeps that status while its text is the file's.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from resourcing.lib.translations import (
    TRANSLATED,
    TRANSLATED_FIELDS,
    TranslationStatus,
    column,
    source_column,
    status_column,
)
from roadmaps.services import update_translations

DIRECTORY = Path(settings.BASE_DIR) / "fixtures" / "translations"
# The natural key of each translated model (its slug or its code).
KEYS = {
    label: "code" if label.split(".")[1] in ("target", "milestone", "indicator") else "slug"
    for label in TRANSLATED_FIELDS
}
FILE_STATUSES = (TranslationStatus.UNREVIEWED, TranslationStatus.OFFICIAL)
OBJECT_KEYS = {"model", "key", "fields", "status", "source"}


class TranslationFileError(Exception):
    """A translation file that cannot be loaded; the message names the file and the object."""


@dataclass
class Entry:
    label: str
    key: str
    language: str
    fields: dict
    status: str
    source: str
    where: str


@dataclass
class LoadResult:
    files: list = field(default_factory=list)
    changed: int = 0


def language_files(directory: Path = DIRECTORY) -> list[Path]:
    """The translation files present, in the site's language order."""
    return [
        directory / f"{code}.json" for code in TRANSLATED if (directory / f"{code}.json").exists()
    ]


def read_file(path: Path) -> list[Entry]:
    """The file's objects, checked for shape (not yet against the database)."""
    name = str(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TranslationFileError(f"{name}: not a readable JSON file: {exc}") from exc
    if not isinstance(document, dict) or set(document) != {"language", "objects"}:
        raise TranslationFileError(f'{name}: expected {{"language": ..., "objects": [...]}}.')
    language = document["language"]
    if language != path.stem or language not in TRANSLATED:
        raise TranslationFileError(
            f"{name}: language {language!r} is not this file's ({path.stem}) or not one of "
            f"{', '.join(TRANSLATED)}."
        )
    if not isinstance(document["objects"], list):
        raise TranslationFileError(f"{name}: objects must be a list.")
    entries, seen = [], set()
    for number, item in enumerate(document["objects"], start=1):
        where = f"{name}: object {number}"
        if not isinstance(item, dict):
            raise TranslationFileError(f"{where}: not an object.")
        label, key = item.get("model"), item.get("key")
        if isinstance(label, str) and isinstance(key, str):
            where = f"{name}: object {number} ({label} {key!r})"
        unknown = set(item) - OBJECT_KEYS
        if unknown:
            raise TranslationFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
        if label not in TRANSLATED_FIELDS:
            raise TranslationFileError(
                f"{where}: model {label!r} is not translated (one of "
                f"{', '.join(TRANSLATED_FIELDS)})."
            )
        if not isinstance(key, str) or not key:
            raise TranslationFileError(f"{where}: key must be the object's {KEYS[label]}.")
        if (label, key) in seen:
            raise TranslationFileError(f"{where}: appears twice in the file.")
        seen.add((label, key))
        fields = item.get("fields")
        if not isinstance(fields, dict):
            raise TranslationFileError(f"{where}: fields must be an object.")
        allowed = TRANSLATED_FIELDS[label]
        for field_name, value in fields.items():
            if field_name not in allowed:
                raise TranslationFileError(
                    f"{where}: field {field_name!r} is not translated (only {', '.join(allowed)})."
                )
            if not isinstance(value, str):
                raise TranslationFileError(f"{where}: field {field_name!r} must be text.")
        status = item.get("status")
        if status not in FILE_STATUSES:
            raise TranslationFileError(
                f"{where}: status must be unreviewed or official (got {status!r})."
            )
        source = item.get("source", "")
        if not isinstance(source, str):
            raise TranslationFileError(f"{where}: source must be text.")
        if status == TranslationStatus.OFFICIAL and not source.strip():
            raise TranslationFileError(
                f"{where}: an official wording names its source (the act and its version)."
            )
        # An empty field is a translation not given: that field falls back to English.
        texts = {name: value for name, value in fields.items() if value}
        entries.append(Entry(label, key, language, texts, status, source, where))
    return entries


def _changes(entry: Entry, obj, overwrite: bool) -> dict:
    language = entry.language
    texts = {column(name, language): value for name, value in entry.fields.items()}
    stored = {name: getattr(obj, name) or "" for name in texts}
    has_translation = any(stored.values())
    if not overwrite and has_translation:
        return {}
    if stored == texts and getattr(obj, status_column(language)) == TranslationStatus.REVIEWED:
        return {}  # staff reviewed exactly this text: the review stands
    changes = {**texts, status_column(language): entry.status}
    changes[source_column(language)] = entry.source if entry.status == "official" else ""
    return changes


def load(paths=None, *, overwrite: bool = True) -> LoadResult:
    """Check every file, then write, in one transaction. Raises TranslationFileError."""
    paths = language_files() if paths is None else list(paths)
    entries = [entry for path in paths for entry in read_file(path)]
    objects = {}
    for label in {entry.label for entry in entries}:
        model = apps.get_model(label)
        keys = [entry.key for entry in entries if entry.label == label]
        objects[label] = model._default_manager.in_bulk(keys, field_name=KEYS[label])
    for entry in entries:
        if entry.key not in objects[entry.label]:
            raise TranslationFileError(
                f"{entry.where}: no {entry.label} with {KEYS[entry.label]} {entry.key!r}."
            )
    result = LoadResult(files=[str(path) for path in paths])
    with transaction.atomic():
        for entry in entries:
            obj = objects[entry.label][entry.key]
            changes = _changes(entry, obj, overwrite)
            if not changes:
                continue
            try:
                result.changed += update_translations(obj=obj, changes=changes)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
                )
                raise TranslationFileError(f"{entry.where}: {problems}") from exc
    return result
