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
