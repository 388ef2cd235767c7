from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from fanshelf.accounts.views import admin_login, password_reset
from fanshelf.discovery.views import home

urlpatterns = [
    path("", home, name="home"),
    # Before allauth's and the admin's own: both go through the sign-in limit (fanshelf/accounts/limits.py).
    path("accounts/password/reset/", password_reset),
    path("accounts/", include("allauth.urls")),
    # Listings first: they own /works/, /tags/<name>/works/ and the creator and pseud pages under /users/.
    path("", include("fanshelf.discovery.urls")),
    path("users/", include("fanshelf.accounts.urls")),
    path("tags/", include("fanshelf.tags.urls")),
    path("works/", include("fanshelf.works.urls")),
    path("", include("fanshelf.community.urls")),
    path("", include("fanshelf.comments.urls")),
    path("", include("fanshelf.reading.urls")),
    path("", include("fanshelf.bookmarks.urls")),
    path("import/", include("fanshelf.imports.urls")),
    path("downloads/", include("fanshelf.downloads.urls")),
    path("audio/", include("fanshelf.audio.urls")),
    path("inbox/", include("fanshelf.inbox.urls")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

# Shows the reader what to fix when a parameter they typed is refused (see fanshelf/core/numbers.py).
handler400 = "fanshelf.core.numbers.bad_request"
