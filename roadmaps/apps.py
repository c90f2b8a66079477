from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = _("Roadmaps")

    def ready(self):
        # Cache invalidation: writes to public content bump the data version (see there).
        from resourcing.caching import connect_invalidation_signals

        connect_invalidation_signals()
