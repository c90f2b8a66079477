from django.urls import path

from roadmaps import views

app_name = "roadmaps"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("sectors/<slug:slug>/", views.sector_dashboard, name="sector-dashboard"),
    path("milestones/<str:code>/", views.milestone_detail, name="milestone-detail"),
]
