"""The JSON records of an account export, one producer per file (works are in work_records.py).

Each producer takes the person and yields plain dicts, reading CHUNK rows at a time, so an account with thousands
of bookmarks or comments is written without holding them all. Only what is the person's own goes in: comments they
wrote (never others' comments on their works), blocks and mutes they made (never who blocked or muted them), token
names (never the secrets or their hashes), and other people's works as the person may see them today
(references.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from allauth.account.models import EmailAddress
from django.db.models import Q

from fanshelf.accounts.models import Block, Mute, PersonalToken, Pseud, User, UsernameChange, is_moderator
from fanshelf.bookmarks.models import Bookmark
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.community.models import Kudos
from fanshelf.core.site_url import absolute_url
from fanshelf.discovery.models import ExclusionProfile
from fanshelf.exports.references import (
    Record,
    in_chunks,
    series_ref,
    user_ref,
    when,
    work_ref,
    works_for_refs,
)
from fanshelf.exports.work_records import own_works_query
from fanshelf.inbox.models import Subscription
from fanshelf.reading.models import PublicShelf, Reading, ShelfEntry
from fanshelf.tags.models import WranglingAssignment
from fanshelf.works.models import CreatorInvitation, Gift, RelatedWork, Series

# User fields profile.json writes by name; every other field of the account is a preference and is written
# under "preferences", so a preference added later is exported without a change here. The password hash never is.
ACCOUNT_FIELDS = {"id", "password", "username", "email", "first_name", "last_name", "date_joined", "last_login"}
ACCOUNT_FIELDS |= {"is_staff", "is_superuser", "is_active"}


def _preferences(user: User) -> dict[str, object]:
    fields = [field for field in User._meta.concrete_fields if not field.is_relation]
    return {field.name: getattr(user, field.attname) for field in fields if field.name not in ACCOUNT_FIELDS}


def profile(user: User) -> Iterator[Record]:
    """The account itself: names, addresses, dates and every preference (profile.json is one object)."""
    addresses = EmailAddress.objects.filter(user=user).order_by("pk")
    renames = UsernameChange.objects.filter(user=user).order_by("changed_at", "pk")
    yield {
        "username": user.username,
        "email": user.email,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary} for address in addresses
        ],
        "joined": when(user.date_joined),
        "last_login": when(user.last_login),
        "name": " ".join(filter(None, [user.first_name, user.last_name])),
        "moderator": is_moderator(user),
        "active": user.is_active,
        "preferences": _preferences(user),
        "username_changes": [
            {
                "from": change.old_username,
                "to": change.new_username,
                "when": when(change.changed_at),
                "by_a_moderator": change.changed_by_id not in (None, user.pk),
            }
            for change in renames
        ],
    }


def pseuds(user: User) -> Iterator[Record]:
    for pseud in Pseud.objects.filter(user=user).order_by("pk"):
        yield {
            "name": pseud.name,
            "description": pseud.description,
            "default": pseud.is_default,
            "created": when(pseud.created_at),
        }


def comments(user: User) -> Iterator[Record]:
    """The comments the person wrote that the site still shows them (CommentQuerySet.readable_by): published ones
    and those waiting for approval. One hidden or marked spam is shown to the commenter nowhere, so not here either
    (a spammer is not told); a deleted one has no text left. The work is named only if they may still see it."""
    shown_to_commenter = [CommentStatus.PUBLISHED, CommentStatus.HELD]
    rows = Comment.objects.filter(user=user, status__in=shown_to_commenter).select_related("pseud", "chapter")
    for chunk in in_chunks(rows):
        shown = works_for_refs((comment.work_id for comment in chunk), user)
        for comment in chunk:
            chapter = comment.chapter if comment.work_id in shown else None
            yield {
                "id": comment.pk,
                "url": absolute_url(comment.get_absolute_url()) if comment.work_id in shown else None,
                "work": work_ref(comment.work_id, shown, user),
                "chapter": chapter.position if chapter is not None else None,
                "reply_to_comment": comment.parent_id,
                "pseud": comment.pseud.name if comment.pseud is not None else None,
                "text": comment.text,
                "status": comment.status,
                "created": when(comment.created_at),
                "edited": when(comment.edited_at),
            }


def bookmarks(user: User) -> Iterator[Record]:
    """All the person's bookmarks, private ones included (they are theirs)."""
    rows = Bookmark.objects.filter(user=user).select_related("pseud", "series", "external").prefetch_related("tags")
    for chunk in in_chunks(rows):
        shown = works_for_refs((bookmark.work_id for bookmark in chunk), user)
        for bookmark in chunk:
            external = bookmark.external
            yield {
                "kind": bookmark.kind,
                "work": work_ref(bookmark.work_id, shown, user),
                "series": series_ref(bookmark.series, user),
                "external_work": (
                    {"url": external.url, "title": external.title, "creator": external.creator}
                    if external is not None
                    else None
                ),
                "pseud": bookmark.pseud.name,
                "notes": bookmark.notes,
                "tags": sorted(tag.name for tag in bookmark.tags.all()),
                "rec": bookmark.rec,
                "private": bookmark.private,
                "created": when(bookmark.created_at),
                "updated": when(bookmark.updated_at),
            }


def kudos(user: User) -> Iterator[Record]:
    """Kudos the person left (kudos on their own works are counted in works.json)."""
    for chunk in in_chunks(Kudos.objects.filter(user=user)):
        shown = works_for_refs((one.work_id for one in chunk), user)
        for one in chunk:
            yield {"work": work_ref(one.work_id, shown, user), "created": when(one.created_at)}


def subscriptions(user: User) -> Iterator[Record]:
    rows = Subscription.objects.filter(user=user).select_related("series", "creator")
    for chunk in in_chunks(rows):
        shown = works_for_refs((subscription.work_id for subscription in chunk), user)
        for subscription in chunk:
            yield {
                "work": work_ref(subscription.work_id, shown, user),
                "series": series_ref(subscription.series, user),
                "creator": user_ref(subscription.creator),
                "created": when(subscription.created_at),
            }


def history(user: User) -> Iterator[Record]:
    """Reading history as kept (only while the person's keep_history preference was on)."""
    for chunk in in_chunks(Reading.objects.filter(user=user).select_related("last_chapter")):
        shown = works_for_refs((reading.work_id for reading in chunk), user)
        for reading in chunk:
            chapter = reading.last_chapter if reading.work_id in shown else None
            yield {
                "work": work_ref(reading.work_id, shown, user),
                "last_chapter": chapter.position if chapter is not None and chapter.posted else None,
                "visits": reading.visits,
                "last_read": when(reading.last_read_at),
            }


def shelves(user: User) -> Iterator[Record]:
    public = set(PublicShelf.objects.filter(user=user).values_list("shelf", flat=True))
    for chunk in in_chunks(ShelfEntry.objects.filter(user=user)):
        shown = works_for_refs((entry.work_id for entry in chunk), user)
        for entry in chunk:
            yield {
                "shelf": entry.shelf,
                "shelf_is_public": entry.shelf in public,
                "work": work_ref(entry.work_id, shown, user),
                "added": when(entry.added_at),
            }


def blocks(user: User) -> Iterator[Record]:
    """Whom the person blocked; never who blocked them (the blocked are not told)."""
    for block in Block.objects.filter(blocker=user).select_related("blocked").order_by("pk"):
        yield {"user": user_ref(block.blocked), "created": when(block.created_at)}


def mutes(user: User) -> Iterator[Record]:
    """Whom the person muted; never who muted them."""
    for mute in Mute.objects.filter(muter=user).select_related("muted").order_by("pk"):
        yield {"user": user_ref(mute.muted), "created": when(mute.created_at)}


def tokens(user: User) -> Iterator[Record]:
    """Access tokens by name and dates only: the secret was shown once and only its hash is kept, never exported."""
    for token in PersonalToken.objects.filter(user=user).order_by("pk"):
        yield {
            "name": token.name,
            "created": when(token.created_at),
            "last_used": when(token.last_used_at),
            "revoked": token.revoked,
        }


def gifts(user: User) -> Iterator[Record]:
    """Gifts to the person's pseuds (refused ones marked), and gifts they gave with their works (refusals, which
    the giver is not shown on the site, are left out)."""
    received = Gift.objects.filter(pseud__user=user).select_related("pseud")
    for chunk in in_chunks(received):
        shown = works_for_refs((gift.work_id for gift in chunk), user)
        for gift in chunk:
            yield {
                "direction": "received",
                "work": work_ref(gift.work_id, shown, user),
                "to": gift.pseud.name if gift.pseud is not None else gift.recipient_name,
                "refused": gift.refused,
                "created": when(gift.created_at),
            }
    given = Gift.objects.filter(work__in=own_works_query(user), refused=False).select_related("pseud__user")
    for chunk in in_chunks(given):
        shown = works_for_refs((gift.work_id for gift in chunk), user)
        for gift in chunk:
            yield {
                "direction": "given",
                "work": work_ref(gift.work_id, shown, user),
                "to": str(gift.pseud) if gift.pseud is not None else gift.recipient_name,
                "created": when(gift.created_at),
            }


def invitations(user: User) -> Iterator[Record]:
    """Co-creator invitations waiting for the person (the inviter showed them the work), and those they sent."""
    received = CreatorInvitation.objects.filter(pseud__user=user).select_related("work", "chapter", "pseud")
    for invitation in received.order_by("pk"):
        work = invitation.work
        yield {
            "direction": "received",
            "work": {"id": work.pk, "title": work.title, "url": absolute_url(work.get_absolute_url())},
            "chapter": invitation.chapter.position if invitation.chapter is not None else None,
            "pseud": invitation.pseud.name,
            "created": when(invitation.created_at),
        }
    sent = CreatorInvitation.objects.filter(invited_by=user).select_related("pseud__user", "chapter")
    for chunk in in_chunks(sent):
        shown = works_for_refs((invitation.work_id for invitation in chunk), user)
        for invitation in chunk:
            yield {
                "direction": "sent",
                "work": work_ref(invitation.work_id, shown, user),
                "chapter": invitation.chapter.position if invitation.chapter is not None else None,
                "pseud": str(invitation.pseud),
                "created": when(invitation.created_at),
            }


def related_works(user: User) -> Iterator[Record]:
    """The parents the person's works cite, and other works citing theirs that the person may see (a draft or
    hidden work citing theirs is left out altogether: its very existence is its creator's business)."""
    own = own_works_query(user)
    links = RelatedWork.objects.filter(Q(child__in=own) | Q(parent__in=own)).distinct()
    for chunk in in_chunks(links):
        shown = works_for_refs([pk for link in chunk for pk in (link.child_id, link.parent_id)], user)
        for link in chunk:
            if link.child_id not in shown:  # the person's own works are always shown to them
                continue
            yield {
                "child": work_ref(link.child_id, shown, user),
                "kind": link.kind,
                "parent": work_ref(link.parent_id, shown, user),
                "external_parent": (
                    {"url": link.external_url, "title": link.external_title, "creator": link.external_creator}
                    if link.is_external
                    else None
                ),
                "approved": link.approved,
                "removed_by_parent_creator": link.rejected,
                "created": when(link.created_at),
            }


def series(user: User) -> Iterator[Record]:
    """Series credited to the person's pseuds, with the works in them the person may see, in order."""
    for one in Series.objects.filter(creators__user=user).distinct().prefetch_related("creators__user").order_by("pk"):
        entries = one.entries.order_by("position").values_list("work_id", flat=True)
        ids = list(entries)
        shown = works_for_refs(ids, user)
        yield {
            "id": one.pk,
            "url": absolute_url(one.get_absolute_url()),
            "title": one.title,
            "summary": one.summary,
            "notes": one.notes,
            "complete": one.complete,
            "creators": [str(pseud) for pseud in one.creators.all()],
            "works": [work_ref(pk, shown, user) for pk in ids if pk in shown],
            "created": when(one.created_at),
        }


def wrangling(user: User) -> Iterator[Record]:
    """Fandoms the person wrangles tags for."""
    for assignment in WranglingAssignment.objects.filter(wrangler=user).select_related("fandom").order_by("pk"):
        yield {"fandom": assignment.fandom.name}


def exclusions(user: User) -> Iterator[Record]:
    """The person's standing filters (exclusions.json is one object; empty when they never set any)."""
    profile = ExclusionProfile.objects.filter(user=user).prefetch_related("tags", "users", "pseuds__user").first()
    if profile is None:
        yield {}
        return
    yield {
        "tags": sorted(tag.name for tag in profile.tags.all()),
        "users": sorted(other.username for other in profile.users.all()),
        "pseuds": sorted(str(pseud) for pseud in profile.pseuds.all()),
        "languages": profile.languages,
        "ratings": profile.ratings,
        "warnings": profile.warnings,
        "crossovers": profile.crossovers,
        "max_fandoms": profile.max_fandoms,
        "shelves": profile.shelves,
        "updated": when(profile.updated_at),
    }
