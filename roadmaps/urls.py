from django.urls import path, register_converter

from resourcing.lib.languages import language_neutral
from resourcing.lib.validators import CodeConverter
from roadmaps import feeds, info_views, open_data_views, staff_views, views, views_minerals

register_converter(CodeConverter, "code")

app_name = "roadmaps"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("sectors/<slug:slug>/", views.sector_dashboard, name="sector-dashboard"),
    path("sectors/<slug:slug>/milestones/", views.milestone_list, name="milestone-list"),
    path("milestones/<code:code>/", views.milestone_detail, name="milestone-detail"),
    path("staff/", staff_views.work_queue, name="staff-queue"),
    path(
        "staff/milestones/<code:code>/update/",
        staff_views.update_milestone,
        name="staff-update",
    ),
    path(
        "staff/milestones/<code:code>/redate/",
        staff_views.redate_milestone,
        name="staff-redate",
    ),
    path("methodology/", info_views.methodology, name="methodology"),
    path("search/", info_views.search_view, name="search"),
    path("feeds/", info_views.feeds_page, name="feeds"),
    # Data: English, at one address whatever the language (resourcing/lib/languages.py).
    path("feeds/updates.atom", language_neutral(feeds.UpdatesFeed()), name="updates-feed"),
    path("data/", open_data_views.open_data, name="open-data"),
    path(
        "data/resourcing-milestones.csv",
        language_neutral(open_data_views.dataset),
        {"data_format": "csv"},
        name="open-data-csv",
    ),
    path(
        "data/resourcing-milestones.json",
        language_neutral(open_data_views.dataset),
        {"data_format": "json"},
        name="open-data-json",
    ),
    path(
        "sectors/<slug:slug>/updates.atom",
        language_neutral(feeds.SectorUpdatesFeed()),
        name="sector-updates-feed",
    ),
    path("minerals/", views_minerals.mineral_index, name="mineral-index"),
    path("minerals/<slug:slug>/", views_minerals.mineral_detail, name="mineral-detail"),
]
