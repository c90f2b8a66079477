"""Model fields shared by several apps."""

from django.db import models

from resourcing.lib.validators import http_url_validator, validate_no_control_characters


class HttpURLField(models.URLField):
    """A URL that must be http or https (no javascript:, data:, ftp:)."""

    default_validators = [http_url_validator, validate_no_control_characters]

    def formfield(self, **kwargs):
        # A typed address without a scheme is taken as https (Django 6's default).
        return super().formfield(**{"assume_scheme": "https", **kwargs})
