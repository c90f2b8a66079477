"""The catalogue compiler (resourcing/catalogues.py): what `make run`, `make test` and the
Dockerfile run so that a checkout with only Python serves every language."""

import gettext
import os
import subprocess
import sys
from pathlib import Path

import pytest

from resourcing.catalogues import CatalogueError, compile_catalogue

ROOT = Path(__file__).resolve().parent.parent

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
