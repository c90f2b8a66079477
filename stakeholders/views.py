from django.shortcuts import get_object_or_404, render

from stakeholders.models import StakeholderGroup


def group_detail(request, slug):
    group = get_object_or_404(StakeholderGroup, slug=slug)
    return render(request, "stakeholders/group_detail.html", {"group": group})
