from django.shortcuts import get_object_or_404, render

from roadmaps.models import Milestone, Sector


def overview(request):
    sectors = Sector.objects.all()
    return render(request, "roadmaps/overview.html", {"sectors": sectors})


def sector_dashboard(request, slug):
    sector = get_object_or_404(Sector, slug=slug)
    return render(request, "roadmaps/sector_dashboard.html", {"sector": sector})


def milestone_detail(request, code):
    milestones = Milestone.objects.select_related("target__roadmap__sector")
    milestone = get_object_or_404(milestones, code=code)
    return render(request, "roadmaps/milestone_detail.html", {"milestone": milestone})
