from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roadmaps.forms import MilestoneAdminForm
from roadmaps.models import (
    Milestone,
    MilestoneUpdate,
    Mineral,
    Roadmap,
    Sector,
    Status,
    Target,
    Theme,
    ValueChainStage,
)
from roadmaps.services import StaleVersionError, record_status_update


def stewarded_only(queryset, request, field="pk"):
    """Stewards see their own sectors' rows only; superusers everything."""
    if request.user.is_superuser:
        return queryset
    return queryset.filter(
        **{f"{field}__in": Milestone.objects.stewarded_by(request.user).values("pk")}
    )


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "lead_partner"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["stewards"]


@admin.register(Roadmap)
class RoadmapAdmin(admin.ModelAdmin):
    list_display = ["title", "sector", "horizon_year", "published", "is_current"]
    list_filter = ["sector", "is_current"]
    search_fields = ["title", "vision", "slug"]
    autocomplete_fields = ["sector"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_enabler", "order"]
    list_filter = ["is_enabler"]
    search_fields = ["name", "slug"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["code", "title", "due_date", "status", "provenance"]
    # Status changes need a note and go through the service: edit them on the milestone page.
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        """Under a target, stewards see their own sectors' milestones only (none elsewhere)."""
        return stewarded_only(super().get_queryset(request), request)

    # Stewards read targets; milestones are changed one by one, where their sector is checked.
    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "roadmap", "theme", "target_year", "provenance"]
    list_filter = ["roadmap__sector", "theme", "provenance", "target_year"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["roadmap", "theme"]
    filter_horizontal = ["stakeholder_groups"]
    inlines = [MilestoneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("roadmap__sector", "theme")


class MilestoneUpdateInline(admin.TabularInline):
    model = MilestoneUpdate
    fields = ["created_at", "status_before", "status_after", "note", "evidence_url", "author"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The admin form's fields that belong to a status change, not to the milestone's content.
STATUS_FORM_FIELDS = {"status", "status_note", "evidence_url", "expected_version"}


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    form = MilestoneAdminForm
    list_display = ["code", "title", "target", "due_date", "status", "provenance", "updated_at"]
    list_filter = ["status", "provenance", "target__roadmap__sector", "target__theme"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["target"]
    filter_horizontal = ["stakeholder_groups"]
    date_hierarchy = "due_date"
    readonly_fields = ["version", "updated_at"]
    fieldsets = [
        (None, {"fields": ["target", "code", "title", "description", "due_date"]}),
        (_("Responsibility"), {"fields": ["stakeholder_groups"]}),
        (
            _("Status"),
            {"fields": ["status", "status_note", "evidence_url", "expected_version", "version"]},
        ),
        (_("Source"), {"fields": ["source_title", "source_url", "provenance", "updated_at"]}),
    ]
    inlines = [MilestoneUpdateInline]

    def get_queryset(self, request):
        """Stewards see their own sectors' milestones only (changelist, actions, objects)."""
        queryset = super().get_queryset(request).select_related("target__roadmap__sector")
        return stewarded_only(queryset, request)

    def get_object(self, request, object_id, from_field=None):
        """Another sector's milestone is refused (403), not reported as missing."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not request.user.is_superuser:
            unrestricted = super().get_queryset(request)
            field = unrestricted.model._meta.pk if from_field is None else None
            if field is not None:
                try:
                    exists = unrestricted.filter(pk=field.to_python(object_id)).exists()
                except ValidationError:
                    exists = False
                if exists:
                    raise PermissionDenied
        return obj

    def _stewards(self, request, obj) -> bool:
        if request.user.is_superuser or obj is None:
            return True
        return obj.target.roadmap.sector.is_stewarded_by(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._stewards(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._stewards(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._stewards(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        fields = [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]
        # A steward may change the status only; content (and the target, hence the sector)
        # is the administrators'.
        return [field for field in fields if field not in STATUS_FORM_FIELDS]

    def save_model(self, request, obj, form, change):
        """Content is saved here; a status change goes through record_status_update."""
        new_status = form.cleaned_data["status"]
        status_changed = "status" in form.changed_data
        obj.updated_at = timezone.now()
        with transaction.atomic():
            if change:
                # Content edits must not overwrite a status change made in between either.
                current = Milestone.objects.select_for_update().get(pk=obj.pk)
                expected = form.cleaned_data.get("expected_version") or obj.version
                if current.version != expected:
                    raise StaleVersionError(current, expected)
                # The status itself changes only through record_status_update below.
                obj.status = current.status
                # A content edit is a new version too, so a form read before it cannot
                # silently overwrite it (the staff form and the import check the same number).
                content_changed = set(form.changed_data) - STATUS_FORM_FIELDS
                obj.version = current.version + (1 if content_changed else 0)
            else:
                obj.status = Status.NOT_STARTED
            obj.save()
            if status_changed and new_status != obj.status:
                record_status_update(
                    milestone=obj,
                    status=new_status,
                    note=form.cleaned_data["status_note"],
                    evidence_url=form.cleaned_data.get("evidence_url") or "",
                    author=request.user,
                    expected_version=obj.version,
                )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError as exc:
            self.message_user(
                request,
                _(
                    "%(code)s was changed by someone else while you edited it (now %(status)s). "
                    "Nothing was saved; review the current version and try again."
                )
                % {"code": exc.milestone.code, "status": exc.milestone.get_status_display()},
                level=messages.ERROR,
            )
            return redirect(request.path)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level=messages.ERROR)
            return redirect(request.path)


@admin.register(MilestoneUpdate)
class MilestoneUpdateAdmin(admin.ModelAdmin):
    """History is append-only: viewable here, never added, changed or deleted."""

    list_display = ["milestone", "created_at", "status_before", "status_after", "author"]
    list_filter = ["status_after", "milestone__target__roadmap__sector"]
    search_fields = ["milestone__code", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["milestone", "author"]
    actions = None

    def get_queryset(self, request):
        return stewarded_only(super().get_queryset(request), request, field="milestone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Minerals and value-chain stages: reference data and their links, edited by administrators
# (the links are declared on these models, so they are edited here, not on the milestone).


@admin.register(Mineral)
class MineralAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "symbol", "is_critical", "is_strategic"]
    list_filter = ["is_critical", "is_strategic", "sectors"]
    search_fields = ["name", "slug", "symbol"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sectors", "targets", "milestones"]


@admin.register(ValueChainStage)
class ValueChainStageAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["milestones"]
