from __future__ import annotations

from django.urls import path

from fanshelf.reading import views

app_name = "reading"
urlpatterns = [
    path("users/<str:username>/history/", views.history, name="history"),
    path("users/<str:username>/history/clear/", views.history_clear, name="history_clear"),
    path("users/<str:username>/history/<int:work_id>/delete/", views.history_delete, name="history_delete"),
    path("users/<str:username>/shelves/<str:shelf>/", views.shelf, name="shelf"),
    path("users/<str:username>/shelves/<str:shelf>/visibility/", views.shelf_visibility, name="shelf_visibility"),
    path("works/<int:work_id>/shelf/", views.shelve, name="shelve"),
]
