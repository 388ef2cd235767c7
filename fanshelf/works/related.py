"""Related works: a child cites a parent (inspired by, translation of, podfic of); the parent's creators approve.

The link shows on the parent only once approved, and both sides are masked for readers who may not see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.works.models import RelatedWork, RelationKind, Work, WorkChange

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
    """The id of a work on this archive named by a URL (relative, or absolute on FANSHELF_SITE_URL's host)."""
    parts = urlsplit(url.strip())
    own_host = urlsplit(settings.SITE_URL).netloc
    if parts.netloc and parts.netloc != own_host:
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
    parent = Work.objects.visible_to(user).filter(pk=work_id, posted=True).first()
    if parent is None:
        raise ValidationError({"parent_url": ["There is no posted work at that address that you can see."]})
    return parent


@transaction.atomic
def cite_parent(child: Work, user: User, reference: ParentReference) -> RelatedWork:
    """Record that `child` derives from a parent; notify the parent's creators once the child is posted."""
    parent = resolve_parent(reference, user)
    if parent is not None and parent.pk == child.pk:
        raise ValidationError({"parent_url": ["A work can't be its own parent."]})
    if parent is not None and child.parent_links.filter(parent=parent).exists():
        raise ValidationError({"parent_url": ["This work already cites that parent."]})
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
    """Email the creators of each cited parent once, after the child is posted (called again on posting)."""
    if not child.posted:
        return
    pending = child.parent_links.filter(parent__isnull=False, notified_at__isnull=True, approved=False)
    for link in pending.select_related("parent"):
        parent = link.parent
        if parent is None:  # external parents have no one here to tell
            continue
        recipients = [p.user.email for p in parent.creator_pseuds if p.user.email]
        creators = "Anonymous" if child.anonymous else ", ".join(p.name for p in child.creator_pseuds)
        body = (
            f"“{child.title}” by {creators} says it is {link.get_kind_display().lower()} your work "
            f"“{parent.title}”.\n\nApprove or remove the link: {settings.SITE_URL}/works/related/\n"
        )
        send_mail("A work cites yours", body, None, recipients, fail_silently=True)
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


def _entry(work: Work, kind_label: str, viewer: User | AnonymousUser) -> RelatedEntry | None:
    if Work.objects.visible_to(viewer).filter(pk=work.pk, posted=True).exists():
        creators = ", ".join(p.name for p in work.creator_pseuds) if work.shows_creators_to(viewer) else "Anonymous"
        return RelatedEntry(kind_label, work.title, work.get_absolute_url(), creators)
    if work.restricted and work.posted and not work.hidden_by_moderator and not viewer.is_authenticated:
        return RelatedEntry(kind_label, "A restricted work", None, "", masked=True)
    return None


def parents_for_display(child: Work, viewer: User | AnonymousUser) -> list[RelatedEntry]:
    entries: list[RelatedEntry] = []
    links = child.parent_links.select_related("parent").prefetch_related("parent__creatorships__pseud__user")
    for link in links:
        label = link.get_kind_display()
        if link.parent is None:
            entries.append(RelatedEntry(label, link.external_title, link.external_url, link.external_creator))
        elif (entry := _entry(link.parent, label, viewer)) is not None:
            entries.append(entry)
    return entries


def children_for_display(parent: Work, viewer: User | AnonymousUser) -> list[RelatedEntry]:
    links = parent.child_links.filter(approved=True).select_related("child")
    links = links.prefetch_related("child__creatorships__pseud__user")
    labels = {RelationKind.INSPIRED: "inspired", RelationKind.TRANSLATION: "translation", RelationKind.PODFIC: "podfic"}
    entries = (_entry(link.child, labels[RelationKind(link.kind)], viewer) for link in links)
    return [entry for entry in entries if entry is not None]
