"""Asking for an invitation and the moderators' queue (fanshelf/accounts/invitation_views.py, docs/signups.md)."""

from __future__ import annotations

from django.urls import path

from fanshelf.accounts import invitation_views

app_name = "invitations"
urlpatterns = [
    path("", invitation_views.ask, name="ask"),
    path("queued/", invitation_views.queued, name="queued"),
    path("queue/", invitation_views.queue, name="queue"),
]
