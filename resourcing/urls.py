from django.contrib import admin
from django.urls import include, path

from resourcing import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("stakeholders/", include("stakeholders.urls")),
    path("", include("roadmaps.urls")),
]
