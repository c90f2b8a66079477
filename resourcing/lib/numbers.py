"""Numbers on pages in the reader's locale: decimal separator and percent sign.

Pages only: CSV, JSON, Atom and every SVG coordinate keep plain `1234.5` (charts write their
coordinates as strings, and the chart templates render inside `{% localize off %}`). Rounded
as Python rounds (Django's number_format truncates floats), then written with the locale's
decimal separator; no thousands separator (USE_THOUSAND_SEPARATOR is off), as before.
"""

from decimal import Decimal

from django.utils.formats import get_format
from django.utils.translation import get_language

# How each language writes a percentage (Unicode CLDR): a no-break space before the sign in
# Spanish and German, a narrow no-break space in French, none in English and Portuguese.
PERCENT_PATTERNS = {"es": "{}\u00a0%", "fr": "{}\u202f%", "de": "{}\u00a0%"}


def localized(plain: str) -> str:
    """A number written with a dot ("12.5"), with the locale's decimal separator instead."""
    return plain.replace(".", get_format("DECIMAL_SEPARATOR"))


def fixed(value, places: int) -> str:
    """`value` rounded to `places` decimals: "0.125" in English, "0,125" in German."""
    return localized(f"{float(value):.{int(places)}f}")


def percent(share, places: int = 1) -> str:
    """A share (0-1) as a percentage: "33.3%" in English, "33,3 %" in German."""
    pattern = PERCENT_PATTERNS.get(get_language(), "{}%")
    return pattern.format(fixed(float(share) * 100, places))


def decimal(value) -> str:
    """A Decimal as written, in full (no exponent, no trailing zeros): "0.00125" in English,
    "0,00125" in German."""
    plain = format(Decimal(value), "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return localized(plain)


def signed(value, places: int) -> str:
    """A change with its sign: "+0.125", "-1.500" ("+0,125" in German)."""
    return localized(f"{float(value):+.{int(places)}f}")
