from __future__ import annotations

from django.urls import path

from fanshelf.moderation import queue_views, report_views, views

app_name = "moderation"
urlpatterns = [
    path("settings/", views.site_settings, name="settings"),
    path("audit/", views.audit_log, name="audit"),
    path("report/filed/", report_views.report_filed, name="report_filed"),
    path("report/<str:kind>/<int:target_id>/", report_views.report_item, name="report"),
    path("reports/", queue_views.report_queue, name="reports"),
    path("reports/<int:report_id>/", queue_views.handle, name="handle_report"),
]
