from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("<slug:slug>/", views.group_detail, name="group-detail"),
]
