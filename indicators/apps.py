from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")
    # Shown on public pages: a write to any of them (or their links to sectors, targets,
    # milestones and groups) makes cached pages stale (pagecache).
    public_models = ["Indicator", "Measurement"]
