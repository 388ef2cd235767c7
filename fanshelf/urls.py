from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from fanshelf.works.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("users/", include("fanshelf.accounts.urls")),
    path("tags/", include("fanshelf.tags.urls")),
    path("works/", include("fanshelf.works.urls")),
    path("", include("fanshelf.community.urls")),
    path("import/", include("fanshelf.imports.urls")),
    path("", include("fanshelf.discovery.urls")),
    path("downloads/", include("fanshelf.downloads.urls")),
    path("audio/", include("fanshelf.audio.urls")),
    path("admin/", admin.site.urls),
]
