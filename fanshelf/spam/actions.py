"""Every write of spam scoring: checking new works and comments (inside the action that posts them), moderators'
verdicts, and suspending an account for spam. Items are hidden and shown through their own apps' actions, so
listings, counts, feeds and the outbox follow as for any moderator's hiding."""

from __future__ import annotations

import html
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from fanshelf.accounts.actions import suspend_account
from fanshelf.accounts.models import User, is_moderator
from fanshelf.comments.actions import set_spam
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.core.audit import moderator_acted
from fanshelf.spam import text
from fanshelf.spam.evidence import Item, gather
from fanshelf.spam.middleware import posting_address_key
from fanshelf.spam.models import FeatureKind, ItemKind, SpamCheck, SpamFeature, Verdict
from fanshelf.spam.scoring import score
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.models import Work


def threshold() -> int:
    """FANSHELF_SPAM_THRESHOLD: items scoring this much or more are hidden pending review; 0 turns scoring off."""
    return int(settings.FANSHELF_SPAM_THRESHOLD)


def review_score() -> int:
    """Items scoring half the threshold are listed for review too, without being hidden."""
    return max(1, math.ceil(threshold() / 2))


def check_work(work: Work) -> SpamCheck | None:
    """Score a work being posted for the first time, inside the action posting it, and hide it pending review
    when it reaches the threshold (its creators still see it, with a notice). None when scoring is off."""
    if threshold() <= 0:
        return None
    first = work.creatorships.select_related("pseud__user").order_by("position", "pk").first()
    account = first.pseud.user if first is not None else None
    parts = [html.escape(work.title), work.summary, work.notes, work.end_notes]
    for chapter in work.chapters.posted().values_list("title", "summary", "notes", "content", "end_notes"):
        parts += [html.escape(chapter[0]), *chapter[1:]]
    markup = "\n".join(parts)[: text.SCORED_CHARS]
    check = _record(Item(ItemKind.WORK, work.pk, work.pk, account, markup, posting_address_key()))
    if check.held:
        set_hidden_by_moderator(work, True)
    return check


def check_comment(comment: Comment) -> SpamCheck | None:
    """Score a new comment inside post_comment's transaction; one reaching the threshold is held as spam (shown to
    nobody, counted nowhere) until a moderator decides. None when scoring is off."""
    if threshold() <= 0:
        return None
    item = Item(ItemKind.COMMENT, comment.pk, comment.work_id, comment.user, comment.text, posting_address_key())
    check = _record(item)
    if check.held:
        set_spam(comment, True)
    return check


def _record(item: Item) -> SpamCheck:
    urls = text.links(item.markup)
    fingerprint = text.fingerprint(item.markup)
    points, reasons = score(gather(item, urls, fingerprint))
    # Moderators' own posts are scored (so the page shows what the signals make of them) but never hidden.
    exempt = item.account is not None and is_moderator(item.account)
    check = SpamCheck.objects.create(
        kind=item.kind,
        item_id=item.item_id,
        work_id=item.work_id,
        account_id=item.account.pk if item.account is not None else None,
        address_key=item.address_key,
        score=points,
        reasons=[reason.as_json() for reason in reasons],
        held=points >= threshold() and not exempt,
    )
    features = [SpamFeature(spam_check=check, kind=FeatureKind.DOMAIN, value=d[:255]) for d in text.domains(urls)]
    features += [SpamFeature(spam_check=check, kind=FeatureKind.SHINGLE, value=value) for value in fingerprint]
    SpamFeature.objects.bulk_create(features)
    return check


def _require_moderator(acting: User) -> None:
    if not is_moderator(acting):
        raise PermissionDenied("Only moderators review spam.")


def describe(check: SpamCheck) -> str:
    """The item as the audit log names it."""
    if check.kind == ItemKind.WORK:
        return f"work {check.item_id}"
    return f"comment {check.item_id} on work {check.work_id}"


@transaction.atomic(durable=True)
def decide(check: SpamCheck, spam: bool, *, acting: User, reason: str = "") -> SpamCheck:
    """A moderator's verdict on a scored item. Spam: a work stays (or becomes) hidden, a comment's status becomes
    spam. Not spam: an item scoring had hidden is shown again. The verdict is recorded on the check, where it
    weighs on later items with the same link domains, nearly the same text or the same account, and audited."""
    _require_moderator(acting)
    check = SpamCheck.objects.select_for_update().get(pk=check.pk)
    if check.kind == ItemKind.WORK:
        work = Work.objects.filter(pk=check.item_id).first()
        if work is not None and spam:
            set_hidden_by_moderator(work, True, acting=acting)
        elif work is not None and check.held and work.hidden_by_moderator:
            set_hidden_by_moderator(work, False, acting=acting)
    else:
        comment = Comment.objects.filter(pk=check.item_id).first()
        # Not spam releases only what scoring held: a comment its work's creator marked spam stays so.
        if comment is not None and (spam or check.held):
            set_spam(comment, spam, acting=acting, reason=reason)
    check.verdict = Verdict.SPAM if spam else Verdict.NOT_SPAM
    check.decided_at = timezone.now()
    check.save(update_fields=["verdict", "decided_at"])
    action = "marked spam" if spam else "marked not spam"
    moderator_acted(acting, action, describe(check), reason, score=check.score)
    return check


@transaction.atomic(durable=True)
def suspend_for_spam(account: User, *, acting: User, reason: str = "") -> tuple[int, int]:
    """Suspend an account for good for spam and hide all its works and comments at once, each through its own
    action (audited one by one); its items waiting for review are marked spam. PermissionDenied for an account
    the moderator may not act on. Returns how many works and comments were hidden."""
    _require_moderator(acting)
    suspend_account(account, until=None, acting=acting, reason=reason or "spam")
    works = Work.objects.filter(creatorships__pseud__user=account, hidden_by_moderator=False).distinct()
    hidden_works = 0
    for work in works.order_by("pk"):
        set_hidden_by_moderator(work, True, acting=acting)
        hidden_works += 1
    comments = Comment.objects.filter(user=account).exclude(status__in=[CommentStatus.SPAM, CommentStatus.DELETED])
    hidden_comments = 0
    for comment in comments.order_by("pk"):
        set_spam(comment, True, acting=acting, reason=reason or "spam")
        hidden_comments += 1
    pending = SpamCheck.objects.filter(account_id=account.pk, verdict=Verdict.NONE)
    pending.update(verdict=Verdict.SPAM, decided_at=timezone.now())
    return hidden_works, hidden_comments


@transaction.atomic
def forget_account(user: User) -> None:
    """An account being deleted leaves its checks' verdicts on domains and text behind, naming no account."""
    SpamCheck.objects.filter(account_id=user.pk).update(account_id=None, address_key="")
