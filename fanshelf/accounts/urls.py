from __future__ import annotations

from django.urls import path

from fanshelf.accounts import creator_views, views

app_name = "accounts"
urlpatterns = [
    path("<str:username>/", creator_views.dashboard, name="dashboard"),
    path("<str:username>/works/", creator_views.user_works, name="works"),
    path("<str:username>/preferences/", views.preferences, name="preferences"),
    path("<str:username>/pseuds/", views.pseud_list, name="pseuds"),
    path("<str:username>/pseuds/<str:pseud>/", creator_views.pseud_works, name="pseud"),
    path("<str:username>/pseuds/<str:pseud>/edit/", views.pseud_edit, name="pseud_edit"),
    path("<str:username>/pseuds/<str:pseud>/delete/", views.pseud_delete, name="pseud_delete"),
]
