from __future__ import annotations

from django.urls import path

from fanshelf.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bulk/", views.bulk, name="bulk"),
    path("<int:entry_id>/reply/", views.reply, name="reply"),
    path("subscribe/work/<int:work_id>/", views.subscribe_work, name="subscribe_work"),
    path("subscribe/series/<int:series_id>/", views.subscribe_series, name="subscribe_series"),
    path("subscribe/creator/<str:username>/", views.subscribe_creator, name="subscribe_creator"),
    path("unsubscribe/<str:token>/", views.unsubscribe_link, name="unsubscribe"),
]
