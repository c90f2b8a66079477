"""Atom feeds of status and deadline changes: all sectors, and one per sector. Latest 50,
one query."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resourcing.lib.translations import canonical_language
from resourcing.lib.validators import CONTROL_CHARACTERS
from roadmaps.models import MilestoneUpdate, Sector, Status

FEED_LENGTH = 50


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry control characters: a row written before they were refused (or by
    another path) must not take the whole feed down."""
    return CONTROL_CHARACTERS.sub("", text)


def _xml_safe_values(values: dict) -> dict:
    return {
        key: _xml_safe(value) if isinstance(value, str) else value for key, value in values.items()
    }


def _label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


class AtomWithContent(Atom1Feed):
    """Atom whose entries carry the change and the note as <content type="html">.

    Django's Atom1Feed writes the item description as <summary>; the design asks for content.
    """

    def add_root_elements(self, handler):
        # Every string the feed emits, the feed's own (a sector's name in its title) included.
        self.feed = _xml_safe_values(self.feed)
        super().add_root_elements(handler)

    def add_item_elements(self, handler, item):
        item = _xml_safe_values(item)
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("content", _xml_safe(item["description"]), {"type": "html"})


class UpdatesFeed(Feed):
    feed_type = AtomWithContent
    title = gettext_lazy("RE-SOURCING Roadmap Tracker: status updates")
    subtitle = gettext_lazy("The latest status changes of the RE-SOURCING roadmap milestones.")
    author_name = "RE-SOURCING Roadmap Tracker"

    def __call__(self, request, *args, **kwargs):
        # Atom is a data format: English whatever language the site is read in (statuses,
        # names and all), like the CSV and JSON.
        with canonical_language():
            return super().__call__(request, *args, **kwargs)

    def link(self):
        return reverse("roadmaps:overview")

    def feed_url(self):
        return reverse("roadmaps:updates-feed")

    def items(self):
        return MilestoneUpdate.objects.for_feed(FEED_LENGTH)

    def item_title(self, item):
        if item.is_deadline_change:
            return f"{item.milestone.code}: due {item.due_date_before} -> {item.due_date_after}"
        return f"{item.milestone.code}: {_label(item.status_before)} -> {_label(item.status_after)}"

    def item_description(self, item):
        # Atom's content is sent as type="html": everything a steward typed is escaped here.
        evidence = (
            format_html(
                '<p>{}: <a href="{}" rel="nofollow noopener">{}</a></p>',
                _("Evidence"),
                item.evidence_url,
                item.evidence_url,
            )
            if item.evidence_url
            else ""
        )
        if item.is_deadline_change:
            change = format_html(
                "<p>{} {} -> {}</p>", _("Due date"), item.due_date_before, item.due_date_after
            )
        else:
            change = format_html(
                "<p>{} -> {}</p>", _label(item.status_before), _label(item.status_after)
            )
        return format_html("{}<p>{}</p>{}", change, item.note, evidence)

    def item_link(self, item):
        # The fragment makes each entry's link (and so its Atom id) unique per update.
        return f"{item.milestone.get_absolute_url()}#update-{item.pk}"

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at


class SectorUpdatesFeed(UpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Sector, slug=slug)

    def title(self, sector):
        return _("%(sector)s: status updates") % {"sector": sector.name}

    def link(self, sector):
        return sector.get_absolute_url()

    def feed_url(self, sector):
        return reverse("roadmaps:sector-updates-feed", args=[sector.slug])

    def items(self, sector):
        return MilestoneUpdate.objects.filter(milestone__target__roadmap__sector=sector).for_feed(
            FEED_LENGTH
        )
