from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        # Cache invalidation, as for the roadmaps' content (resourcing/caching.py): indicators
        # and their links are public content; measurements bump it in their service.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from indicators.models import Indicator, Measurement
        from resourcing.caching import _bump_on_delete, _bump_on_m2m, _bump_on_save

        for model in (Indicator, Measurement):
            uid = f"resourcing.caching:{model._meta.label}"
            post_save.connect(_bump_on_save, sender=model, dispatch_uid=uid)
            post_delete.connect(_bump_on_delete, sender=model, dispatch_uid=uid)
        for field in ("sectors", "targets", "milestones", "stakeholder_groups"):
            through = getattr(Indicator, field).through
            uid = f"resourcing.caching:{through._meta.label}"
            m2m_changed.connect(_bump_on_m2m, sender=through, dispatch_uid=uid)
