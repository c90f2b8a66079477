"""Pseudo-translations for tests: every message of the real catalogues as "[es] Overview".

Compiled into a directory of the test's own (never into locale/, never committed), to prove
which language a response was rendered in, and that data stays English, before and whatever
the real translations say.
"""

from pathlib import Path

import polib
from django.conf import settings

from resourcing.catalogues import plural_forms

ROOT = Path(__file__).resolve().parent.parent


def pseudo(language: str, text: str) -> str:
    """ "[es] Overview"; acronyms ("CSV", "UTC") unchanged, as translators keep them."""
    if not text or not any(char.islower() for char in text):
        return text
    return f"[{language}] {text}"


def write_pseudo_catalogues(target: Path) -> Path:
    """target/<lang>/LC_MESSAGES/django.mo for every non-default language; returns target."""
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        path = ROOT / "locale" / code / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path))
        nplurals = plural_forms(po, path)
        for entry in po:
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
            if entry.msgid_plural:
                entry.msgstr_plural = {
                    index: pseudo(code, entry.msgid if index == 0 else entry.msgid_plural)
                    for index in range(nplurals)
                }
            else:
                entry.msgstr = pseudo(code, entry.msgid)
        folder = target / code / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        po.save_as_mofile(str(folder / "django.mo"))
    return target
