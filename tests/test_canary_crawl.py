"""The canary crawl (issue 8, "Done when"): nobody sees what they may not see, by any route.

An archive is seeded through the real actions so that every non-public thing carries a unique token in each of
its text fields. Every URL pattern of the site (the admin's and allauth's included) is then filled with the seeded
objects and fetched with GET by each role, following redirects, and every answer (headers, body, each member of an
EPUB, a PDF's text, audio tags) is searched for the tokens. A token may reach only the roles allowed to see its
thing (PRODUCT.md "Visibility"), except
- in the admin, where staff may see everything and everybody else must be sent to the admin's login, and
- when the request carried the token itself (a search for it, a tag or user name in the path): echoing what the
  asker sent gives nothing away, and the thing's other tokens still catch a leak.
An address naming a thing the role may not see must also answer as for a thing that does not exist (a guest may be
sent to log in for a restricted work), so the answer's status gives nothing away either.

People apart (issue 11): a reader the owner blocked and a reader who muted the owner crawl as readers (a block or a
mute hides nothing by address), and the muter must find none of the owner's works in the listings. Two accounts
are deleted after seeding, one with its works deleted, one with them orphaned: nobody may find either's name (nor
email), drafts or bookmarks, or the deleted work, and a client still holding one's session is answered as a guest.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import mutagen.id3
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import LeavingWorks, create_token, delete_account
from fanshelf.accounts.blocking import block, mute
from fanshelf.accounts.models import Pseud, User
from fanshelf.audio.actions import upload_audio
from fanshelf.audio.models import AudioFile
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work
from fanshelf.bookmarks.models import Bookmark
from fanshelf.comments.actions import mark_spam, post_comment
from fanshelf.comments.models import Comment
from fanshelf.community.actions import leave_kudos
from fanshelf.discovery.reader_sets import SHELF_LABELS
from fanshelf.downloads.builders import FORMATS
from fanshelf.inbox import comment_notices
from fanshelf.inbox.actions import subscribe
from fanshelf.inbox.models import InboxEntry, Subscription
from fanshelf.inbox.notify import unsubscribe_token
from fanshelf.reading.actions import set_shelf_public, shelve
from fanshelf.tags.actions import add_metatag, add_parent, find_or_create_tag, make_canonical
from fanshelf.tags.models import BIN_TYPES, Tag, TagType
from fanshelf.works.actions import (
    ChapterFields,
    WorkFields,
    add_chapter,
    create_work,
    set_hidden_by_moderator,
    set_work_flags,
)
from fanshelf.works.models import Chapter, RelatedWork, RelationKind, Series, Work
from fanshelf.works.related import ParentReference, approve_link, cite_parent
from fanshelf.works.series import add_to_series, update_series
from fanshelf.works.sharing import give
from tests.audio.samples import mp3_bytes
from tests.crawl import Answer, Binding, Route, crawl
from tests.factories import PASSWORD, make_user, make_work

ROLES = ("guest", "other", "owner", "moderator", "superuser", "after_logout", "blocked", "muter", "deleted")
# "deleted" is a client still holding the session of an account deleted since: it must be answered as a guest.
GUESTS = frozenset({"guest", "after_logout", "deleted"})
STAFF = frozenset({"moderator", "superuser"})
OWNER = frozenset({"owner"})
# Signed-in readers with nothing of their own among the secrets: "blocked" (the owner blocked them; "other" too) and
# "muter" (who muted the owner). Neither a block nor a mute hides anything reachable by address.
READERS = frozenset({"other", "blocked", "muter"})
# The roles added for people apart crawl everything but the admin, which answers every non-staff role alike (the
# guest and "other" show it): the crawl's time grows by about half of a role each instead of a whole one.
OUTSIDE_ADMIN = frozenset({"blocked", "muter", "deleted"})
# The accounts deleted after seeding, and what became of their posted works.
DEPARTED = {"gone": LeavingWorks.DELETE, "orphaner": LeavingWorks.ORPHAN}
ORPHANED_TITLE = "Drift Glass Letters"  # the orphaner's posted work: it stays, credited to the orphan account
# Routes listing many people's works: the muter must find none of the owner's there (docs/exclusions.md).
MUTED_LISTINGS = frozenset(
    {
        "home",
        "discovery:works",
        "discovery:language_works",
        "discovery:tag_works",
        "downloads:tag_feed",
        "downloads:opds_new",
        "downloads:opds_tag",
        "downloads:opds_search",
    }
)

# Who may see each secret outside the admin. The owner made every secret work; the anonymous works are by a
# third account, which is not a crawling role (the owner's own name appears on their public works).
SECRETS: dict[str, frozenset[str]] = {
    "draft": OWNER,
    "draftchapter": OWNER,  # a draft chapter of a posted, public work
    "draftseries": OWNER,  # a series holding only the draft
    "hidden": OWNER | STAFF,
    "unrevealed": OWNER | STAFF,
    "hiddenchild": OWNER | STAFF,  # hidden by a moderator, citing another user's public work
    "restricted": OWNER | STAFF | READERS,  # also in a public series
    "anon": STAFF,  # the anonymous creator's name: on the anonymous work and podfic, and in the podfic's tags
    "token": OWNER,  # the name of the owner's access token
    "tokensecret": frozenset(),  # the token itself: shown once when made, never again
    "heldcomment": OWNER | {"other"},  # held for approval: the work's creator and the commenter
    "spamcomment": frozenset(),  # marked spam by the creator: shown to nobody
    "privatebookmark": OWNER,  # the owner's private bookmark of a public work: its notes
    "privatebookmarktag": OWNER | STAFF,  # its bookmarker's tag (moderators wrangle every tag)
    # The deleted accounts': each one's name (its username, pseud and email address), draft and bookmarks (public
    # and private: they go with the account); the posted work of the one whose works were deleted.
    **{f"{name}{what}": frozenset() for name in DEPARTED for what in ("", "draft", "bookmark")},
    "gonework": frozenset(),
}
# Not even staff find these in the admin: the account and what went with it are gone, and the admin's history of
# changes to it keeps no name (accounts/actions.py, _forget_in_admin_log).
GONE = frozenset({f"{name}{what}" for name in DEPARTED for what in ("", "draft", "bookmark")} | {"gonework"})
WORK_SECRETS = ("draft", "hidden", "unrevealed", "hiddenchild", "restricted")
# A freeform tag used only on one secret work and never wrangled. Moderators wrangle every tag, so they may know
# its name. (Each secret work also has a canonical tag of its own, `wrangled_tag`, whose name is public.)
SECRETS.update({f"{name}tag": SECRETS[name] | STAFF for name in WORK_SECRETS})
WORK_FIELDS = ("title", "summary", "notes", "endnotes")
CHAPTER_FIELDS = ("chaptertitle", "chaptersummary", "chapternotes", "chapterendnotes", "text")
FANDOM, METATAG = "Tidewater Chronicles", "Tidewater Universe"
# The anonymous works' summaries carry this mark: not a secret, but no answer about their creator's name may show
# it, or it would tie the name to the works.
ANON_WORK_MARK = "zqanonworkmarkzq"
MISSING = "999999"  # an id no seeded object has
# Routes whose parameters cannot be filled from the archive, with the reason. Empty today: a new parameter
# name must be given values below, or listed here with why it cannot be.
SKIP: dict[str, str] = {}
LISTING_QUERIES = ("page=2", "sort=creator&direction=asc", "sort=kudos")
id3: Any = mutagen.id3  # mutagen is untyped


def canary(secret: str, field: str) -> str:
    """Lower-case letters only: it survives sanitizing, name rules and URL escaping, and `zq` at both ends keeps
    one token from containing another."""
    return f"zq{secret}{field}zq"


@dataclass
class Archive:
    users: dict[str, User]
    tokens: dict[str, str] = field(default_factory=dict)  # token -> secret
    departed: dict[str, Client] = field(default_factory=dict)  # signed in as each deleted account before it went
    deleted_works: dict[int, str] = field(default_factory=dict)  # the deleted accounts' works' ids -> secret
    secret_of: dict[tuple[str, int], str] = field(default_factory=dict)  # (model, pk) -> secret

    def register(self, secret: str, *fields: str) -> None:
        self.tokens.update({canary(secret, name): secret for name in fields})

    def secrets(self, model: str, *pks: int) -> frozenset[str]:
        return frozenset(self.secret_of[model, pk] for pk in pks if (model, pk) in self.secret_of)


def chapter_fields(archive: Archive, secret: str) -> ChapterFields:
    archive.register(secret, *CHAPTER_FIELDS)
    return ChapterFields(
        content=f"<p>The tide left {canary(secret, 'text')} on the sand.</p>",
        title=canary(secret, "chaptertitle"),
        summary=canary(secret, "chaptersummary"),
        notes=canary(secret, "chapternotes"),
        end_notes=canary(secret, "chapterendnotes"),
    )


def wrangled_tag(secret: str) -> str:
    return f"Only On The {secret.title()} Work"


def secret_work(archive: Archive, secret: str, *, post: bool = True, **flags: Any) -> Work:
    owner = archive.users["owner"]
    archive.register(secret, *WORK_FIELDS)
    archive.tokens[canary(secret, "tag")] = f"{secret}tag"
    fields = WorkFields(
        pseuds=[owner.default_pseud()],
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=[FANDOM],
        freeforms=[canary(secret, "tag"), wrangled_tag(secret)],
        title=canary(secret, "title"),
        summary=canary(secret, "summary"),
        notes=canary(secret, "notes"),
        end_notes=canary(secret, "endnotes"),
        **flags,
    )
    work = create_work(owner, fields, chapter_fields(archive, secret), post=post)
    archive.secret_of["work", work.pk] = secret
    archive.secret_of["tag", Tag.objects.get(name=canary(secret, "tag")).pk] = f"{secret}tag"
    return work


def tagged_mp3(folder: Path, title: str, person: str) -> SimpleUploadedFile:
    """A podfic as a reader's tools tag it: their name in name frames and in every free-text frame."""
    path = folder / "reading.mp3"
    path.write_bytes(mp3_bytes(2.0))
    tags = id3.ID3()
    tags.add(id3.TIT2(encoding=3, text=title))
    tags.add(id3.TPE1(encoding=3, text=person))
    tags.add(id3.COMM(encoding=3, lang="eng", desc="", text=f"Comment by {person}"))
    tags.add(id3.USLT(encoding=1, lang="eng", desc="", text=f"Read by {person}"))  # UTF-16
    tags.add(id3.TXXX(encoding=3, desc="Reader", text=person))
    tags.add(id3.WXXX(encoding=0, desc="", url=f"https://example.org/{person}"))
    tags.add(id3.PRIV(owner="reader-tools", data=person.encode()))
    tags.save(path)
    return SimpleUploadedFile("reading.mp3", path.read_bytes(), content_type="audio/mpeg")


def seed(folder: Path) -> Archive:
    anon_name = canary("anon", "name")
    archive = Archive(
        users={
            "owner": make_user("Keeper"),
            "other": make_user("Wayfarer"),
            "anon": make_user(anon_name),
            "moderator": make_user("Warden", is_staff=True),
            "superuser": make_user("Overseer", is_staff=True, is_superuser=True),
        }
    )
    archive.tokens[anon_name] = "anon"
    owner, other, anon, superuser = (archive.users[r] for r in ("owner", "other", "anon", "superuser"))

    public = make_work(owner, title="Harbour Lights", freeforms=["Lighthouses"], fandoms=[FANDOM])
    draft_chapter = add_chapter(public, chapter_fields(archive, "draftchapter"), post=False)
    archive.secret_of["chapter", draft_chapter.pk] = "draftchapter"
    parent = make_work(other, title="The Tidewater Map", fandoms=[FANDOM])
    parent_url = reverse("works:detail", args=[parent.pk])
    make_work(anon, title="Letters Nobody Signed", anonymous=True, summary=ANON_WORK_MARK)
    podfic = make_work(anon, title="The Tidewater Map, read aloud", anonymous=True, summary=ANON_WORK_MARK)
    approve_link(cite_parent(podfic, anon, ParentReference(url=parent_url, kind=RelationKind.PODFIC)), other)
    upload_audio(podfic.chapters.get(), tagged_mp3(folder, "The Tidewater Map, read aloud", anon_name))

    draft = secret_work(archive, "draft", post=False, language="de")
    archive.register("draft", "audiotitle")
    upload_audio(draft.chapters.get(), tagged_mp3(folder, canary("draft", "audiotitle"), "Keeper"))
    set_hidden_by_moderator(secret_work(archive, "hidden"), hidden=True)
    set_work_flags(secret_work(archive, "unrevealed"), unrevealed=True)
    restricted = secret_work(archive, "restricted", restricted=True, language="fr")
    child = secret_work(archive, "hiddenchild")
    approve_link(cite_parent(child, owner, ParentReference(url=parent_url)), other)
    set_hidden_by_moderator(child, hidden=True)

    add_to_series(public, owner, "The Harbour Cycle")
    add_to_series(restricted, owner, "The Harbour Cycle")
    draft_series = add_to_series(draft, owner, canary("draftseries", "title"))
    archive.register("draftseries", "title", "summary", "notes")
    title, summary, notes = (canary("draftseries", name) for name in ("title", "summary", "notes"))
    update_series(draft_series, owner, title, summary, notes, complete=False)
    archive.secret_of["series", draft_series.pk] = "draftseries"

    # Wrangled tags reach feeds, OPDS and filter sidebars. Their names are public: wranglers made them official.
    fandom, metatag = Tag.objects.get(name=FANDOM), find_or_create_tag(METATAG, TagType.FANDOM)
    for tag in (fandom, metatag):
        make_canonical(tag, by=superuser)
    add_metatag(fandom, metatag, by=superuser)
    for secret in WORK_SECRETS:
        tag = Tag.objects.get(name=wrangled_tag(secret))
        make_canonical(tag, by=superuser)
        add_parent(tag, fandom, by=superuser)

    seed_comments(archive, public, restricted)
    seed_bookmarks(archive, public, restricted)
    seed_shelves(archive, restricted)
    seed_departed(archive, public)
    seed_inbox(archive, public)
    seed_gifts(archive)
    seed_blocks(archive)
    for name, works in DEPARTED.items():
        delete_account(archive.users[name], works=works)
    created = create_token(owner, canary("token", "name"))
    archive.register("token", "name")
    archive.secret_of["token", created.token.pk] = "token"
    archive.tokens[created.secret.lower()] = "tokensecret"
    secret_work_ids = [pk for model, pk in archive.secret_of if model == "work"]
    for link in RelatedWork.objects.filter(child_id__in=secret_work_ids):
        archive.secret_of["link", link.pk] = archive.secret_of["work", link.child_id]
    for audio in AudioFile.objects.filter(chapter__work=draft):
        archive.secret_of["audio", audio.pk] = "draft"
    return archive


def seed_comments(archive: Archive, public: Work, restricted: Work) -> None:
    """A comment on the restricted work carries its secret; a held and a spam comment carry their own."""
    owner, other = archive.users["owner"], archive.users["other"]
    moderated = make_work(owner, title="Quiet Cove", moderate_comments=True)
    for work, secret in ((restricted, "restricted"), (moderated, "heldcomment"), (public, "spamcomment")):
        archive.register(secret, "comment")
        posted = post_comment(work, canary(secret, "comment"), user=other, pseud=other.default_pseud())
        archive.secret_of["comment", posted.pk] = secret
        if secret == "spamcomment":
            mark_spam(posted, owner)


def seed_gifts(archive: Archive) -> None:
    """Every secret work is a gift to the other user: their Gifts page, and each work's "For ...", must show a
    work only to those who may see it (the restricted one to users, none of the others to anyone but its owner
    and staff)."""
    owner, other = archive.users["owner"], archive.users["other"]
    for pk in sorted(pk for model, pk in archive.secret_of if model == "work"):
        give(Work.objects.get(pk=pk), owner, [other.username])


def seed_inbox(archive: Archive, public: Work) -> None:
    """The owner's inbox gets what the seeded comments would send after commit (the restricted work's comment and
    the held comment carry their secrets into it); the other user subscribes to a public work."""
    for comment in Comment.objects.order_by("pk"):
        comment_notices.comment_posted(comment)
    for entry in InboxEntry.objects.filter(comment_id__isnull=False):
        if ("comment", entry.comment_id) in archive.secret_of:
            archive.secret_of["entry", entry.pk] = archive.secret_of["comment", entry.comment_id or 0]
    subscribe(archive.users["other"], work=public)


def seed_blocks(archive: Archive) -> None:
    """The owner blocked the other user, who must meet refusals (never errors) on the owner's works and comments;
    the other user muted the moderator, so every page they fetch runs with a mute in force. (Muting someone who has
    secrets would hide them from the other user and blunt the crawl; the anonymous creator's name is a secret.)"""
    block(archive.users["owner"], archive.users["other"])
    mute(archive.users["other"], archive.users["moderator"])
    archive.users["blocked"], archive.users["muter"] = make_user("Stranded"), make_user("Lookaway")
    block(archive.users["owner"], archive.users["blocked"])
    mute(archive.users["muter"], archive.users["owner"])


def seed_departed(archive: Archive, public: Work) -> None:
    """The two accounts deleted once the rest is seeded (DEPARTED), each with a client signed in: each posted a work
    and drafted one, commented on and left kudos on the owner's public work (the owner's inbox hears of the comment),
    and bookmarked it publicly and another work privately. Their comments stay, as "(deleted account)"."""
    parent = Work.objects.get(title="The Tidewater Map")
    for name, works in DEPARTED.items():
        person = make_user(canary(name, "name"))
        archive.users[name] = person
        archive.tokens[canary(name, "name")] = name
        archive.departed[name] = Client(raise_request_exception=False)
        archive.departed[name].force_login(person)
        orphaned = works == LeavingWorks.ORPHAN
        kept = make_work(
            person,
            title=ORPHANED_TITLE if orphaned else canary(f"{name}work", "title"),
            summary="Sea glass, sorted by colour." if orphaned else canary(f"{name}work", "summary"),
            fandoms=[FANDOM],
            chapters=["<p>Green, brown, and one blue piece.</p>" if orphaned else canary(f"{name}work", "text")],
        )
        if not orphaned:
            archive.register(f"{name}work", "title", "summary", "text")
            archive.deleted_works[kept.pk] = f"{name}work"
        draft = make_work(
            person,
            title=canary(f"{name}draft", "title"),
            summary=canary(f"{name}draft", "summary"),
            chapters=[canary(f"{name}draft", "text")],
            post=False,
        )
        archive.register(f"{name}draft", "title", "summary", "text")
        archive.deleted_works[draft.pk] = f"{name}draft"
        post_comment(public, "The lighthouse scene stayed with me.", user=person, pseud=person.default_pseud())
        leave_kudos(public, person, "")
        archive.register(f"{name}bookmark", "public", "private")
        for work, kind in ((public, "public"), (parent, "private")):
            notes = canary(f"{name}bookmark", kind)
            bookmark_work(
                person, work, BookmarkFields(pseud=person.default_pseud(), notes=notes, private=kind == "private")
            )


def seed_shelves(archive: Archive, restricted: Work) -> None:
    """Public shelves holding secret works: the other user's holds the restricted work (not for guests), the
    owner's their hidden and unrevealed works (for nobody else but staff)."""
    owner, other = archive.users["owner"], archive.users["other"]
    shelve(other, restricted, "reading")
    set_shelf_public(other, "reading", True)
    for secret in ("hidden", "unrevealed"):
        pk = next(pk for (model, pk), name in archive.secret_of.items() if model == "work" and name == secret)
        shelve(owner, Work.objects.get(pk=pk), "to-read")
    set_shelf_public(owner, "to-read", True)


def seed_bookmarks(archive: Archive, public: Work, restricted: Work) -> None:
    """The owner's private bookmark of a public work; the other user's bookmarks of the restricted work (its
    notes carry the work's secret) and of an anonymous work (whose creator must stay unnamed on their list)."""
    owner, other = archive.users["owner"], archive.users["other"]
    archive.register("privatebookmark", "bookmark")
    archive.register("privatebookmarktag", "bookmark")
    notes, tag = canary("privatebookmark", "bookmark"), canary("privatebookmarktag", "bookmark")
    private = BookmarkFields(pseud=owner.default_pseud(), notes=notes, tags=[tag], private=True)
    archive.secret_of["bookmark", bookmark_work(owner, public, private).pk] = "privatebookmark"
    archive.register("restricted", "bookmark")
    notes = canary("restricted", "bookmark")
    shown = bookmark_work(other, restricted, BookmarkFields(pseud=other.default_pseud(), notes=notes, rec=True))
    archive.secret_of["bookmark", shown.pk] = "restricted"
    anonymous = Work.objects.get(title="Letters Nobody Signed")
    bookmark_work(other, anonymous, BookmarkFields(pseud=other.default_pseud(), notes="Who wrote this?"))


def value_groups(archive: Archive) -> Callable[[Route], Mapping[tuple[str, ...], Sequence[Binding]]]:
    """The values each path parameter (or group of related parameters) takes: every seeded object, plus one that
    does not exist, to compare answers with."""
    works = list(Work.objects.order_by("pk"))
    public = next(work for work in works if not archive.secrets("work", work.pk))
    links = list(RelatedWork.objects.order_by("pk"))
    tags = sorted({tag for work in works for tag in work.tags.all()} | {Tag.objects.get(name=METATAG)}, key=str)
    # The blocked reader and the muter have no pages of their own worth crawling: leaving them out keeps the
    # crawl's size in bounds (every user is crossed with every route naming a user).
    apart = {archive.users["blocked"].pk, archive.users["muter"].pk}
    users = [user for user in User.objects.order_by("pk") if user.pk not in apart]
    owner = archive.users["owner"].username
    comments = list(Comment.objects.order_by("pk"))

    def one(name: str, values: Sequence[tuple[str, frozenset[str]]]) -> list[Binding]:
        return [Binding({name: value}, secrets) for value, secrets in values] + [Binding({name: MISSING}, missing=True)]

    static: dict[tuple[str, ...], list[Binding]] = {
        ("work_id",): one(
            "work_id",
            [(str(w.pk), archive.secrets("work", w.pk)) for w in works]
            + [(str(pk), frozenset({secret})) for pk, secret in archive.deleted_works.items() if secret == "gonework"],
        ),
        ("work_id", "chapter_id"): [
            Binding(
                {"work_id": str(c.work_id), "chapter_id": str(c.pk)},
                archive.secrets("work", c.work_id) | archive.secrets("chapter", c.pk),
            )
            for c in Chapter.objects.order_by("pk")
        ]
        + [Binding({"work_id": w, "chapter_id": MISSING}, missing=True) for w in (str(public.pk), MISSING)],
        ("work_id", "link_id"): [
            Binding({"work_id": str(link.child_id), "link_id": str(link.pk)}, archive.secrets("link", link.pk))
            for link in links
        ]
        + [Binding({"work_id": str(public.pk), "link_id": MISSING}, missing=True)],
        ("link_id", "decision"): [
            Binding({"link_id": str(link.pk), "decision": decision}, archive.secrets("link", link.pk))
            for link in links
            for decision in ("approve", "remove")
        ]
        + [Binding({"link_id": MISSING, "decision": "approve"}, missing=True)],
        ("work_id", "format_name"): [
            Binding({"work_id": str(w.pk), "format_name": name}, archive.secrets("work", w.pk))
            for w in works
            for name in FORMATS
        ]
        + [Binding({"work_id": MISSING, "format_name": name}, missing=True) for name in FORMATS],
        ("series_id",): one("series_id", [(str(s.pk), archive.secrets("series", s.pk)) for s in Series.objects.all()]),
        ("tag_name",): [Binding({"tag_name": t.url_part}, archive.secrets("tag", t.pk)) for t in tags]
        + [Binding({"tag_name": "zznosuchtagzz"}, missing=True)],
        ("fandom_name", "tag_type"): [
            Binding({"fandom_name": t.url_part, "tag_type": kind})
            for t in tags
            if t.type == "fandom"
            for kind in BIN_TYPES
        ],
        ("username",): [Binding({"username": user.username}) for user in users]
        + [Binding({"username": canary("orphaner", "name")}, missing=True)],  # the name of orphaned works' maker
        ("username", "pseud"): [
            Binding({"username": p.user.username, "pseud": p.name}) for p in Pseud.objects.select_related("user")
        ],
        ("username", "token_id"): [
            Binding({"username": owner, "token_id": str(pk)}, archive.secrets("token", pk))
            for model, pk in archive.secret_of
            if model == "token"
        ]
        + [Binding({"username": owner, "token_id": MISSING}, missing=True)],
        ("username", "shelf"): [
            Binding({"username": user.username, "shelf": shelf}) for user in users for shelf in SHELF_LABELS
        ]
        + [Binding({"username": owner, "shelf": "someday"}, missing=True)],
        ("entry_id",): one("entry_id", [(str(e.pk), archive.secrets("entry", e.pk)) for e in InboxEntry.objects.all()]),
        ("token",): [Binding({"token": unsubscribe_token(s)}) for s in Subscription.objects.all()]
        + [Binding({"token": "not-a-signed-token"}, missing=True)],
        ("shelf",): [Binding({"shelf": shelf}) for shelf in SHELF_LABELS]
        + [Binding({"shelf": "someday"}, missing=True)],
        ("comment_id",): one("comment_id", [(str(c.pk), archive.secrets("comment", c.pk)) for c in comments]),
        ("comment_id", "what"): [
            Binding({"comment_id": str(c.pk), "what": "approve"}, archive.secrets("comment", c.pk)) for c in comments
        ]
        + [Binding({"comment_id": MISSING, "what": "approve"}, missing=True)],
        ("bookmark_id",): one(
            "bookmark_id", [(str(b.pk), archive.secrets("bookmark", b.pk)) for b in Bookmark.objects.order_by("pk")]
        ),
        ("audio_id",): one("audio_id", [(str(a.pk), archive.secrets("audio", a.pk)) for a in AudioFile.objects.all()]),
        ("language",): [Binding({"language": code}) for code in ("en", "fr", "de")],
        ("key",): [Binding({"key": "not-a-real-key"})],
        ("uidb36",): [Binding({"uidb36": "1"})],
        ("url",): [Binding({"url": "no-such-page/"})],
        ("app_label",): [
            Binding({"app_label": label}) for label in sorted({m._meta.app_label for m in admin.site._registry})
        ],
        ("id",): [Binding({"id": str(user.pk)}) for user in users],
        ("content_type_id", "object_id"): [
            Binding({"content_type_id": str(ContentType.objects.get_for_model(Work).pk), "object_id": str(w.pk)})
            for w in works
        ],
    }

    def groups(route: Route) -> Mapping[tuple[str, ...], Sequence[Binding]]:
        if not (route.is_admin and "object_id" in route.params and "content_type_id" not in route.params):
            return static
        # admin/<app_label>/<model_name>/<object_id>/...: that model's objects; every work, a few of the others.
        app_label, model_name = route.pattern.split("/")[1:3]
        model = next(
            m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)
        )
        objects = model._default_manager.order_by("-pk")
        pks = [str(obj.pk) for obj in (objects if model is Work else objects[:4])]
        return {**static, ("object_id",): [Binding({"object_id": pk}) for pk in pks]}

    return groups


def listing_queries(archive: Archive) -> Callable[[Route], Sequence[str]]:
    """Query strings for listings and searches: sorts and a second page; a search for each secret work (its text
    in the site's search, its title in OPDS's) and for the anonymous creator's name; a filter on each secret
    work's wrangled tag. Fewer on the narrower listings, to keep the crawl's time in bounds."""
    anon_search = f"q={canary('anon', 'name')}"
    text_searches = [f"q={canary(s, 'text')}" for s in WORK_SECRETS]
    title_searches = [f"q={canary(s, 'title')}" for s in WORK_SECRETS]
    includes = [f"include={wrangled_tag(s)}" for s in WORK_SECRETS]
    per_name: dict[str, list[str]] = {
        "discovery:works": ["", *LISTING_QUERIES, *text_searches, anon_search, *includes, "shelf=to-read"],
        "downloads:opds_search": ["q=Tidewater", *title_searches, anon_search],
        "downloads:opds_new": ["", "page=2"],
    }
    for name in ("tag_works", "language_works", "user_works", "pseud_works"):
        per_name[f"discovery:{name}"] = ["", "sort=creator"]
    return lambda route: per_name.get(route.name, [""])


def role_clients(archive: Archive) -> dict[str, Client]:
    clients = {role: Client(raise_request_exception=False) for role in ROLES}
    for role in ("other", "owner", "moderator", "superuser", "blocked", "muter"):
        clients[role].force_login(archive.users[role])
    # Logged in through the real form as the owner, then logged out: from then on it must see what a guest sees.
    after = clients["after_logout"]
    login = after.post(reverse("account_login"), {"login": archive.users["owner"].username, "password": PASSWORD})
    assert login.status_code == 302
    assert "_auth_user_id" in after.session
    after.post(reverse("account_logout"))
    assert "_auth_user_id" not in after.session
    clients["deleted"] = archive.departed["orphaner"]
    return clients


def may_see(archive: Archive, answer: Answer, token: str) -> bool:
    if answer.route.startswith("admin/") and answer.role in STAFF and archive.tokens[token] not in GONE:
        return True
    if token in unquote(answer.url).lower():
        return True  # the asker sent it
    return answer.role in SECRETS[archive.tokens[token]]


def leaks(archive: Archive, answers: Sequence[Answer]) -> list[str]:
    """One line per secret that reached a role in one answer, naming its tokens and where they were."""
    found = []
    for answer in answers:
        leaked: dict[str, list[str]] = defaultdict(list)
        for token, where in answer.found.items():
            if token in archive.tokens and not may_see(archive, answer, token):
                leaked[archive.tokens[token]].append(f"{token} in {where}")
            elif token == ANON_WORK_MARK and canary("anon", "name") in answer.url and answer.role not in STAFF:
                leaked["anonymous works, found by their creator's name"].append(f"{token} in {where}")
        found += [f"LEAK {s} to {answer.role}: GET {answer.url}: {', '.join(t)}" for s, t in leaked.items()]
    return found


def admin_refusals(answers: Sequence[Answer]) -> list[str]:
    """Everybody but staff is sent to the admin's login, from every admin page but the login and logout."""
    return [
        f"ADMIN {answer.role}: GET {answer.url} answered {answer.status} {answer.location}"
        for answer in answers
        if answer.route.startswith("admin/")
        and answer.route not in ("admin/login/", "admin/logout/")
        and answer.role not in STAFF
        and (answer.status, answer.location) != (302, "/admin/login/")
    ]


def existence_giveaways(answers: Sequence[Answer]) -> list[str]:
    """An address naming a thing the role may not see answers as one naming nothing (or sends a guest to log in,
    for a restricted work: PRODUCT.md says a direct link does)."""
    baseline: dict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
    for answer in answers:
        if answer.binding.missing:
            baseline[answer.role, answer.route].add((answer.status, answer.location))
    problems = []
    for answer in answers:
        unseen = {s for s in answer.binding.secrets if answer.role not in SECRETS[s]}
        expected = baseline.get((answer.role, answer.route))
        if not unseen or not expected or answer.route.startswith("admin/"):
            continue
        if (answer.status, answer.location) in expected:
            continue
        if unseen == {"restricted"} and answer.role in GUESTS and answer.location == reverse("account_login"):
            continue
        problems.append(
            f"EXISTS {'/'.join(sorted(unseen))} to {answer.role}: GET {answer.url} answered "
            f"{answer.status} {answer.location}, a missing one {sorted(expected)}"
        )
    return problems


def logged_out_differences(answers: Sequence[Answer]) -> list[str]:
    """A client that logged in and out, or whose account was deleted, is answered as a guest is, address by
    address."""
    by_url: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    for answer in answers:
        if answer.role in GUESTS:
            by_url[answer.url].setdefault(answer.role, (answer.status, answer.location))
    return [
        f"LOGOUT GET {url}: as {role} {seen[role]}, as a guest {seen['guest']}"
        for url, seen in by_url.items()
        for role in sorted(GUESTS - {"guest"})
        if "guest" in seen and role in seen and seen[role] != seen["guest"]
    ]


def muted_titles(archive: Archive) -> list[str]:
    """The owner's works' titles, lower-cased as tokens are: the public ones and the restricted one."""
    public = Work.objects.filter(creatorships__pseud__user=archive.users["owner"], posted=True, anonymous=False)
    titles = {work.title.lower() for work in public if not archive.secrets("work", work.pk)}
    return sorted(titles | {canary("restricted", "title")})


def muted_in_listings(archive: Archive, answers: Sequence[Answer], patterns: set[str]) -> list[str]:
    """The muter finds none of the muted owner's works in the listings (they may still open them by address:
    the leak check holds them to the reader's rule there). A reader who muted nobody does find them there, or
    this check would prove nothing."""
    titles = muted_titles(archive)
    listed = [answer for answer in answers if answer.route in patterns]
    problems = [
        f"MUTED the owner's {shown} listed to the muter: GET {answer.url}"
        for answer in listed
        if answer.role == "muter"
        and (shown := [title for title in titles if title in answer.found and title not in answer.url.lower()])
    ]
    for title in titles:
        if not any(title in answer.found for answer in listed if answer.role == "blocked"):
            problems.append(f"MUTED CHECK: no listing shows {title!r} to a reader (is the crawl reaching it?)")
    return problems


def test_no_role_sees_what_it_may_not_by_any_route(db: None, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = seed(tmp_path)
    clients = role_clients(archive)
    result = crawl(
        clients,
        value_groups(archive),
        listing_queries(archive),
        [*archive.tokens, ANON_WORK_MARK, *muted_titles(archive)],
        skip=lambda role, pattern: role in OUTSIDE_ADMIN and pattern.startswith("admin/"),
    )

    filled = len(result.routes) - len(result.unfillable)
    size = (
        f"\ncanary crawl: {len(result.routes)} routes ({filled} filled, {len(result.unfillable)} unfillable) "
        f"x {len(ROLES)} roles ({len(OUTSIDE_ADMIN)} outside the admin) = {len(result.answers)} requests, "
        f"{len(archive.tokens)} canaries"
    )
    unfillable = [
        f"  unfillable: {r.pattern} ({SKIP.get(r.pattern, 'NOT IN THE SKIP LIST')})" for r in result.unfillable
    ]
    print("\n".join([size, *unfillable]))  # noqa: T201 (shown with -s: the size goes in the issue's closing note)
    assert {route.pattern for route in result.unfillable} <= set(SKIP), "give these parameters values, or skip them"
    assert not result.unreachable, f"built URLs that another pattern answers: {result.unreachable}"

    problems = [
        *leaks(archive, result.answers),
        *admin_refusals(result.answers),
        *existence_giveaways(result.answers),
        *logged_out_differences(result.answers),
        *muted_in_listings(archive, result.answers, {r.pattern for r in result.routes if r.name in MUTED_LISTINGS}),
        *(f"ERROR {a.status} to {a.role}: GET {a.url} {a.error}" for a in result.answers if a.status >= 500),
    ]
    seen = {token for answer in result.answers for token in answer.found if token in archive.tokens}
    unseen = {t for t, s in archive.tokens.items() if SECRETS[s] and t not in seen}
    problems += [f"UNSEEN {token}: no role that may see it found it (is the crawl reaching it?)" for token in unseen]
    # Tokens were found in file names, inside EPUBs and in PDFs' text: the crawl does look inside downloads.
    channels = {where.split(":")[0] for answer in result.answers for where in answer.found.values()}
    assert {"body", "headers", "zip", *(["pdf text"] if shutil.which("pdftotext") else [])} <= channels
    for role in ("other", "owner", "moderator", "superuser", "blocked", "muter"):
        assert "_auth_user_id" in clients[role].session, f"the crawl logged {role} out"
    for former in (clients["after_logout"], *archive.departed.values()):
        assert "_auth_user_id" not in former.session
    assert not problems, f"{len(set(problems))} problems:\n" + "\n".join(sorted(set(problems)))
