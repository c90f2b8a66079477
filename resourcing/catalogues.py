"""Compile the translation catalogues in Python: locale/<lang>/LC_MESSAGES/django.po -> .mo.

    python -m resourcing.catalogues [LOCALE_DIR]    # default: the project's locale/

Run by `make run`, `make test` and the Dockerfile; a bare `pytest` compiles the missing or
stale ones first (compile_stale, from tests/conftest.py). Django's `compilemessages` needs GNU
gettext's `msgfmt`, which a machine with only Python lacks; polib writes the same .mo files
(untranslated and fuzzy entries left out, as msgfmt does). The .mo files are build output,
never committed (.gitignore).

A broken catalogue stops the build with its file, line and what is wrong, instead of pages
failing at run time: a syntax error, a message twice, a bad Plural-Forms header, a plural
with more forms than it declares, or a translation whose placeholders the code cannot fill
(a name the message does not have, more `%s` than it has, a stray `%`). Whether every
message is translated, and identically marked up, is tests/test_catalogues.py's business.

Needs no Django settings: only polib.
"""

import gettext
import os
import re
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"

# printf-style placeholders as Python's % operator reads them: %(name)s, %s, %d, %.1f, %%.
PRINTF = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<kind>.)")
PRINTF_KINDS = set("diouxXeEfFgGcrsa%")


# A line of a catalogue that is not a comment or blank: a keyword and a string, or a string
# continuing the one before, each string closed. polib reads an unclosed string quietly (and
# drops its last character), so lines are checked first.
LINE = re.compile(
    r'(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?"(?:[^"\\]|\\.)*"\s*'
)


class CatalogueError(Exception):
    """A catalogue that must not be compiled; the message names the file and the line."""


def printf_placeholders(text: str) -> tuple[set[str], int]:
    """(the names used as %(name)s, the count of positional %s-like ones) of a python-format
    string; raises ValueError on a `%` the % operator would refuse."""
    names, positional = set(), 0
    for match in PRINTF.finditer(text):
        kind = match.group("kind")
        if kind not in PRINTF_KINDS:
            raise ValueError(f"'{match.group(0)}' is not a placeholder (write %% for a % sign)")
        if kind == "%":
            continue
        if match.group("name") is not None:
            names.add(match.group("name"))
        else:
            positional += 1
    if "%" in PRINTF.sub("", text):
        raise ValueError("a lone '%' (write %% for a % sign)")
    if names and positional:
        raise ValueError("named and positional placeholders together")
    return names, positional


def _check_format(entry: polib.POEntry, where: str) -> None:
    if "python-format" not in entry.flags:
        return
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    known, counts = set(), set()
    for source in sources:
        names, positional = printf_placeholders(source)
        known |= names
        counts.add(positional)
    translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    for translation in translations:
        if not translation:
            continue
        try:
            names, positional = printf_placeholders(translation)
        except ValueError as exc:
            raise CatalogueError(f"{where}: {exc}: {translation!r}") from None
        if names - known:
            unknown = ", ".join(sorted(f"%({name})s" for name in names - known))
            raise CatalogueError(f"{where}: {unknown} is not in the message: {translation!r}")
        # A plural's singular may leave the number out ("one milestone"): only more
        # positional placeholders than the message has is an error.
        if positional and positional > max(counts):
            raise CatalogueError(
                f"{where}: {positional} positional placeholders, the message has "
                f"{max(counts)}: {translation!r}"
            )


def plural_forms(po: polib.POFile, path: Path) -> int:
    """The number of plural forms the header declares (checked to be a valid expression)."""
    header = po.metadata.get("Plural-Forms", "")
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*", header)
    if not match:
        raise CatalogueError(f"{path}: the Plural-Forms header is missing or malformed: {header!r}")
    try:
        gettext.c2py(match.group(2))
    except (ValueError, SyntaxError) as exc:
        raise CatalogueError(f"{path}: Plural-Forms: {exc}: {header!r}") from None
    return int(match.group(1))


def load(path: Path) -> polib.POFile:
    """The catalogue at `path`, checked as the module docstring says; CatalogueError if not."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: {exc}") from None
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text and not text.startswith("#") and not LINE.fullmatch(text):
            raise CatalogueError(f"{path}:{number}: not a catalogue line (a string not closed?)")
    try:
        po = polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"{path}: {exc}") from None
    nplurals = plural_forms(po, path)
    seen = set()
    for entry in po:
        if entry.obsolete:
            continue
        where = f"{path}:{entry.linenum}"
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise CatalogueError(f"{where}: the message {entry.msgid!r} is there twice")
        seen.add(key)
        # Fewer plural forms than the header's is no error here: gettext falls back on the
        # English message for a missing form; tests/test_catalogues.py requires them all.
        if entry.msgid_plural and len(entry.msgstr_plural) > nplurals:
            raise CatalogueError(
                f"{where}: {len(entry.msgstr_plural)} plural forms, the header says {nplurals}"
            )
        _check_format(entry, where)
    return po


def catalogue_paths(locale: Path = LOCALE) -> list[Path]:
    return sorted(locale.glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(path: Path) -> tuple[bool, int, int]:
    """Write the .mo beside `path` when it changed; (written, translated, messages)."""
    po = load(path)
    binary = po.to_binary()
    target = path.with_suffix(".mo")
    messages = [entry for entry in po if not entry.obsolete and entry.msgid]
    translated = len(po.translated_entries())
    if target.exists() and target.read_bytes() == binary:
        return False, translated, len(messages)
    # Written whole, then renamed: a server or a parallel test run never reads half a file.
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".mo.tmp", delete=False) as tmp:
        tmp.write(binary)
    os.replace(tmp.name, target)
    return True, translated, len(messages)


def compile_stale(locale: Path = LOCALE) -> list[Path]:
    """Compile the catalogues whose .mo is missing or older than the .po (a bare `pytest` in a
    fresh clone: make compiles them all first); the .po files compiled, in order."""
    stale = []
    for path in catalogue_paths(locale):
        target = path.with_suffix(".mo")
        if not target.exists() or target.stat().st_mtime < path.stat().st_mtime:
            compile_catalogue(path)
            stale.append(path)
    return stale


def main(argv: list[str]) -> int:
    locale = Path(argv[0]).resolve() if argv else LOCALE
    paths = catalogue_paths(locale)
    if not paths:
        print(f"No catalogues under {locale}", file=sys.stderr)
        return 1
    failed = False
    for path in paths:
        try:
            written, translated, total = compile_catalogue(path)
        except CatalogueError as exc:
            print(f"FAILED {exc}", file=sys.stderr)
            failed = True
            continue
        state = "compiled" if written else "up to date"
        print(f"{os.path.relpath(path)}: {state}, {translated} of {total} messages translated")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
