from __future__ import annotations

from django.urls import path

from fanshelf.spam import views

app_name = "spam"
urlpatterns = [
    path("", views.review, name="review"),
    path("<int:check_id>/", views.decide, name="decide"),
]
