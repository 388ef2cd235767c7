from __future__ import annotations

from django.urls import path

from fanshelf.community import views

app_name = "community"
urlpatterns = [
    path("works/<int:work_id>/kudos/", views.kudos, name="kudos"),
]
