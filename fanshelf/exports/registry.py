"""What an account export holds: each JSON file, what it is, and which models it comes from; and the models with
a path to a person that are left out, with why.

tests/exports/test_export_coverage.py walks every model and fails on one linked to a person (within two foreign
keys of a User, Pseud, Work or Comment) that is in neither MODELS_EXPORTED nor NOT_EXPORTED: a new model must be
exported or listed here with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fanshelf.accounts.models import User
from fanshelf.exports import records, work_records
from fanshelf.exports.references import Record


@dataclass(frozen=True)
class JsonFile:
    name: str
    description: str
    records: Callable[[User], Iterator[Record]]
    single: bool = False  # one object rather than a list


def _works(user: User) -> Iterator[Record]:
    for work in work_records.own_works(user):
        yield work_records.work_record(work, user)


FILES = [
    JsonFile("profile.json", "your account: username, email addresses, dates, every preference", records.profile, True),
    JsonFile("pseuds.json", "your pseuds and their descriptions", records.pseuds),
    JsonFile(
        "works.json",
        "every work credited to you (drafts, anonymous and hidden ones too): tags, notes, settings, chapters, and "
        "the names of its EPUB, HTML and audio files under works/",
        _works,
    ),
    JsonFile("series.json", "your series and the works in them", records.series),
    JsonFile("related_works.json", "works your works cite, and works citing yours", records.related_works),
    JsonFile("gifts.json", "gifts you received and gave", records.gifts),
    JsonFile("invitations.json", "co-creator invitations waiting for you, and those you sent", records.invitations),
    JsonFile("comments.json", "every comment you wrote", records.comments),
    JsonFile("bookmarks.json", "your bookmarks, private ones included, with notes and tags", records.bookmarks),
    JsonFile("kudos.json", "the kudos you left", records.kudos),
    JsonFile("subscriptions.json", "works, series and creators you subscribe to", records.subscriptions),
    JsonFile("history.json", "your reading history, as far as you kept it", records.history),
    JsonFile("shelves.json", "the works on your reading shelves, and which shelves are public", records.shelves),
    JsonFile("blocks.json", "the accounts you blocked", records.blocks),
    JsonFile("mutes.json", "the accounts you muted", records.mutes),
    JsonFile("tokens.json", "your access tokens' names and dates (never the secrets)", records.tokens),
    JsonFile("wrangling.json", "fandoms you wrangle tags for", records.wrangling),
    JsonFile("exclusions.json", "your standing filters: what listings hide from you", records.exclusions, True),
]

# Model label -> the export file its rows go to.
MODELS_EXPORTED: dict[str, str] = {
    "accounts.User": "profile.json",
    "accounts.UsernameChange": "profile.json",
    "account.EmailAddress": "profile.json",
    "accounts.Pseud": "pseuds.json",
    "accounts.PersonalToken": "tokens.json",
    "accounts.Block": "blocks.json",
    "accounts.Mute": "mutes.json",
    "tags.WranglingAssignment": "wrangling.json",
    "works.Work": "works.json",
    "works.WorkTag": "works.json",
    "works.Creatorship": "works.json",
    "works.Chapter": "works.json",
    "audio.AudioFile": "works.json",
    "works.Series": "series.json",
    "works.SeriesEntry": "series.json",
    "works.RelatedWork": "related_works.json",
    "works.Gift": "gifts.json",
    "works.CreatorInvitation": "invitations.json",
    "comments.Comment": "comments.json",
    "bookmarks.Bookmark": "bookmarks.json",
    "community.Kudos": "kudos.json",
    "inbox.Subscription": "subscriptions.json",
    "reading.Reading": "history.json",
    "reading.ShelfEntry": "shelves.json",
    "reading.PublicShelf": "shelves.json",
    "discovery.ExclusionProfile": "exclusions.json",
}

# Model label -> why its rows are not in a person's export.
NOT_EXPORTED: dict[str, str] = {
    "admin.LogEntry": "the admin's record of changes staff made, kept for moderators, not the person's own content",
    "account.EmailConfirmation": "one-time email confirmation keys: secrets, useless once used",
    "works.Hit": "readers' visits to the person's works are other people's; the total is in works.json, and the "
    "person's own visits are their history",
    "inbox.InboxEntry": "notifications of other people's comments, replies and postings: their text is theirs; "
    "invitations and gifts are in invitations.json and gifts.json",
    "inbox.DigestMark": "when the last digest email went out: bookkeeping, no content",
    "reading.ShelfVersion": "a random key that changes with the shelves, for caches: no content",
    "moderation.Report": "reports are the moderators' records: one about the person would tell them who "
    "reported them, and the reporter's confirmation email is their copy of their own",
    "accounts.Invitation": "an invitation code to sign up: a secret, used up when the account was made",
    "accounts.InvitationRequest": "a place in the queue for an invitation, by email address; done once invited",
    "moderation.AuditEntry": "the moderators' audit log of what staff did (for a moderator, their own acts on "
    "other people's accounts and works): kept for accountability, and about others",
}
