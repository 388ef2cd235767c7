from __future__ import annotations

from django.urls import path

from fanshelf.comments import views

app_name = "comments"
urlpatterns = [
    path("works/<int:work_id>/comments/new/", views.new_comment, name="new"),
    path("comments/<int:comment_id>/", views.permalink, name="permalink"),
    path("comments/<int:comment_id>/thread/", views.thread, name="thread"),
    path("comments/<int:comment_id>/reply/", views.reply, name="reply"),
    path("comments/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comments/<int:comment_id>/stop-replies/<str:token>/", views.stop_replies, name="stop_replies"),
    path("comments/<int:comment_id>/<slug:what>/", views.moderate, name="moderate"),
]
