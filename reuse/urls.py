from django.urls import path, register_converter

from resourcing.lib.validators import CodeConverter
from reuse import views

register_converter(CodeConverter, "reuse_code")

app_name = "reuse"

# Stable addresses: other sites link to them.
urlpatterns = [
    path("sectors/<slug:slug>/badge.svg", views.sector_badge, name="sector-badge"),
    path("milestones/<reuse_code:code>/badge.svg", views.milestone_badge, name="milestone-badge"),
    path("indicators/<reuse_code:code>/badge.svg", views.indicator_badge, name="indicator-badge"),
    path("embed/sectors/<slug:slug>/", views.embed_sector, name="embed-sector"),
    path("embed/indicators/<reuse_code:code>/", views.embed_indicator, name="embed-indicator"),
    path("sectors/<slug:slug>/report/", views.sector_report, name="sector-report"),
]
