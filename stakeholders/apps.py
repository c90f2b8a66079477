from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders")
    # Shown on public pages (pagecache): users because authors' names appear in the public
    # history and the feed.
    public_models = ["StakeholderGroup", "User"]
