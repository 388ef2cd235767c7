"""The spam score: a sum of small signals, each a pure function of what is known about an item (Evidence) that
returns its points and why, or None when it has nothing to say. The points and reasons are stored on the item's
SpamCheck, so a moderator sees why it was held. Weights are tuned against FANSHELF_SPAM_THRESHOLD's default of 10:
no one signal but a moderator's earlier verdict reaches it alone (docs/spam.md lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdicts:
    """How many earlier items moderators marked spam and not spam."""

    spam: int = 0
    not_spam: int = 0

    @property
    def leaning(self) -> int:
        """1 when moderators mostly said spam, -1 when mostly not spam, 0 when undecided."""
        return (self.spam > self.not_spam) - (self.not_spam > self.spam)


@dataclass(frozen=True)
class Evidence:
    """Everything the signals look at, gathered in a few queries (spam/evidence.py)."""

    words: int
    links: int
    # Verdicts on earlier items linking to each of the item's link domains.
    domains: dict[str, Verdicts] = field(default_factory=dict)
    # Earlier items of the last RECENT_DAYS with nearly the same text, by anyone.
    recent_copies: int = 0
    # Verdicts on earlier items with nearly the same text, however old.
    text_verdicts: Verdicts = Verdicts()
    guest: bool = False
    new_account: bool = False
    posted_before: bool = True
    kudos_received: bool = True
    # Distinct client networks the account posted from within RECENT_ADDRESS_HOURS, this item's included.
    recent_addresses: int = 1
    account_verdicts: Verdicts = Verdicts()


@dataclass(frozen=True)
class Reason:
    signal: str
    points: int
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"signal": self.signal, "points": self.points, "detail": self.detail}


Signal = Callable[[Evidence], Reason | None]

# Per link beyond the first two; a story may well link its playlist and its art.
POINTS_PER_EXTRA_LINK, MOST_FOR_LINKS, FREE_LINKS = 2, 10, 2
# Links thick on the ground: fewer words than this per link.
WORDS_PER_LINK, POINTS_FOR_LINK_HEAVY = 40, 3
POINTS_PER_FLAGGED_DOMAIN, MOST_FOR_FLAGGED_DOMAINS = 6, 12
POINTS_PER_CLEARED_DOMAIN, MOST_OFF_FOR_CLEARED_DOMAINS = -3, -6
POINTS_PER_RECENT_COPY, MOST_FOR_RECENT_COPIES = 4, 8
POINTS_FOR_FLAGGED_TEXT, POINTS_FOR_CLEARED_TEXT = 8, -4
POINTS_FOR_NEW_ACCOUNT = POINTS_FOR_GUEST = 3
POINTS_FOR_FIRST_POSTING, POINTS_FOR_NO_KUDOS = 2, 1
# Per client network beyond the first two: one person posts from home and a phone.
FREE_ADDRESSES, POINTS_PER_EXTRA_ADDRESS, MOST_FOR_ADDRESSES = 2, 2, 6
POINTS_PER_SPAM_VERDICT, MOST_FOR_SPAM_VERDICTS = 5, 10
POINTS_PER_CLEARED_ITEM, MOST_OFF_FOR_CLEARED_ITEMS = -2, -6


def many_links(evidence: Evidence) -> Reason | None:
    extra = evidence.links - FREE_LINKS
    if extra <= 0:
        return None
    return Reason("many_links", min(MOST_FOR_LINKS, extra * POINTS_PER_EXTRA_LINK), f"{evidence.links} links")


def link_heavy(evidence: Evidence) -> Reason | None:
    if not evidence.links or evidence.words >= WORDS_PER_LINK * evidence.links:
        return None
    return Reason("link_heavy", POINTS_FOR_LINK_HEAVY, f"{evidence.words} words around {evidence.links} links")


def flagged_domains(evidence: Evidence) -> Reason | None:
    flagged = sorted(name for name, verdicts in evidence.domains.items() if verdicts.leaning > 0)
    if not flagged:
        return None
    points = min(MOST_FOR_FLAGGED_DOMAINS, len(flagged) * POINTS_PER_FLAGGED_DOMAIN)
    return Reason("flagged_domains", points, "links to domains marked spam before: " + ", ".join(flagged))


def cleared_domains(evidence: Evidence) -> Reason | None:
    cleared = sorted(name for name, verdicts in evidence.domains.items() if verdicts.leaning < 0)
    if not cleared:
        return None
    points = max(MOST_OFF_FOR_CLEARED_DOMAINS, len(cleared) * POINTS_PER_CLEARED_DOMAIN)
    return Reason("cleared_domains", points, "links to domains marked not spam before: " + ", ".join(cleared))


def repeated_text(evidence: Evidence) -> Reason | None:
    if not evidence.recent_copies:
        return None
    points = min(MOST_FOR_RECENT_COPIES, evidence.recent_copies * POINTS_PER_RECENT_COPY)
    return Reason("repeated_text", points, f"nearly the same text was posted {evidence.recent_copies} times lately")


def judged_text(evidence: Evidence) -> Reason | None:
    leaning = evidence.text_verdicts.leaning
    if leaning > 0:
        return Reason("flagged_text", POINTS_FOR_FLAGGED_TEXT, "nearly the same text was marked spam before")
    if leaning < 0:
        return Reason("cleared_text", POINTS_FOR_CLEARED_TEXT, "nearly the same text was marked not spam before")
    return None


def newcomer(evidence: Evidence) -> Reason | None:
    if evidence.guest:
        return Reason("guest", POINTS_FOR_GUEST, "posted by a guest")
    if evidence.new_account:
        return Reason("new_account", POINTS_FOR_NEW_ACCOUNT, "the account is new")
    return None


def first_posting(evidence: Evidence) -> Reason | None:
    if evidence.guest or evidence.posted_before:
        return None
    return Reason("first_posting", POINTS_FOR_FIRST_POSTING, "the account has posted nothing before")


def no_kudos(evidence: Evidence) -> Reason | None:
    if evidence.guest or evidence.kudos_received:
        return None
    return Reason("no_kudos", POINTS_FOR_NO_KUDOS, "the account's works have no kudos")


def many_addresses(evidence: Evidence) -> Reason | None:
    extra = evidence.recent_addresses - FREE_ADDRESSES
    if extra <= 0:
        return None
    points = min(MOST_FOR_ADDRESSES, extra * POINTS_PER_EXTRA_ADDRESS)
    return Reason("many_addresses", points, f"posted from {evidence.recent_addresses} networks in a day")


def account_record(evidence: Evidence) -> Reason | None:
    verdicts = evidence.account_verdicts
    if verdicts.spam:
        points = min(MOST_FOR_SPAM_VERDICTS, verdicts.spam * POINTS_PER_SPAM_VERDICT)
        return Reason("account_spam_before", points, f"{verdicts.spam} of the account's items were marked spam")
    if verdicts.not_spam:
        points = max(MOST_OFF_FOR_CLEARED_ITEMS, verdicts.not_spam * POINTS_PER_CLEARED_ITEM)
        detail = f"{verdicts.not_spam} of the account's items were marked not spam"
        return Reason("account_cleared_before", points, detail)
    return None


SIGNALS: tuple[Signal, ...] = (
    many_links,
    link_heavy,
    flagged_domains,
    cleared_domains,
    repeated_text,
    judged_text,
    newcomer,
    first_posting,
    no_kudos,
    many_addresses,
    account_record,
)


def score(evidence: Evidence) -> tuple[int, list[Reason]]:
    """The item's score and the signals that made it, in SIGNALS order."""
    reasons = [reason for signal in SIGNALS if (reason := signal(evidence)) is not None]
    return sum(reason.points for reason in reasons), reasons
