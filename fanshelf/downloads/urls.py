from __future__ import annotations

from django.urls import path

from fanshelf.downloads import views

app_name = "downloads"
urlpatterns = [
    path("<int:work_id>/<str:format_name>/", views.download, name="work"),
    path("series/<int:series_id>/epub/", views.series_download, name="series"),
    path("feeds/tags/<str:tag_name>.atom", views.tag_works_feed, name="tag_feed"),
    path("opds/", views.opds_root, name="opds_root"),
    path("opds/login/", views.opds_login, name="opds_login"),
    path("opds/new/", views.opds_new, name="opds_new"),
    path("opds/fandoms/", views.opds_fandoms, name="opds_fandoms"),
    path("opds/tags/<str:tag_name>/", views.opds_tag, name="opds_tag"),
    path("opds/search/", views.opds_search, name="opds_search"),
    path("opds/shelves/", views.opds_shelves, name="opds_shelves"),
    path("opds/shelves/<str:shelf>/", views.opds_shelf, name="opds_shelf"),
    path("opds/subscriptions/", views.opds_subscriptions, name="opds_subscriptions"),
    path("opds/opensearch.xml", views.opensearch, name="opensearch"),
]
