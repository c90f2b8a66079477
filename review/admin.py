"""Data calls and proposals in the admin: read only (written by review.services and
review.data_calls alone)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from resourcing.lib.admin import ReadOnlyAdmin
from review.models import DataCall, Proposal


class _ReviewAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    actions = None


@admin.register(DataCall)
class DataCallAdmin(_ReviewAdmin):
    list_display = ["day", "steward", "sector_names", "item_count", "sent_at"]
    list_filter = ["day", "sectors"]
    search_fields = ["steward__username", "steward__email"]
    date_hierarchy = "sent_at"
    fields = ["steward", "sectors", "day", "sent_at", "items"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("steward").prefetch_related("sectors")

    @admin.display(description=_("sectors"))
    def sector_names(self, obj):
        return ", ".join(sector.name for sector in obj.sectors.all())

    @admin.display(description=_("items"))
    def item_count(self, obj):
        return len(obj.items)


@admin.register(Proposal)
class ProposalAdmin(_ReviewAdmin):
    list_display = ["created_at", "kind", "milestone", "indicator", "proposer", "state"]
    list_filter = ["state", "kind"]
    search_fields = ["milestone__code", "indicator__code", "note", "comment"]
    list_select_related = ["milestone", "indicator", "proposer"]
