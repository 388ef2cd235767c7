"""What the database says about an item about to be scored: the verdicts on its domains and text, copies of its
text, and its account's age, history and addresses. A fixed number of queries per item, whatever its size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.spam import text
from fanshelf.spam.models import FeatureKind, ItemKind, SpamCheck, SpamFeature, Verdict
from fanshelf.spam.scoring import Evidence, Verdicts
from fanshelf.works.models import Work, WorkQuerySet

# "Recently", for copies of a text: a spam wave posts the same text within days.
RECENT_DAYS = 7
# "Recently", for the addresses an account posted from.
RECENT_ADDRESS_HOURS = 24


@dataclass(frozen=True)
class Item:
    """One work or comment as scoring sees it."""

    kind: str
    item_id: int
    work_id: int
    account: User | None
    markup: str
    address_key: str

    @property
    def words(self) -> list[str]:
        return text.words(self.markup)


def gather(item: Item, urls: list[str], fingerprint: list[str]) -> Evidence:
    domains = text.domains(urls)
    copies, text_verdicts = _copies(item, fingerprint)
    account = item.account
    if account is None:
        return Evidence(
            words=len(item.words),
            links=len(urls),
            domains=_domain_verdicts(item, domains),
            recent_copies=copies,
            text_verdicts=text_verdicts,
            guest=True,
        )
    new_after = timezone.now() - datetime.timedelta(days=settings.FANSHELF_NEW_ACCOUNT_DAYS)
    own_works = Work.objects.filter(creatorships__pseud__user=account)
    return Evidence(
        words=len(item.words),
        links=len(urls),
        domains=_domain_verdicts(item, domains),
        recent_copies=copies,
        text_verdicts=text_verdicts,
        new_account=account.date_joined > new_after,
        posted_before=_posted_before(item, account, own_works),
        kudos_received=own_works.filter(kudos_count__gt=0).exists(),
        recent_addresses=_recent_addresses(item, account),
        account_verdicts=_account_verdicts(account),
    )


def _account_verdicts(account: User) -> Verdicts:
    decided = SpamCheck.objects.filter(account_id=account.pk).exclude(verdict=Verdict.NONE)
    counts = dict(decided.values("verdict").annotate(n=Count("pk")).values_list("verdict", "n"))
    return Verdicts(spam=counts.get(Verdict.SPAM, 0), not_spam=counts.get(Verdict.NOT_SPAM, 0))


def _domain_verdicts(item: Item, domains: list[str]) -> dict[str, Verdicts]:
    if not domains:
        return {}
    rows = (
        SpamFeature.objects.filter(kind=FeatureKind.DOMAIN, value__in=domains)
        .exclude(spam_check__verdict=Verdict.NONE)
        .filter(_others_through_feature(item))
        .values("value", "spam_check__verdict")
        .annotate(n=Count("pk"))
        .values_list("value", "spam_check__verdict", "n")
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for domain, verdict, n in rows:
        counts[domain][verdict] = n
    return {
        domain: Verdicts(spam=by.get(Verdict.SPAM, 0), not_spam=by.get(Verdict.NOT_SPAM, 0))
        for domain, by in counts.items()
    }


def _others_through_feature(item: Item) -> Q:
    """Features of other items' checks than this one's."""
    return ~Q(spam_check__kind=item.kind, spam_check__item_id=item.item_id)


def _copies(item: Item, fingerprint: list[str]) -> tuple[int, Verdicts]:
    """How many other items of the last RECENT_DAYS have nearly the same text, and the verdicts on all those, of
    any age, that moderators decided on."""
    if not fingerprint:
        return 0, Verdicts()
    sharing = (
        SpamFeature.objects.filter(kind=FeatureKind.SHINGLE, value__in=fingerprint)
        .filter(_others_through_feature(item))
        .values("spam_check_id")
        .annotate(shared=Count("pk"))
        .filter(shared__gte=text.shared_needed(len(fingerprint)))
        .values("spam_check_id")
    )
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    rows = SpamCheck.objects.filter(pk__in=sharing).filter(Q(created_at__gte=since) | ~Q(verdict=Verdict.NONE))
    recent = spam = not_spam = 0
    for created_at, verdict in rows.values_list("created_at", "verdict"):
        recent += created_at >= since
        spam += verdict == Verdict.SPAM
        not_spam += verdict == Verdict.NOT_SPAM
    return recent, Verdicts(spam=spam, not_spam=not_spam)


def _posted_before(item: Item, account: User, own_works: WorkQuerySet) -> bool:
    works = own_works.filter(posted=True)
    comments = Comment.objects.filter(user=account, status=CommentStatus.PUBLISHED)
    if item.kind == ItemKind.WORK:
        works = works.exclude(pk=item.item_id)
    else:
        comments = comments.exclude(pk=item.item_id)
    return bool(works.exists() or comments.exists())


def _recent_addresses(item: Item, account: User) -> int:
    since = timezone.now() - datetime.timedelta(hours=RECENT_ADDRESS_HOURS)
    seen = set(
        SpamCheck.objects.filter(account_id=account.pk, created_at__gte=since)
        .exclude(address_key="")
        .values_list("address_key", flat=True)
        .distinct()
    )
    if item.address_key:
        seen.add(item.address_key)
    return max(1, len(seen))
