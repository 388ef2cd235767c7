"""Reuse permissions and the AI-use disclosure: how a work states them, and how its creators' reservation of AI
training travels with it (docs/reuse.md).

AI training is *reserved* unless the work says yes: "no" and "ask me first" both mean nobody may train on it
without asking. A reserved work says so in its page's meta tags, a `tdm-reservation: 1` header on its pages and
downloads, `/.well-known/tdmrep.json`, robots.txt rules for AI crawlers and its EPUB's metadata.

robots.txt and tdmrep.json name works one by one only while there are few: past RESERVATION_LIST_LIMIT reserved
works (the usual case on a big archive, as "no" is the default) they reserve all of /works/ and /downloads/ for
AI crawlers and name the works whose creators said yes instead, and past the limit on both sides they reserve
everything there. Either way the answer is bounded (a few hundred kilobytes at most) and costs two bounded reads,
kept in the cache until the works outbox moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fanshelf.accounts.models import AiDisclosure, Reuse, User
from fanshelf.works.models import RelationKind, Work, WorkChange, WorkQuerySet

R = TypeVar("R", bound=HttpResponseBase)
# (Work field, label) in the order the work page shows them.
PERMISSIONS = (
    ("reuse_podfic", "Podfic"),
    ("reuse_translation", "Translation"),
    ("reuse_remix", "Remix"),
    ("reuse_ai_training", "AI training"),
)
ANSWERS = {Reuse.YES: "yes", Reuse.ASK: "ask first", Reuse.NO: "no"}
SHORT_ANSWERS = {Reuse.YES: "yes", Reuse.ASK: "ask", Reuse.NO: "no"}
TDM_HEADER = "tdm-reservation"
ROBOTS_NOAI = "noai, noimageai"
# Crawlers that gather text for training AI models, by the user-agent token their operators publish.
AI_CRAWLERS = (
    "GPTBot",
    "ClaudeBot",
    "anthropic-ai",
    "CCBot",
    "Google-Extended",
    "PerplexityBot",
    "Bytespider",
    "Applebot-Extended",
    "meta-externalagent",
    "FacebookBot",
    "Amazonbot",
    "cohere-ai",
    "cohere-training-data-crawler",
    "Diffbot",
    "Omgilibot",
    "Timpibot",
    "YouBot",
    "AI2Bot",
    "ImagesiftBot",
)
# Paths no crawler needs, for every user agent.
PRIVATE_PATHS = ("/admin/",)
RESERVATION_LIST_LIMIT = 2_000
_CACHE_KEY = "works:ai-reservations:{}"
_CACHE_SECONDS = 24 * 3600
_COUNT_KINDS = ("hit", "kudos")  # outbox rows that only move a count
# Citations a "no" refuses: the kind, the permission that decides, and its words in the refusal.
_CITATION_PERMISSIONS = {
    RelationKind.PODFIC: ("reuse_podfic", "podfic"),
    RelationKind.TRANSLATION: ("reuse_translation", "translations"),
}


def reserves_ai_training(work: Work) -> bool:
    """Whether the work's creators keep it out of AI training: anything but a yes."""
    return work.reuse_ai_training != Reuse.YES


def permission_items(work: Work, short: bool = False) -> list[tuple[str, str]]:
    """(label, answer) for each permission: ("Podfic", "yes"), ("Translation", "ask first"), ..."""
    words = SHORT_ANSWERS if short else ANSWERS
    return [(label, words.get(Reuse(getattr(work, name)), str(getattr(work, name)))) for name, label in PERMISSIONS]


def permissions_line(work: Work, short: bool = False) -> str:
    """ "Podfic: yes · Translation: ask first · Remix: yes · AI training: no" """
    return " · ".join(f"{label}: {answer}" for label, answer in permission_items(work, short))


def ai_use_label(work: Work) -> str:
    return str(AiDisclosure(work.ai_disclosure).label)


def discloses_ai_use(work: Work) -> bool:
    """Whether the work says AI assisted or generated it."""
    return work.ai_disclosure != AiDisclosure.NONE


def work_meta_tags(work: Work) -> SafeString:
    """The page's machine-readable reservation for its <head>; nothing when the creators allow AI training."""
    if not reserves_ai_training(work):
        return SafeString()
    return format_html('<meta name="robots" content="{}">\n  <meta name="{}" content="1">', ROBOTS_NOAI, TDM_HEADER)


def with_ai_reservation(response: R, work: Work) -> R:
    """The response with the TDM Reservation Protocol header (and the robots equivalent, for files that have no
    meta tags) when the work reserves AI training."""
    if reserves_ai_training(work):
        response[TDM_HEADER] = "1"
        response["X-Robots-Tag"] = ROBOTS_NOAI
    return response


def citation_refusal(parent: Work, kind: str, user: User) -> str | None:
    """Why `user` may not cite `parent` as this kind of child, or None. A "no" refuses podfic and translations;
    "ask me first" lets the link wait for the parent's creators as every link does. Creators may always cite
    their own works."""
    decides = _CITATION_PERMISSIONS.get(RelationKind(kind)) if kind in RelationKind.values else None
    if decides is None or getattr(parent, decides[0]) != Reuse.NO or parent.is_created_by(user):
        return None
    return f"The creators of “{parent.title}” do not allow {decides[1]} of it, so your work can't cite it as one."


# -- robots.txt and tdmrep.json -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reservations:
    """Which paths AI crawlers are kept from: the works listed one by one, or everything under /works/ and
    /downloads/ except the works listed as allowed."""

    everywhere: bool
    reserved: tuple[int, ...] = ()
    allowed: tuple[int, ...] = ()


def _first_ids(works: WorkQuerySet, limit: int) -> list[int] | None:
    """The ids of up to `limit` works in id order, or None when there are more."""
    ids = list(works.order_by("pk").values_list("pk", flat=True)[: limit + 1])
    return ids if len(ids) <= limit else None


def current_reservations(limit: int = RESERVATION_LIST_LIMIT) -> Reservations:
    """The reservations of the works a guest (so a crawler) can open, cached until the works outbox moves (every
    edit, visibility change or deletion writes to it)."""
    # The newest outbox row that can change an answer (hits and kudos cannot), with its time: an id alone can come
    # back after a rollback or a restored database.
    changes = WorkChange.objects.exclude(kind__in=_COUNT_KINDS).order_by("-pk")
    top = changes.values_list("pk", "created_at").first()
    key = _CACHE_KEY.format(f"{limit}:{top[0]}:{top[1].timestamp()}" if top else f"{limit}:0")
    found = cache.get(key)
    if isinstance(found, Reservations):
        return found
    public = Work.objects.listed_for(AnonymousUser())
    reserved = _first_ids(public.exclude(reuse_ai_training=Reuse.YES), limit)
    if reserved is not None:
        answer = Reservations(everywhere=False, reserved=tuple(reserved))
    else:
        allowed = _first_ids(public.filter(reuse_ai_training=Reuse.YES), limit)
        answer = Reservations(everywhere=True, allowed=tuple(allowed or ()))
    cache.set(key, answer, _CACHE_SECONDS)
    return answer


def _prefixes() -> tuple[str, str]:
    """Where a work's pages and its downloads live: "/works/" and "/downloads/" (with any script prefix)."""
    works = reverse("works:detail", args=[0]).removesuffix("0/")
    downloads = reverse("downloads:work", args=[0, "epub"]).removesuffix("0/epub/")
    return works, downloads


def work_paths(work_id: int) -> list[str]:
    """The path prefixes of everything of one work a crawler can fetch: its pages (chapters, entire work) and
    its downloads."""
    return [f"{prefix}{work_id}/" for prefix in _prefixes()]


def robots_txt(reservations: Reservations) -> str:
    """robots.txt: private paths for everyone; for AI crawlers, also the reserved works."""
    lines = ["# Works whose creators keep them out of AI training (docs/reuse.md).", "User-agent: *"]
    lines += [f"Disallow: {path}" for path in PRIVATE_PATHS]
    lines += ["", *(f"User-agent: {name}" for name in AI_CRAWLERS)]
    lines += [f"Disallow: {path}" for path in PRIVATE_PATHS]
    if reservations.everywhere:
        lines += [f"Disallow: {prefix}" for prefix in _prefixes()]
        lines += [f"Allow: {path}" for work_id in reservations.allowed for path in work_paths(work_id)]
    else:
        lines += [f"Disallow: {path}" for work_id in reservations.reserved for path in work_paths(work_id)]
    return "\n".join(lines) + "\n"


def tdmrep_rules(reservations: Reservations) -> list[dict[str, object]]:
    """The rules of /.well-known/tdmrep.json, most specific first (a reader taking the first match and one taking
    the most specific agree)."""
    if not reservations.everywhere:
        return [
            {"location": f"{path}*", "tdm-reservation": 1}
            for work_id in reservations.reserved
            for path in work_paths(work_id)
        ]
    allowed = [
        {"location": f"{path}*", "tdm-reservation": 0}
        for work_id in reservations.allowed
        for path in work_paths(work_id)
    ]
    return [*allowed, *({"location": f"{prefix}*", "tdm-reservation": 1} for prefix in _prefixes())]
