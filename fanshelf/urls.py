from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from fanshelf.discovery.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("allauth.urls")),
    # Listings first: they own /works/, /tags/<name>/works/ and the creator and pseud pages under /users/.
    path("", include("fanshelf.discovery.urls")),
    path("users/", include("fanshelf.accounts.urls")),
    path("tags/", include("fanshelf.tags.urls")),
    path("works/", include("fanshelf.works.urls")),
    path("", include("fanshelf.community.urls")),
    path("import/", include("fanshelf.imports.urls")),
    path("downloads/", include("fanshelf.downloads.urls")),
    path("audio/", include("fanshelf.audio.urls")),
    path("admin/", admin.site.urls),
]
