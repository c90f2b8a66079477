from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Keeping the tracker current: proposals reviewed before publication, data calls."""

    name = "review"
    verbose_name = _("Review and data calls")
