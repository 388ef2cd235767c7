from __future__ import annotations

from django.urls import path

from fanshelf.tags import views

app_name = "tags"
urlpatterns = [
    path("<str:tag_name>/works/", views.tag_works, name="works"),
]
