"""Related works: a child cites a parent (inspired by, translation of, podfic of); the parent's creators approve.

The link shows on the parent only once approved, and both sides are masked for readers who may not see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url, is_this_archive
from fanshelf.works.models import RelatedWork, RelationKind, Work, WorkChange
from fanshelf.works.reuse import citation_refusal

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

_WORK_PATH = re.compile(r"^/works/(\d+)(/.*)?$")


@dataclass(frozen=True)
class ParentReference:
    """What a creator typed: a URL (this archive's work or elsewhere), plus details for external works."""

    url: str
    kind: str = RelationKind.INSPIRED
    title: str = ""
    creator: str = ""
    language: str = ""


@dataclass(frozen=True)
class RelatedEntry:
    """One line of "Inspired by ..." as a given reader may see it."""

    kind_label: str
    title: str
    url: str | None
    creators: str
    masked: bool = False


def internal_work_id(url: str) -> int | None:
    """The id of a work on this archive named by a URL: relative, or on any address of this archive with any
    port (core.site_url.is_this_archive), since creators paste whatever address they read the parent at."""
    parts = urlsplit(url.strip())
    if parts.netloc and not is_this_archive(parts.netloc):
        return None
    match = _WORK_PATH.match(parts.path)
    return int(match.group(1)) if match else None


def resolve_parent(reference: ParentReference, user: User) -> Work | None:
    """The cited work on this archive (which the citing user must be able to see), or None for an external URL."""
    if reference.kind not in RelationKind.values:
        raise ValidationError({"parent_kind": ["Choose how your work relates to the parent."]})
    work_id = internal_work_id(reference.url)
    if work_id is None:
        parts = urlsplit(reference.url.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValidationError({"parent_url": ["Give the parent work's full address (http:// or https://)."]})
        if not reference.title.strip():
            raise ValidationError({"parent_title": ["Give the title of a work that is not on this archive."]})
        return None
    parent = Work.objects.posted_visible_to(user).filter(pk=work_id).first()
    if parent is None:
        raise ValidationError({"parent_url": ["There is no posted work at that address that you can see."]})
    # AO3's protected users: a creator may refuse citations of their works (the message names nobody, as the
    # parent may be anonymous). Its own creators may still cite it.
    if not parent.is_created_by(user) and any(not p.user.allow_citing for p in parent.creator_pseuds):
        raise ValidationError({"parent_url": ["The creator of that work does not allow others to cite it."]})
    return parent


@transaction.atomic
def cite_parent(child: Work, user: User, reference: ParentReference) -> RelatedWork:
    """Record that `child` derives from a parent; notify the parent's creators once the child is posted."""
    parent = resolve_parent(reference, user)
    if parent is not None and parent.pk == child.pk:
        raise ValidationError({"parent_url": ["A work can't be its own parent."]})
    if parent is not None and child.parent_links.filter(parent=parent).exists():
        raise ValidationError({"parent_url": ["This work already cites that parent."]})
    refusal = citation_refusal(parent, reference.kind, user) if parent is not None else None
    if refusal is not None:  # the parent's reuse permissions (works/reuse.py)
        raise ValidationError({"parent_url": [refusal]})
    link = RelatedWork.objects.create(
        child=child,
        parent=parent,
        kind=reference.kind,
        external_url="" if parent else reference.url.strip(),
        external_title="" if parent else reference.title.strip()[:255],
        external_creator="" if parent else reference.creator.strip()[:255],
        external_language="" if parent else reference.language,
        approved=parent is not None and parent.is_created_by(user),
    )
    WorkChange.objects.create(work_id=child.pk, kind="related")
    notify_parent_creators(child)
    return link


def notify_parent_creators(child: Work) -> None:
    """Email the creators of each cited parent once, after the child is posted (called again on posting).

    Each recipient is told only what they may see: nothing about a child they may not open (hidden, unrevealed),
    and "Anonymous" for an anonymous child they did not make. A link nobody could be told about stays un-notified.
    """
    if not child.posted:
        return
    pending = child.parent_links.filter(parent__isnull=False, notified_at__isnull=True, approved=False)
    for link in pending.select_related("parent"):
        parent = link.parent
        if parent is None:  # external parents have no one here to tell
            continue
        told = False
        for user in {pseud.user for pseud in parent.creator_pseuds if pseud.user.email}:
            entry = _visible_entries([child], user).get(child.pk)
            if entry is None or entry.masked:
                continue
            body = (
                f"“{entry.title}” by {entry.creators} says it is {link.get_kind_display().lower()} your work "
                f"“{parent.title}”.\n\nApprove or remove the link: {absolute_url(reverse('works:related_links'))}\n"
            )
            send_mail("A work cites yours", body, None, [user.email], fail_silently=True)
            # Imported here: works.signals imports the actions, which import this module.
            from fanshelf.works.signals import parent_cited

            parent_cited.send(RelatedWork, link=link, recipient=user, title=entry.title, creators=entry.creators)
            told = True
        if told:
            link.notified_at = timezone.now()
            link.save(update_fields=["notified_at"])


def _check_parent_creator(link: RelatedWork, user: User) -> Work:
    if link.parent is None or not link.parent.is_created_by(user):
        raise ValidationError("Only the parent work's creators can do that.")
    return link.parent


@transaction.atomic
def approve_link(link: RelatedWork, user: User) -> None:
    parent = _check_parent_creator(link, user)
    link.approved, link.rejected = True, False
    link.save(update_fields=["approved", "rejected"])
    WorkChange.objects.create(work_id=parent.pk, kind="related")


@transaction.atomic
def reject_link(link: RelatedWork, user: User) -> None:
    """The parent's creators remove the link from their work; the child still says what it derives from."""
    parent = _check_parent_creator(link, user)
    link.approved, link.rejected = False, True
    link.save(update_fields=["approved", "rejected"])
    WorkChange.objects.create(work_id=parent.pk, kind="related")


@transaction.atomic
def uncite_parent(link: RelatedWork, user: User) -> None:
    if not link.child.is_created_by(user):
        raise ValidationError("Only the work's creators can do that.")
    WorkChange.objects.create(work_id=link.child_id, kind="related")
    link.delete()


def _visible_entries(works: list[Work], viewer: User | AnonymousUser) -> dict[int, RelatedEntry]:
    """How each of these works may be named to `viewer`, by id (callers set the label); works they may not know
    of are left out. WorkQuerySet decides which: a work they may open is named (creators shown as Anonymous unless
    they may know them); a work only registered users may open is "A restricted work" to a guest."""
    ids = {work.pk for work in works}
    if not ids:
        return {}
    openable = set(Work.objects.posted_visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True))
    masked = set(Work.objects.listed_for_users().filter(pk__in=ids - openable).values_list("pk", flat=True))
    entries: dict[int, RelatedEntry] = {}
    for work in works:
        if work.pk in openable:
            shown = work.shows_creators_to(viewer)
            creators = ", ".join(p.name for p in work.creator_pseuds) if shown else "Anonymous"
            entries[work.pk] = RelatedEntry("", work.title, work.get_absolute_url(), creators)
        elif work.pk in masked:
            entries[work.pk] = RelatedEntry("", "A restricted work", None, "", masked=True)
    return entries


def parents_for_display(child: Work, viewer: User | AnonymousUser) -> list[RelatedEntry]:
    links = list(child.parent_links.select_related("parent").prefetch_related("parent__creatorships__pseud__user"))
    named = _visible_entries([link.parent for link in links if link.parent is not None], viewer)
    entries: list[RelatedEntry] = []
    for link in links:
        label = link.get_kind_display()
        if link.parent is None:
            entries.append(RelatedEntry(label, link.external_title, link.external_url, link.external_creator))
        elif (entry := named.get(link.parent.pk)) is not None:
            entries.append(replace(entry, kind_label=label))
    return entries


def cited_parents(child: Work, viewer: User) -> list[tuple[RelatedWork, RelatedEntry | None]]:
    """The child's links for its creators to manage, each with its parent as `viewer` may see it: None for a
    parent on this archive they may no longer open (hidden since, say), which they may still remove."""
    links = list(child.parent_links.select_related("parent").prefetch_related("parent__creatorships__pseud__user"))
    named = _visible_entries([link.parent for link in links if link.parent is not None], viewer)
    return [(link, named.get(link.parent_id) if link.parent_id is not None else None) for link in links]


def children_for_display(parent: Work, viewer: User | AnonymousUser) -> list[RelatedEntry]:
    approved = parent.child_links.filter(approved=True).select_related("child")
    links = list(approved.prefetch_related("child__creatorships__pseud__user"))
    named = _visible_entries([link.child for link in links], viewer)
    # Shown after the title ("Salt Songs (podfic) by tidewriter"); under "Works inspired by this one" an inspired
    # work needs no word of its own.
    labels = {RelationKind.INSPIRED: "", RelationKind.TRANSLATION: "translation", RelationKind.PODFIC: "podfic"}
    return [
        replace(named[link.child_id], kind_label=labels[RelationKind(link.kind)])
        for link in links
        if link.child_id in named
    ]


def links_citing_works_of(user: User) -> QuerySet[RelatedWork]:
    """Links from other works to this user's works, for them to approve or remove: only from children they may
    open (a hidden or unrevealed child is unknown to them, as its page is), anonymous ones still masked by
    the byline. Waiting links first."""
    mine = Work.objects.filter(creatorships__pseud__user=user)
    return (
        RelatedWork.objects.filter(parent__in=mine, child__in=Work.objects.posted_visible_to(user))
        .select_related("parent", "child")
        .prefetch_related("child__creatorships__pseud__user")
        .order_by("approved", "-created_at")
    )
