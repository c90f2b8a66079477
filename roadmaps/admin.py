"""The admin. Milestones are written through roadmaps.services (content and status each by
their writer, which owns `version`); who may change what is roadmaps.permissions'."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from resourcing.lib.admin import ReadOnlyAdmin
from review.services import propose_status_change, review_required
from roadmaps import admin_import
from roadmaps.forms import MilestoneAdminForm, conflict_message
from roadmaps.models import (
    Milestone,
    MilestoneUpdate,
    Mineral,
    Roadmap,
    Sector,
    Target,
    Theme,
    ValueChainStage,
)
from roadmaps.permissions import (
    can_edit_content,
    can_send_data_calls,
    can_steward_milestone,
    restrict_to_stewarded,
)
from roadmaps.services import (
    MILESTONE_CHANGEABLE,
    MILESTONE_TRANSLATIONS,
    TARGET_CHANGEABLE,
    TARGET_TRANSLATIONS,
    StaleVersionError,
    create_milestone,
    create_target,
    record_deadline_change,
    record_status_update,
    update_milestone_content,
    update_target_content,
)
from roadmaps.translation_admin import TranslatedContentAdmin


@admin.register(Sector)
class SectorAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "order",
        "lead_partner",
        "review_interval_months",
        "review_required",
    ]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["stewards"]
    actions = ["send_data_call_now"]

    def has_send_data_call_permission(self, request):
        return can_send_data_calls(request.user)

    @admin.action(description=_("Send data call now (one sector)"), permissions=["send_data_call"])
    def send_data_call_now(self, request, queryset):
        """The daily data call of one sector, now: stewards already called today for it are
        not called twice (review.data_calls)."""
        from resourcing.lib.dates import today
        from review.data_calls import send_data_calls

        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one sector to send its data call."), messages.ERROR
            )
            return
        sector = queryset.get()
        result = send_data_calls(day=today(), sectors=queryset)
        for digest, error in result.failed:
            self.message_user(
                request,
                _("The data call to %(user)s could not be sent: %(error)s")
                % {"user": digest.steward.username, "error": error},
                messages.ERROR,
            )
        self.message_user(
            request,
            _("%(sector)s: data call sent to %(count)s steward(s).")
            % {"sector": sector.name, "count": len(result.sent)},
            messages.SUCCESS if result.sent else messages.INFO,
        )


@admin.register(Roadmap)
class RoadmapAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    list_display = ["title", "sector", "horizon_year", "published", "is_current"]
    list_filter = ["sector", "is_current"]
    search_fields = ["title", "vision", "slug"]
    autocomplete_fields = ["sector"]


@admin.register(Theme)
class ThemeAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_enabler", "order"]
    list_filter = ["is_enabler"]
    search_fields = ["name", "slug"]


class MilestoneInline(ReadOnlyAdmin, admin.TabularInline):
    """A target's milestones, read only: each is changed on its own page, through the
    writers of roadmaps.services and against the version its form was read at."""

    model = Milestone
    fields = ["code", "title", "due_date", "status", "provenance"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        """Under a target, stewards see their own sectors' milestones only (none elsewhere)."""
        return restrict_to_stewarded(super().get_queryset(request), request.user)


@admin.register(Target)
class TargetAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    list_display = ["code", "title", "roadmap", "theme", "target_year", "provenance"]
    list_filter = ["roadmap__sector", "theme", "provenance", "target_year"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["roadmap", "theme"]
    filter_horizontal = ["stakeholder_groups"]
    inlines = [MilestoneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("roadmap__sector", "theme")

    def save_model(self, request, obj, form, change):
        """Through the target writers: a save that changes nothing writes nothing."""
        cleaned = form.cleaned_data
        values = {
            name: cleaned[name]
            for name in TARGET_CHANGEABLE | TARGET_TRANSLATIONS
            if name in cleaned
        }
        groups = list(cleaned.get("stakeholder_groups") or [])
        if change:
            update_target_content(target=obj, changes={**values, "stakeholder_groups": groups})
        else:
            obj.pk = create_target(values=values, stakeholder_groups=groups).pk

    def save_related(self, request, form, formsets, change):
        # The stakeholder groups were written by the target writer.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class MilestoneUpdateInline(ReadOnlyAdmin, admin.TabularInline):
    model = MilestoneUpdate
    fields = [
        "created_at",
        "kind",
        "status_before",
        "status_after",
        "due_date_before",
        "due_date_after",
        "note",
        "evidence_url",
        "author",
        "approved_by",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at"]


# The admin form's fields that belong to a status change, not to the milestone's content.
STATUS_FORM_FIELDS = {"status", "status_note", "evidence_url", "expected_version"}
# The ones that belong to a due-date change (content: the administrators').
DEADLINE_FORM_FIELDS = ["deadline_reason", "deadline_evidence_url"]


@admin.register(Milestone)
class MilestoneAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    form = MilestoneAdminForm
    list_display = ["code", "title", "target", "due_date", "status", "provenance", "updated_at"]
    list_filter = ["status", "provenance", "target__roadmap__sector", "target__theme"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["target"]
    filter_horizontal = ["stakeholder_groups"]
    date_hierarchy = "due_date"
    readonly_fields = ["version", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "target",
                    "code",
                    "title",
                    "description",
                    "due_date",
                    "is_project_event",
                ]
            },
        ),
        (
            _("Deadline change"),
            {
                "fields": DEADLINE_FORM_FIELDS,
                "description": _(
                    "A new due date is kept in the public history with its reason; the "
                    "original date stays visible."
                ),
            },
        ),
        (_("Responsibility"), {"fields": ["stakeholder_groups"]}),
        (
            _("Status"),
            {"fields": ["status", "status_note", "evidence_url", "expected_version", "version"]},
        ),
        (_("Source"), {"fields": ["source_title", "source_url", "provenance", "updated_at"]}),
    ]
    inlines = [MilestoneUpdateInline]

    def get_urls(self):
        """The import pages (roadmaps/admin_import.py), before the model's own: the change
        view's `<path:object_id>/` would take `import/` for a milestone."""
        return [
            path(
                "import/",
                self.admin_site.admin_view(admin_import.upload),
                name="roadmaps_milestone_import",
            ),
            path(
                "import/apply/",
                self.admin_site.admin_view(admin_import.apply),
                name="roadmaps_milestone_import_apply",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        """Stewards see their own sectors' milestones only (changelist, actions, objects)."""
        queryset = super().get_queryset(request).select_related("target__roadmap__sector")
        return restrict_to_stewarded(queryset, request.user)

    def get_object(self, request, object_id, from_field=None):
        """Another sector's milestone is refused (403), not reported as missing."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not can_edit_content(request.user):
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

    # Per object: a steward only for their own sectors' milestones (roadmaps.permissions).
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or can_steward_milestone(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or can_steward_milestone(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or can_steward_milestone(request.user, obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not can_edit_content(request.user):
            # No due date to change yet, or not theirs to change (stewards re-date through
            # the staff form).
            fieldsets = [entry for entry in fieldsets if entry[1]["fields"] != DEADLINE_FORM_FIELDS]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if can_edit_content(request.user):
            return self.readonly_fields
        fields = [
            field
            for fieldset in self.get_fieldsets(request, obj)
            for field in fieldset[1]["fields"]
        ]
        # A steward may change the status only; content (and the target, hence the sector,
        # and the translations) is the administrators'.
        return [
            field
            for field in fields
            if field not in STATUS_FORM_FIELDS and field not in DEADLINE_FORM_FIELDS
        ]

    def save_model(self, request, obj, form, change):
        """Content through the content writer, a new due date through record_deadline_change
        (with the form's reason), a status change through record_status_update.

        All check the version the form was read at (`expected_version`): a change made in
        between by anyone (the staff form, an import, another administrator) is a conflict.
        The form's own check (MilestoneAdminForm.clean) answers most conflicts with the newer
        values; these catch one that lands between that check and this write.
        """
        cleaned = form.cleaned_data
        content = {
            name: cleaned[name]
            for name in MILESTONE_CHANGEABLE | MILESTONE_TRANSLATIONS
            if name in cleaned
        }
        new_status = cleaned.get("status")
        # Runs inside the admin's transaction: content, status and history commit together.
        if change:
            update_milestone_content(
                milestone=obj,
                changes=content,
                expected_version=cleaned.get("expected_version") or obj.version,
            )
            if "due_date" in form.changed_data:
                record_deadline_change(
                    milestone=obj,
                    due_date=cleaned["due_date"],
                    reason=cleaned["deadline_reason"],
                    evidence_url=cleaned.get("deadline_evidence_url") or "",
                    author=request.user,
                    expected_version=obj.version,
                )
            status_changed = "status" in form.changed_data
            obj.status = form.initial.get("status", obj.status)  # the form set the new one
        else:
            created = create_milestone(
                target=content.pop("target"),
                code=content.pop("code"),
                stakeholder_groups=content.pop("stakeholder_groups", ()),
                values={**content, "due_date": cleaned["due_date"]},
            )
            obj.pk, obj.status, obj.version = created.pk, created.status, created.version
            obj.updated_at = created.updated_at
            status_changed = new_status is not None and new_status != created.status
        if status_changed and review_required(obj, request.user):
            # A steward's status change in the admin waits for review like the staff form's.
            propose_status_change(
                milestone=obj,
                status=new_status,
                note=cleaned["status_note"],
                evidence_url=cleaned.get("evidence_url") or "",
                proposer=request.user,
                expected_version=obj.version,
            )
            self.message_user(
                request,
                _("The status change awaits review by another steward of the sector."),
                messages.WARNING,
            )
        elif status_changed:
            record_status_update(
                milestone=obj,
                status=new_status,
                note=cleaned["status_note"],
                evidence_url=cleaned.get("evidence_url") or "",
                author=request.user,
                expected_version=obj.version,
            )

    def save_related(self, request, form, formsets, change):
        # The stakeholder groups were written by the content writer (form.save_m2m would
        # write them a second time, around the version check).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersionError as exc:
            self.message_user(request, conflict_message(exc.milestone), level=messages.ERROR)
            return redirect(request.path)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level=messages.ERROR)
            return redirect(request.path)
        # The form came back with the newer values (MilestoneAdminForm.clean): 409, as the
        # staff form answers a conflict.
        adminform = getattr(response, "context_data", {}).get("adminform")
        if adminform is not None and getattr(adminform.form, "conflict", None) is not None:
            response.status_code = 409
        return response


@admin.register(MilestoneUpdate)
class MilestoneUpdateAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """History is append-only: viewable here, never added, changed or deleted."""

    list_display = [
        "milestone",
        "created_at",
        "kind",
        "status_before",
        "status_after",
        "due_date_before",
        "due_date_after",
        "author",
        "approved_by",
    ]
    list_filter = ["kind", "status_after", "milestone__target__roadmap__sector"]
    search_fields = ["milestone__code", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["milestone", "author", "approved_by"]
    actions = None

    def get_queryset(self, request):
        return restrict_to_stewarded(super().get_queryset(request), request.user, "milestone")


# Minerals and value-chain stages: reference data and their links, edited by administrators
# (the links are declared on these models, so they are edited here, not on the milestone).


@admin.register(Mineral)
class MineralAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "symbol", "is_critical", "is_strategic"]
    list_filter = ["is_critical", "is_strategic", "sectors"]
    search_fields = ["name", "slug", "symbol"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sectors", "targets", "milestones"]


@admin.register(ValueChainStage)
class ValueChainStageAdmin(TranslatedContentAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["milestones"]
