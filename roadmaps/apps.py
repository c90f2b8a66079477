from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = _("Roadmaps")
    # Shown on public pages: a write to any of them makes cached pages stale (pagecache).
    # Their many-to-many links (stakeholder groups, stewards) count too.
    public_models = [
        "Sector",
        "Roadmap",
        "Theme",
        "Target",
        "Milestone",
        "MilestoneUpdate",
        "Mineral",
        "ValueChainStage",
    ]

    def ready(self):
        from django.db.models.signals import m2m_changed, pre_delete

        from roadmaps import counters
        from roadmaps.models import Milestone, ValueChainStage

        # A deleted milestone (the admin, or its target or roadmap deleted) leaves the counts.
        pre_delete.connect(counters.on_delete, sender=Milestone, dispatch_uid="progress-counters")
        # Links to a stage edited from the stage's side (the admin), and a stage deleted.
        m2m_changed.connect(
            counters.on_stage_links,
            sender=ValueChainStage.milestones.through,
            dispatch_uid="progress-counters",
        )
        pre_delete.connect(
            counters.on_stage_delete, sender=ValueChainStage, dispatch_uid="progress-counters"
        )
