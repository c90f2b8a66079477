from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("<slug:slug>/", views.group_detail, name="group-detail"),
]
