from __future__ import annotations

from django.urls import path

from fanshelf.accounts import blocking_views, creator_views, views

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
    path("<str:username>/delete/", views.delete_account, name="delete_account"),
    path("<str:username>/blocked/", blocking_views.blocked_list, name="blocked"),
    path("<str:username>/muted/", blocking_views.muted_list, name="muted"),
    path("<str:username>/block/", blocking_views.block_user, name="block"),
    path("<str:username>/unblock/", blocking_views.unblock_user, name="unblock"),
    path("<str:username>/mute/", blocking_views.mute_user, name="mute"),
    path("<str:username>/unmute/", blocking_views.unmute_user, name="unmute"),
]
