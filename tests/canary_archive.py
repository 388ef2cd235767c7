"""The archive the canary crawl (tests/test_canary_crawl.py) searches: who the roles are, what each may see, and the
seeding, through the real actions, of things whose every text field carries a unique token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mutagen.id3
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import LeavingWorks, create_token, delete_account
from fanshelf.accounts.blocking import block, mute
from fanshelf.accounts.models import User
from fanshelf.audio.actions import upload_audio
from fanshelf.audio.models import AudioFile
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work
from fanshelf.comments.actions import mark_spam, post_comment
from fanshelf.comments.models import Comment
from fanshelf.community.actions import leave_kudos
from fanshelf.inbox import comment_notices
from fanshelf.inbox.actions import subscribe
from fanshelf.inbox.models import InboxEntry
from fanshelf.reading.actions import set_shelf_public, shelve
from fanshelf.tags.actions import add_metatag, add_parent, find_or_create_tag, make_canonical
from fanshelf.tags.models import Tag, TagType
from fanshelf.works.actions import (
    ChapterFields,
    WorkFields,
    add_chapter,
    create_work,
    set_hidden_by_moderator,
    set_work_flags,
)
from fanshelf.works.models import RelatedWork, RelationKind, Work
from fanshelf.works.related import ParentReference, approve_link, cite_parent
from fanshelf.works.series import add_to_series, update_series
from fanshelf.works.sharing import give
from tests.audio.samples import mp3_bytes
from tests.factories import make_user, make_work

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
