from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("", views.reference, name="reference"),
    path("openapi.json", views.openapi_json, name="openapi"),
]
