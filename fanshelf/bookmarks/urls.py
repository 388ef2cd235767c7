"""Bookmark URLs, included at the site root: none of these paths is one the works, tags or accounts URLs own."""

from __future__ import annotations

from django.urls import path

from fanshelf.bookmarks import views

app_name = "bookmarks"
urlpatterns = [
    path("works/<int:work_id>/bookmark/", views.work_bookmark, name="work_form"),
    path("works/<int:work_id>/bookmarks/", views.work_bookmarks, name="work"),
    path("works/series/<int:series_id>/bookmark/", views.series_bookmark, name="series_form"),
    path("bookmarks/external/new/", views.external_bookmark, name="external_form"),
    path("bookmarks/<int:bookmark_id>/edit/", views.edit, name="edit"),
    path("bookmarks/<int:bookmark_id>/delete/", views.delete, name="delete"),
    path("users/<str:username>/bookmarks/", views.user_bookmarks, name="user"),
    path("tags/<str:tag_name>/bookmarks/", views.tag_bookmarks, name="tag"),
]
