"""The interface's message catalogues (locale/<lang>/LC_MESSAGES/django.po): the compiler that
`make run`, `make test` and the Dockerfile run (resourcing/catalogues.py), so that a checkout
with only Python serves every language; and the catalogues themselves: complete, faithful to
their messages' placeholders and markup, up to date with the code. (Translated content, the
other half of the languages, is tests/test_translations.py's.)

A catalogue failure lists the offending messages by catalogue and line, so that a translator
can fix them in one pass; `make messages` re-extracts the catalogues from the code.
"""

import gettext
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

from resourcing.catalogues import PRINTF, CatalogueError, compile_catalogue, plural_forms

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"

"""

TRANSLATED = """#, python-format
msgid "%(count)d milestone due"
msgid_plural "%(count)d milestones due"
msgstr[0] "%(count)d hito vencido"
msgstr[1] "%(count)d de hitos vencidos"
msgstr[2] "%(count)d hitos vencidos"

msgid "Overview"
msgstr "Resumen"

msgctxt "month"
msgid "May"
msgstr "mayo"

#, fuzzy
msgid "Staff"
msgstr "Personal"

msgid "Search"
msgstr ""
"""


def write_catalogue(folder: Path, body: str, language: str = "es") -> Path:
    path = folder / language / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_catalogues_compile_to_what_gettext_reads(tmp_path):
    path = write_catalogue(tmp_path, TRANSLATED)

    written, translated, total = compile_catalogue(path)

    assert (written, translated, total) == (True, 3, 5)
    with path.with_suffix(".mo").open("rb") as file:
        catalogue = gettext.GNUTranslations(file)
    assert catalogue.gettext("Overview") == "Resumen"
    assert [
        catalogue.ngettext("%(count)d milestone due", "%(count)d milestones due", n)
        for n in (1, 2, 1000000)
    ] == [
        "%(count)d hito vencido",
        "%(count)d hitos vencidos",
        "%(count)d de hitos vencidos",
    ]
    assert catalogue.pgettext("month", "May") == "mayo"
    # Fuzzy and untranslated messages are left out, as msgfmt leaves them: English shows.
    assert catalogue.gettext("Staff") == "Staff"
    assert catalogue.gettext("Search") == "Search"


def test_catalogues_unchanged_are_not_rewritten(tmp_path):
    path = write_catalogue(tmp_path, TRANSLATED)
    compile_catalogue(path)
    os.utime(path.with_suffix(".mo"), (0, 0))

    written, _translated, _total = compile_catalogue(path)

    assert written is False
    assert path.with_suffix(".mo").stat().st_mtime == 0


def test_catalogues_missing_or_older_than_their_source_are_compiled_the_others_left(tmp_path):
    """What a bare `pytest` does first (tests/conftest.py): a fresh clone has no .mo files."""
    from resourcing.catalogues import compile_stale

    fresh = write_catalogue(tmp_path, TRANSLATED, "es")
    missing = write_catalogue(tmp_path, TRANSLATED, "fr")
    stale = write_catalogue(tmp_path, TRANSLATED, "pt")
    compile_catalogue(fresh)
    compile_catalogue(stale)
    stale.with_suffix(".mo").write_bytes(b"old")
    os.utime(stale.with_suffix(".mo"), (0, 0))

    compiled = compile_stale(tmp_path)

    assert compiled == [missing, stale]
    assert stale.with_suffix(".mo").read_bytes() == polib.pofile(str(stale)).to_binary()
    assert missing.with_suffix(".mo").read_bytes() == polib.pofile(str(missing)).to_binary()
    assert compile_stale(tmp_path) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('msgid "Overview"\nmsgstr "Resumen\n', "not a catalogue line"),
        ('msgid "Overview"\nmgstr "Resumen"\n', "not a catalogue line"),
        ('msgid "Overview"\nmsgstr "Resumen"\n\nmsgid "Overview"\nmsgstr "Vista"\n', "twice"),
        (
            '#, python-format\nmsgid "Due %(day)s"\nmsgstr "Vence %(dia)s"\n',
            "%(dia)s is not in the message",
        ),
        ('#, python-format\nmsgid "%(n)s of 10"\nmsgstr "%(n)s de 10 %"\n', "a lone '%'"),
        ('#, python-format\nmsgid "Due %s"\nmsgstr "Vence %s y %s"\n', "2 positional"),
        (
            '#, python-format\nmsgid "%(n)d item"\nmsgid_plural "%(n)d items"\n'
            'msgstr[0] "a"\nmsgstr[1] "b"\nmsgstr[2] "c"\nmsgstr[3] "d"\n',
            "4 plural forms, the header says 3",
        ),
    ],
)
def test_catalogues_broken_fail_naming_file_and_line(tmp_path, body, problem):
    path = write_catalogue(tmp_path, body)

    with pytest.raises(CatalogueError) as error:
        compile_catalogue(path)

    assert str(error.value).startswith(str(path))
    assert problem in str(error.value)
    assert not path.with_suffix(".mo").exists()


def test_catalogues_bad_plural_forms_header_fails(tmp_path):
    path = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n !=;\\n"\n\n'
        'msgid "Overview"\nmsgstr "Übersicht"\n',
        encoding="utf-8",
    )

    with pytest.raises(CatalogueError, match="Plural-Forms"):
        compile_catalogue(path)


def _run(*args, cwd=ROOT):
    # Only Python: no Django settings, no DJANGO_* variables.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "resourcing.catalogues", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_catalogues_command_compiles_every_catalogue_without_django_settings(tmp_path):
    write_catalogue(tmp_path, TRANSLATED, language="es")
    write_catalogue(tmp_path, 'msgid "Overview"\nmsgstr "Vue d\'ensemble"\n', language="fr")

    result = _run(str(tmp_path))

    assert result.returncode == 0, result.stderr
    assert sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.mo")) == [
        "es/LC_MESSAGES/django.mo",
        "fr/LC_MESSAGES/django.mo",
    ]
    assert len(result.stdout.splitlines()) == 2


def test_catalogues_command_fails_loudly_on_a_broken_one(tmp_path):
    write_catalogue(tmp_path, TRANSLATED, language="es")
    broken = write_catalogue(tmp_path, 'msgid "Overview"\nmsgstr "Vue\n', language="fr")

    result = _run(str(tmp_path))

    assert result.returncode == 1
    assert result.stderr.startswith(f"FAILED {broken}")
    assert (tmp_path / "es" / "LC_MESSAGES" / "django.mo").exists()


def test_catalogues_of_the_project_compile():
    result = _run()

    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        f"locale/{language}/LC_MESSAGES/django.po" for language in ("de", "es", "fr", "pt")
    ]


# The catalogues themselves ----------------------------------------------------------------------


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
def test_catalogues_every_message_is_translated(language):
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
def test_catalogues_keep_placeholders_and_markup(language):
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


def test_catalogues_make_messages_extracts_every_language():
    arguments = makemessages_command()

    assert [arguments[i + 1] for i, word in enumerate(arguments) if word == "-l"] == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_are_up_to_date_with_the_code(extracted, language):
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
