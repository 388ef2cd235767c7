from __future__ import annotations

from django.urls import path

from fanshelf.accounts import creator_views, views

app_name = "accounts"
urlpatterns = [
    path("<str:username>/", creator_views.dashboard, name="dashboard"),
    path("<str:username>/preferences/", views.preferences, name="preferences"),
    path("<str:username>/username/", views.change_username, name="change_username"),
    path("<str:username>/pseuds/", views.pseud_list, name="pseuds"),
    path("<str:username>/tokens/", views.token_list, name="tokens"),
    path("<str:username>/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("<str:username>/pseuds/<str:pseud>/edit/", views.pseud_edit, name="pseud_edit"),
    path("<str:username>/pseuds/<str:pseud>/delete/", views.pseud_delete, name="pseud_delete"),
]
