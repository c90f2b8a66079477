"""Consortium staff: the work queue, the status update form and the re-dating form (login
required, never cached)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from resourcing.lib.dates import today
from roadmaps.filters import MilestoneFilter
from roadmaps.forms import DeadlineChangeForm, StatusUpdateForm
from roadmaps.models import Milestone, Target
from roadmaps.permissions import (
    require_staff_member,
    require_steward,
    stewarded_milestones,
    stewarded_sectors,
)
from roadmaps.progress import with_status_as_of
from roadmaps.services import StaleVersionError, record_deadline_change, record_status_update

RECENT_UPDATES = 5
# The queue is paginated like the public list: a sector may hold thousands of milestones.
QUEUE_PAGE_SIZE = 50


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def work_queue(request):
    require_staff_member(request.user)
    as_of = today()
    sectors = stewarded_sectors(request.user).order_by("order", "slug")
    milestones = with_status_as_of(
        stewarded_milestones(request.user, Milestone.objects.for_staff_queue(as_of)), as_of
    )
    targets = Target.objects.filter(roadmap__sector__in=sectors).order_by("code")
    filterset = MilestoneFilter(request.GET or None, milestones, as_of=as_of, targets=targets)
    # The queue has its own order (what needs attention first); the public list's `ordering`
    # would always be submitted by the form and undo it.
    del filterset.form.fields["ordering"]
    if filterset.is_bound and not filterset.is_valid():
        return render(
            request,
            "staff/work_queue.html",
            {"filter": filterset, "sectors": sectors, "milestones": [], "count": 0, "as_of": as_of},
            status=400,
        )
    rows = filterset.qs.order_by("queue_rank", "due_date", "code")
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/work_queue.html",
        {
            "filter": filterset,
            "sectors": sectors,
            "page": page,
            "milestones": page.object_list,
            "count": page.paginator.count,
            "as_of": as_of,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_milestone(request, code):
    require_staff_member(request.user)
    milestones = Milestone.objects.select_related("target__roadmap__sector")
    milestone = get_object_or_404(milestones, code=code)
    require_steward(request.user, milestone)

    conflict = None
    status = 200
    if request.method != "POST":
        form = StatusUpdateForm(initial={"status": milestone.status, "version": milestone.version})
    else:
        form = StatusUpdateForm(request.POST)
        if form.is_valid():
            try:
                record_status_update(
                    milestone=milestone,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    evidence_url=form.cleaned_data["evidence_url"],
                    author=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersionError as exc:
                # Keep what the steward typed; confirming again means against the new version.
                milestone.status = exc.milestone.status
                milestone.version = exc.milestone.version
                milestone.updated_at = exc.milestone.updated_at
                conflict = milestone.updates.select_related("author").latest_first().first()
                data = request.POST.copy()
                data["version"] = str(milestone.version)
                form = StatusUpdateForm(data)
                status = 409
            except ValidationError as exc:
                _add_service_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("%(code)s is now “%(status)s”. Your note is in its public history.")
                    % {"code": milestone.code, "status": milestone.get_status_display()},
                )
                return redirect(milestone)
        else:
            status = 400

    recent = milestone.updates.select_related("author").latest_first()[:RECENT_UPDATES]
    return render(
        request,
        "staff/update_milestone.html",
        {"milestone": milestone, "form": form, "conflict": conflict, "recent": recent},
        status=status,
    )


def _add_service_errors(form, exc: ValidationError) -> None:
    """A writer's ValidationError names the field; show it there (else above the form)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages_ in errors.items():
        form.add_error(field if field in form.fields else None, messages_)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def redate_milestone(request, code):
    """A steward re-dates a milestone of their sector: the change and its reason are history
    (record_deadline_change), like a status update."""
    require_staff_member(request.user)
    milestones = Milestone.objects.select_related("target__roadmap__sector")
    milestone = get_object_or_404(milestones, code=code)
    require_steward(request.user, milestone)

    conflict = None
    status = 200
    if request.method != "POST":
        form = DeadlineChangeForm(
            initial={"due_date": milestone.due_date, "version": milestone.version}
        )
    else:
        form = DeadlineChangeForm(request.POST)
        if form.is_valid():
            previous = milestone.due_date
            try:
                record_deadline_change(
                    milestone=milestone,
                    due_date=form.cleaned_data["due_date"],
                    reason=form.cleaned_data["reason"],
                    evidence_url=form.cleaned_data["evidence_url"],
                    author=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersionError as exc:
                # Keep what the steward typed; confirming again means against the new version
                # (the page shows the newer due date and the latest change).
                milestone.due_date = exc.milestone.due_date
                milestone.status = exc.milestone.status
                milestone.version = exc.milestone.version
                conflict = milestone.updates.select_related("author").latest_first().first()
                data = request.POST.copy()
                data["version"] = str(milestone.version)
                form = DeadlineChangeForm(data)
                status = 409
            except ValidationError as exc:
                _add_service_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "%(code)s is now due %(new)s (was %(old)s). Your reason is in its "
                        "public history."
                    )
                    % {
                        "code": milestone.code,
                        "new": milestone.due_date.isoformat(),
                        "old": previous.isoformat(),
                    },
                )
                return redirect(milestone)
        else:
            status = 400

    recent = milestone.updates.select_related("author").latest_first()[:RECENT_UPDATES]
    return render(
        request,
        "staff/redate_milestone.html",
        {"milestone": milestone, "form": form, "conflict": conflict, "recent": recent},
        status=status,
    )
