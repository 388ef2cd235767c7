from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from fanshelf.accounts.invitation_views import signup
from fanshelf.accounts.views import admin_login, password_reset
from fanshelf.discovery.views import home
from fanshelf.moderation.health import healthz, metrics
from fanshelf.works.reuse_views import robots, tdmrep
from fanshelf.works.sharing_views import gifts

urlpatterns = [
    path("", home, name="home"),
    # Where the works' AI-training reservations are announced to crawlers (docs/reuse.md).
    path("robots.txt", robots, name="robots"),
    path(".well-known/tdmrep.json", tdmrep, name="tdmrep"),
    # Before allauth's and the admin's own: both go through the sign-in limit (fanshelf/accounts/limits.py).
    path("accounts/password/reset/", password_reset),
    # Open, by invitation or closed (fanshelf/accounts/invitation_views.py, docs/signups.md), before allauth's.
    path("accounts/signup/", signup),
    path("invitations/", include("fanshelf.accounts.invitation_urls")),
    path("accounts/", include("allauth.urls")),
    # Listings first: they own /works/, /tags/<name>/works/ and the creator and pseud pages under /users/.
    path("", include("fanshelf.discovery.urls")),
    # A person's Gifts page (works/sharing_views.py; accounts sits below works and may not name its views).
    path("users/<str:username>/gifts/", gifts, name="user_gifts"),
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
    # Before moderation's own: spam review is its own app beside it (docs/spam.md).
    path("moderation/spam/", include("fanshelf.spam.urls")),
    path("moderation/", include("fanshelf.moderation.urls")),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("", include("fanshelf.exports.urls")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

# Shows the reader what to fix when a parameter they typed is refused (see fanshelf/core/numbers.py).
handler400 = "fanshelf.core.numbers.bad_request"
