from django.urls import path, register_converter

from indicators import views
from resourcing.lib.validators import CodeConverter

register_converter(CodeConverter, "indicator_code")

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator-list"),
    path("indicators/<indicator_code:code>/", views.indicator_detail, name="indicator-detail"),
    path(
        "staff/indicators/<indicator_code:code>/measurements/new/",
        views.record_measurement_view,
        name="record-measurement",
    ),
    path("methodology/", views.methodology, name="methodology"),
]
