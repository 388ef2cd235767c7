"""Tag and wrangling URLs. Tag names are escaped into one path segment by tag_to_url_part. Fixed paths have two
segments ending in neither "works" nor "edit", or three, so no tag name can shadow them. `<name>/works/` is
discovery's (included before this file in fanshelf/urls.py)."""

from __future__ import annotations

from django.urls import path

from fanshelf.tags import views

app_name = "tags"
urlpatterns = [
    path("wrangle/fandoms/", views.wrangle_home, name="wrangle"),
    path("wrangle/<str:fandom_name>/<str:tag_type>/", views.wrangle_fandom_bin, name="bin"),
    path("<str:tag_name>/", views.tag_detail, name="detail"),
    path("<str:tag_name>/edit/", views.tag_edit, name="edit"),
]
