from __future__ import annotations

from django.urls import path

from fanshelf.imports import views

app_name = "imports"
urlpatterns = [path("", views.upload, name="upload")]
