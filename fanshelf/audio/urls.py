from __future__ import annotations

from django.urls import path

from fanshelf.audio import views

app_name = "audio"
urlpatterns = [
    path("<int:audio_id>/", views.stream, name="stream"),
    path("<int:audio_id>/delete/", views.delete, name="delete"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/", views.chapter_audio, name="chapter"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/upload/", views.upload, name="upload"),
]
