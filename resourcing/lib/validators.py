"""Validators shared by several apps."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Only web links: javascript:, data:, ftp: and friends are refused.
http_url_validator = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://.")
)


def http_url_q(field: str, *, allow_blank: bool = True) -> Q:
    """A Q object for a CheckConstraint: the field is blank or an http(s) URL."""
    q = Q(**{f"{field}__startswith": "http://"}) | Q(**{f"{field}__startswith": "https://"})
    if allow_blank:
        q |= Q(**{field: ""})
    return q


# Target and milestone codes (MOB-1, MOB-1.3) appear in URLs, file names and spreadsheets.
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"
code_validator = RegexValidator(
    rf"\A{CODE_PATTERN}\Z",
    message=_(
        "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit."
    ),
)


class CodeConverter:
    """URL converter for codes: anything else (NUL bytes, slashes, spaces) is a plain 404."""

    regex = CODE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


# Control characters (tab, newline and carriage return apart): nobody types them on purpose,
# browsers render them as garbage, and XML 1.0 (the Atom feed) cannot carry them at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_no_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value or ""):
        raise ValidationError(
            _("Remove the control characters (invisible characters such as U+000B)."),
            code="control_characters",
        )


# Text a spreadsheet takes for a formula when it opens a CSV download: starting with = + - @
# (ASCII or full-width), also after leading whitespace (tab, CR, LF, spaces), e.g.
# =HYPERLINK(...), +cmd|..., -2+3, @SUM(...). A plain signed number, optionally a percentage
# ("-30 %", "+5", "-2.5%", "+1,000"), is a number to a spreadsheet, not a formula: allowed.
FORMULA_START = re.compile(r"\A\s*[=+\-@\uff1d\uff0b\uff0d\uff20]")
SIGNED_NUMBER = re.compile(r"\A[+-][0-9]+(?:[.,][0-9]+)*(?: ?%)?\Z")


def starts_like_formula(value: str) -> bool:
    return bool(FORMULA_START.match(value)) and not SIGNED_NUMBER.match(value)


def validate_not_a_formula(value: str) -> None:
    """Refuse text a spreadsheet would run as a formula: public CSV downloads carry it."""
    if starts_like_formula(value or ""):
        raise ValidationError(
            # "-30 % is" is no placeholder, though xgettext would flag the message so.
            _(
                # xgettext:no-python-format
                "Do not start with =, +, - or @ (a spreadsheet opening the CSV download would "
                "run it as a formula): start with a word or a digit. A plain signed number "
                "such as -30 % is fine."
            ),
            code="formula",
        )
