from __future__ import annotations

from django.urls import path

from fanshelf.moderation import views

app_name = "moderation"
urlpatterns = [
    path("settings/", views.site_settings, name="settings"),
    path("audit/", views.audit_log, name="audit"),
]
