from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        # Every app's `public_models` (declared on its AppConfig, next to its models) bump the
        # data version when written: management commands and servers alike.
        from pagecache.versions import connect_invalidation_signals

        connect_invalidation_signals()
