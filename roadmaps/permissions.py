"""Who may change what: the one place that says so.

- Consortium staff (active, `is_staff`) may use the staff pages; others get 403.
- A steward may change the status of the milestones of the sectors listed as theirs
  (`Sector.stewards`), and re-date them with a reason (a deadline change is history, like a
  status change), and only while they are active staff holding the change-milestone
  permission (the "Consortium staff" group gives it). Superusers steward every sector.
- Content (titles, dates, targets, stewards) is the administrators' (superusers').

The staff views, the admin and the services ask here; none of them repeats the rule.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from roadmaps.models import STEWARD_PERMISSION, Milestone, Sector


def is_staff_member(user) -> bool:
    return bool(user.is_active and (user.is_staff or user.is_superuser))


def require_staff_member(user) -> None:
    """Anonymous visitors were sent to the login page already; other non-staff get 403."""
    if not is_staff_member(user):
        raise PermissionDenied(_("Only consortium staff may use these pages."))


def _may_steward_any(user) -> bool:
    """Active staff with the steward permission (before looking at which sectors)."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or (user.is_staff and user.has_perm(STEWARD_PERMISSION)))
    )


def stewarded_sectors(user) -> QuerySet:
    """The sectors whose milestones this user may update."""
    if not _may_steward_any(user):
        return Sector.objects.none()
    if user.is_superuser:
        return Sector.objects.all()
    return Sector.objects.filter(stewards=user)


def stewarded_milestones(user, queryset: QuerySet | None = None) -> QuerySet:
    """The milestones (of `queryset`, default all) this user may update."""
    queryset = Milestone.objects.all() if queryset is None else queryset
    if not _may_steward_any(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(target__roadmap__sector__stewards=user)


def can_steward(user, sector: Sector) -> bool:
    if not _may_steward_any(user):
        return False
    return user.is_superuser or sector.stewards.filter(pk=user.pk).exists()


def can_steward_milestone(user, milestone: Milestone) -> bool:
    return can_steward(user, milestone.target.roadmap.sector)


def require_steward(user, milestone: Milestone) -> None:
    """403 unless the user may update this milestone's status."""
    if not can_steward_milestone(user, milestone):
        raise PermissionDenied(_("You do not steward this milestone's sector."))


def can_edit_content(user) -> bool:
    """Milestone and target content, and imports, are the administrators'."""
    return bool(user.is_active and user.is_superuser)


def restrict_to_stewarded(queryset: QuerySet, user, field: str = "pk") -> QuerySet:
    """Rows (milestones, or rows pointing at one through `field`) of the user's sectors."""
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{field}__in": stewarded_milestones(user).values("pk")})
