"""Every listing of works, and the Fandoms pages (their counts come from the index). Included at the site root
before the tags and accounts URLs, so `/tags/<name>/works/`, `/tags/media/fandoms/` and `/users/<name>/works/`
reach these views (tags and accounts sit below discovery and never import it)."""

from __future__ import annotations

from django.urls import path

from fanshelf.discovery import views

app_name = "discovery"
urlpatterns = [
    path("works/", views.work_index, name="works"),
    path("autocomplete/tags/", views.tag_names, name="tag_names"),
    path("works/language/<str:language>/", views.language_works, name="language_works"),
    path("tags/<str:tag_name>/works/", views.tag_works, name="tag_works"),
    path("tags/media/fandoms/", views.fandoms, name="fandoms"),
    path("tags/media/uncategorized/", views.uncategorized_fandoms, name="uncategorized"),
    path("users/<str:username>/works/", views.user_works, name="user_works"),
    path("users/<str:username>/pseuds/<str:pseud>/", views.pseud_works, name="pseud_works"),
    path("users/<str:username>/exclusions/", views.exclusions, name="exclusions"),
]
