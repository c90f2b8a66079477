"""Consortium staff: the work queue, the status update form and the re-dating form (login
required, never cached)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from resourcing.lib.dates import today
from review.models import Proposal
from review.services import propose_deadline_change, propose_status_change, review_required
from roadmaps.filters import MilestoneFilter
from roadmaps.forms import DeadlineChangeForm, StatusUpdateForm
from roadmaps.freshness import milestone_freshness
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
    milestones = list(page.object_list)
    for milestone in milestones:
        # "Stale" is the public "not reviewed" rule (roadmaps.freshness), nothing else.
        milestone.freshness = milestone_freshness(milestone, as_of)
        milestone.is_stale = not milestone.freshness.is_current
    return render(
        request,
        "staff/work_queue.html",
        {
            "filter": filterset,
            "sectors": sectors,
            # Proposals awaiting review come first: nothing of them is public yet.
            "proposals": list(Proposal.objects.for_queue(request.user)),
            "page": page,
            "milestones": milestones,
            "count": page.paginator.count,
            "as_of": as_of,
        },
    )


def _milestone_change(request, code, change):
    """The flow both staff forms share: the steward check, the form, the writer (or, with
    review before publication, a proposal), a stale version answered 409 with the newer values
    and what was typed kept, a writer's ValidationError 400 on its field, a redirect after."""
    require_staff_member(request.user)
    milestones = Milestone.objects.select_related("target__roadmap__sector")
    milestone = get_object_or_404(milestones, code=code)
    require_steward(request.user, milestone)

    conflict = None
    status = 200
    if request.method != "POST":
        form = change.form({**change.initial(milestone), "version": milestone.version})
    else:
        form = change.form(request.POST, bound=True)
        if form.is_valid():
            before = change.before(milestone)
            held = review_required(milestone, request.user)
            write = change.propose if held else change.write
            who = {"proposer": request.user} if held else {"author": request.user}
            try:
                write(
                    milestone=milestone,
                    expected_version=form.cleaned_data["version"],
                    **change.arguments(form.cleaned_data),
                    **who,
                )
            except StaleVersionError as exc:
                # Keep what the steward typed; confirming again means against the new version
                # (the page shows the newer values and the latest change).
                for name in ("status", "due_date", "version", "updated_at"):
                    setattr(milestone, name, getattr(exc.milestone, name))
                conflict = milestone.updates.select_related("author").latest_first().first()
                data = request.POST.copy()
                data["version"] = str(milestone.version)
                form = change.form(data, bound=True)
                status = 409
            except ValidationError as exc:
                _add_service_errors(form, exc)
                status = 400
            else:
                if held:
                    messages.success(request, change.held_message % {"code": milestone.code})
                    return redirect("roadmaps:staff-queue")
                messages.success(request, change.done_message(milestone, before))
                return redirect(milestone)
        else:
            status = 400

    recent = milestone.updates.select_related("author").latest_first()[:RECENT_UPDATES]
    return render(
        request,
        change.template,
        {"milestone": milestone, "form": form, "conflict": conflict, "recent": recent},
        status=status,
    )


@dataclass(frozen=True)
class _Change:
    """What differs between the two staff forms: the field changed, the text that explains
    it, the writer and proposer, the template and the messages."""

    template: str
    form_class: type
    field: str  # the milestone's field the change sets
    explanation: str  # the form field that says why
    write: Callable
    propose: Callable
    held_message: str  # %(code)s
    done_message: Callable  # (milestone, value before) -> message

    def form(self, data, bound=False):
        return self.form_class(data) if bound else self.form_class(initial=data)

    def initial(self, milestone):
        return {self.field: self.before(milestone)}

    def before(self, milestone):
        return getattr(milestone, self.field)

    def arguments(self, cleaned):
        return {
            self.field: cleaned[self.field],
            self.explanation: cleaned[self.explanation],
            "evidence_url": cleaned["evidence_url"],
        }


def _status_changed(milestone, before):
    return _("%(code)s is now “%(status)s”. Your note is in its public history.") % {
        "code": milestone.code,
        "status": milestone.get_status_display(),
    }


def _redated(milestone, before):
    return _("%(code)s is now due %(new)s (was %(old)s). Your reason is in its public history.") % {
        "code": milestone.code,
        "new": milestone.due_date.isoformat(),
        "old": before.isoformat(),
    }


_STATUS_CHANGE = _Change(
    template="staff/update_milestone.html",
    form_class=StatusUpdateForm,
    field="status",
    explanation="note",
    write=record_status_update,
    propose=propose_status_change,
    held_message=gettext_lazy(
        "Your change of %(code)s awaits review: another steward of the "
        "sector approves it before it is public."
    ),
    done_message=_status_changed,
)
_DEADLINE_CHANGE = _Change(
    template="staff/redate_milestone.html",
    form_class=DeadlineChangeForm,
    field="due_date",
    explanation="reason",
    write=record_deadline_change,
    propose=propose_deadline_change,
    held_message=gettext_lazy(
        "Your re-dating of %(code)s awaits review: another steward of the "
        "sector approves it before it is public."
    ),
    done_message=_redated,
)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_milestone(request, code):
    """A steward records a status change of a milestone of their sector, with a note."""
    return _milestone_change(request, code, _STATUS_CHANGE)


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
    return _milestone_change(request, code, _DEADLINE_CHANGE)
