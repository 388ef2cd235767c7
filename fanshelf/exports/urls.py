from __future__ import annotations

from django.urls import path

from fanshelf.exports import views

app_name = "exports"
urlpatterns = [
    path("users/<str:username>/export/", views.export_page, name="export"),
    path("users/<str:username>/export/zip/", views.export_zip, name="download"),
]
