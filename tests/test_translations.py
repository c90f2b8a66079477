"""The interface catalogues (locale/<lang>/LC_MESSAGES/django.po) are complete, faithful to
their messages' placeholders and markup, and up to date with the code.

Each failure lists every offending message, by catalogue and line, so that a translator can
fix them all in one pass; `make messages` re-extracts the catalogues from the code.
"""

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings

from resourcing.catalogues import PRINTF, plural_forms

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
BRACES = re.compile(r"\{[^{}]*\}")
TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def listed(problems: list[str], limit: int = 40) -> str:
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} messages:\n" + "\n".join(problems[:limit]) + more


def catalogue(language: str) -> tuple[Path, polib.POFile]:
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make messages`"
    return path, polib.pofile(str(path), wrapwidth=0)


def messages(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if entry.msgid and not entry.obsolete]


def translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(the source text it translates, the translation) for each form of the entry."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [
        (entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
    ]


def placeholders(entry: polib.POEntry, text: str) -> Counter:
    found = Counter(BRACES.findall(text))
    if "python-format" in entry.flags:
        found.update(m.group(0) for m in PRINTF.finditer(text) if m.group(0) != "%%")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_every_message_is_translated(language):
    path, po = catalogue(language)
    nplurals = plural_forms(po, path)

    missing = []
    for entry in messages(po):
        where = f"{path.relative_to(ROOT)}:{entry.linenum}: {entry.msgid[:70]!r}"
        if entry.fuzzy:
            missing.append(f"{where} is fuzzy")
        elif entry.msgid_plural and len(entry.msgstr_plural) != nplurals:
            missing.append(f"{where} has {len(entry.msgstr_plural)} plural forms, not {nplurals}")
        elif any(not text.strip() for _source, text in translations(entry)):
            missing.append(f"{where} is not translated")

    assert missing == [], listed(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_markup(language):
    path, po = catalogue(language)

    wrong = []
    for entry in messages(po):
        for index, (source, text) in enumerate(translations(entry)):
            if not text:
                continue  # the completeness test reports it
            # A plural's first form may leave the number out ("one milestone", "un jalon").
            sources = [source] + ([entry.msgid_plural] if entry.msgid_plural and index == 0 else [])
            where = f"{path.relative_to(ROOT)}:{entry.linenum}: {entry.msgid[:60]!r}"
            if all(placeholders(entry, text) != placeholders(entry, s) for s in sources):
                expected = sorted(placeholders(entry, source).elements())
                found = sorted(placeholders(entry, text).elements())
                wrong.append(f"{where}: placeholders {found}, the message has {expected}")
            if sorted(TAGS.findall(text)) != sorted(TAGS.findall(source)):
                expected, found = sorted(TAGS.findall(source)), sorted(TAGS.findall(text))
                wrong.append(f"{where}: markup {found}, the message has {expected}")

    assert wrong == [], listed(wrong)


def makemessages_command() -> list[str]:
    """`make messages`'s makemessages arguments, from the Makefile itself."""
    makefile = (ROOT / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if "manage.py makemessages" in line)
    return line.split("manage.py", 1)[1].split()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, set]:
    """The messages of the code as `make messages` extracts them, into a copy of the project
    (the repository's catalogues are not touched): language -> message keys."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail(
            "GNU gettext (xgettext, msgmerge) is missing, so the catalogues cannot be compared "
            "with the code: run `make messages` (it installs gettext, as `make test` does)."
        )
    copy = tmp_path_factory.mktemp("extract") / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*",
            "staticfiles",
            "tests",
            "bench",
            "artifacts",
            "locale",
            "*.sqlite3*",
            "__pycache__",
        ),
    )
    (copy / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["DJANGO_DEBUG"] = "1"
    result = subprocess.run(
        [sys.executable, "manage.py", *makemessages_command()],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = {}
    for language in LANGUAGES:
        po = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        found[language] = {message_key(entry) for entry in messages(po)}
    return found


def message_key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def test_translations_make_messages_extracts_every_language():
    arguments = makemessages_command()

    assert [arguments[i + 1] for i, word in enumerate(arguments) if word == "-l"] == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_catalogues_are_up_to_date_with_the_code(extracted, language):
    path, po = catalogue(language)
    in_catalogue = {message_key(entry) for entry in messages(po)}

    missing = sorted(extracted[language] - in_catalogue, key=str)
    stale = sorted(in_catalogue - extracted[language], key=str)

    assert (missing, stale) == ([], []), (
        f"{path.relative_to(ROOT)} is out of date: run `make messages`, then translate.\n"
        f"In the code, not in the catalogue ({len(missing)}): "
        + "; ".join(repr(key[1][:60]) for key in missing[:40])
        + f"\nIn the catalogue, no longer in the code ({len(stale)}): "
        + "; ".join(repr(key[1][:60]) for key in stale[:40])
    )
