from django.urls import path

from api import views
from resourcing.lib.languages import language_neutral

app_name = "api"

urlpatterns = [
    path("", views.reference, name="reference"),
    # Data: English, at one address whatever the language.
    path("openapi.json", language_neutral(views.openapi_json), name="openapi"),
]
