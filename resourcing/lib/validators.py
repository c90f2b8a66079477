"""Validators shared by several apps."""

from django.core.validators import URLValidator
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
