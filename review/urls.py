from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("staff/proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("staff/proposals/<int:pk>/approve/", views.approve, name="proposal-approve"),
    path("staff/proposals/<int:pk>/return/", views.return_, name="proposal-return"),
]
