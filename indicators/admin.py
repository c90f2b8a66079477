"""Administrators manage indicators; measurements are read-only here (added through the
service: the staff form or import_indicators)."""

from django.contrib import admin

from indicators.models import Indicator, Measurement
from resourcing.lib.admin import ReadOnlyAdmin
from roadmaps.translation_admin import TranslatedContentAdmin


class MeasurementInline(ReadOnlyAdmin, admin.TabularInline):
    model = Measurement
    fields = [
        "period",
        "month",
        "value",
        "is_provisional",
        "is_estimated",
        "is_break_in_series",
        "published_on",
        "source_url",
        "note",
        "author",
        "created_at",
    ]
    readonly_fields = fields
    ordering = ["period", "month", "published_on", "created_at"]
    extra = 0
    can_delete = False


@admin.register(Indicator)
class IndicatorAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    list_display = ["code", "title", "unit", "direction", "baseline_year", "target_year"]
    list_filter = ["sectors", "direction", "provenance"]
    search_fields = ["code", "title", "description", "dataset_code"]
    filter_horizontal = [
        "sectors",
        "targets",
        "milestones",
        "stakeholder_groups",
        "minerals",
        "stages",
    ]
    readonly_fields = ["version"]
    inlines = [MeasurementInline]

    # Administrators only: indicators are content, like targets.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Measurements point at their indicator with PROTECT: one with values cannot go.
        return request.user.is_superuser


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["indicator", "period", "month", "value", "published_on", "created_at"]
    list_filter = ["indicator"]
    list_select_related = ["indicator"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
