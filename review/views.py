"""Staff: one proposal, and its approval or return (login required, never cached)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from indicators.services import StaleVersionError as IndicatorStaleVersionError
from review.forms import ReturnForm
from review.models import Proposal
from review.services import ProposalDecidedError, approve_proposal, return_proposal
from roadmaps.permissions import (
    can_decide_proposal,
    can_steward,
    require_decide_proposal,
    require_staff_member,
)
from roadmaps.services import StaleVersionError


def _proposal(request, pk) -> Proposal:
    require_staff_member(request.user)
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "milestone__target__roadmap__sector", "indicator", "proposer", "decided_by"
        ),
        pk=pk,
    )
    # Its proposer and the stewards of its sector may see it; no one else.
    if request.user.pk != proposal.proposer_id and not any(
        can_steward(request.user, sector) for sector in proposal.sectors
    ):
        raise PermissionDenied(_("You do not steward this proposal's sector."))
    return proposal


def _render(request, proposal, *, form=None, conflict="", status=200):
    subject = type(proposal.subject).objects.get(pk=proposal.subject.pk)
    return render(
        request,
        "review/proposal_detail.html",
        {
            "proposal": proposal,
            "current": subject,
            "is_stale": subject.version != proposal.base_version,
            "may_decide": proposal.state == "pending"
            and can_decide_proposal(request.user, proposal),
            "form": form or ReturnForm(),
            "conflict": conflict,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def proposal_detail(request, pk):
    return _render(request, _proposal(request, pk))


@never_cache
@login_required
@require_POST
def approve(request, pk):
    proposal = _proposal(request, pk)
    require_decide_proposal(request.user, proposal)
    try:
        approve_proposal(proposal=proposal, user=request.user)
    except ProposalDecidedError as exc:
        return _render(request, exc.proposal, conflict=_decided_message(exc.proposal), status=409)
    except (StaleVersionError, IndicatorStaleVersionError):
        message = _(
            "%(code)s changed since this proposal was made (it is at version %(version)s, the "
            "proposal was made on version %(base)s). Nothing was published: return it so its "
            "proposer can propose again against the current state."
        )
        subject = type(proposal.subject).objects.get(pk=proposal.subject.pk)
        conflict = message % {
            "code": subject.code,
            "version": subject.version,
            "base": proposal.base_version,
        }
        return _render(request, proposal, conflict=conflict, status=409)
    except ValidationError as exc:
        return _render(request, proposal, conflict=" ".join(exc.messages), status=400)
    messages.success(
        request,
        _("The proposal for %(code)s is approved and public.") % {"code": proposal.subject.code},
    )
    return redirect(proposal.subject)


@never_cache
@login_required
@require_POST
def return_(request, pk):
    proposal = _proposal(request, pk)
    require_decide_proposal(request.user, proposal)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render(request, proposal, form=form, status=400)
    try:
        mailed = return_proposal(
            proposal=proposal, user=request.user, comment=form.cleaned_data["comment"]
        )
    except ProposalDecidedError as exc:
        return _render(request, exc.proposal, conflict=_decided_message(exc.proposal), status=409)
    if mailed:
        text = _("The proposal for %(code)s is returned; its proposer was e-mailed.")
    else:
        text = _("The proposal for %(code)s is returned (its proposer has no e-mail address).")
    messages.success(request, text % {"code": proposal.subject.code})
    return redirect("roadmaps:staff-queue")


def _decided_message(proposal) -> str:
    return _("This proposal was %(state)s already by %(who)s. Nothing was written.") % {
        "state": proposal.get_state_display().lower(),
        "who": proposal.decided_by.display_name if proposal.decided_by else "\u2013",
    }
