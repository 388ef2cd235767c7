from __future__ import annotations

from django.urls import path

from fanshelf.works import views

app_name = "works"
urlpatterns = [
    path("<int:work_id>/", views.work_detail, name="detail"),
]
