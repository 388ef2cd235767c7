"""Orphaning: a creator hands works to the orphan account, cutting the link between the works and the person.

The orphan account is an ordinary User row named ORPHAN_USERNAME, made on first need. Nobody can sign in to it: its
password is unusable, it has no email address and it is inactive. A creator may keep the name the work was credited
to ("Quill (orphan_account)", as AO3 shows it): that is a pseud of the same name under the orphan account, shared by
every work orphaned under that name. Otherwise the work is credited to the orphan account's default pseud.

Only the orphaning person's credits move: their creatorships, their chapter credits and their series credits. A
co-creator keeps theirs. Every work touched gets an outbox row ("creators"), so listings and search show the new
byline at once. Orphaning cannot be undone; the pages that call these actions ask once more first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fanshelf.accounts.models import Pseud, User
from fanshelf.works.models import Chapter, CreatorInvitation, Creatorship, Series, Work, WorkChange

ORPHAN_USERNAME = "orphan_account"


def orphan_account() -> User:
    """The orphan account, made the first time anything is orphaned.

    A person who somehow holds the name (signing up with it is refused: ACCOUNT_USERNAME_BLACKLIST) is never taken
    for it: works are not handed to an account someone can sign in to.
    """
    user = User.objects.filter(username__iexact=ORPHAN_USERNAME).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=ORPHAN_USERNAME, email="", is_active=False)
                user.set_unusable_password()
                user.save()  # accounts/signals.py gives it its default pseud, named orphan_account
        except IntegrityError:  # made by another request meanwhile
            user = User.objects.get(username__iexact=ORPHAN_USERNAME)
    if user.has_usable_password() or user.is_active:
        raise ValidationError("The orphan account is misconfigured (someone can sign in to it); ask an administrator.")
    return user


def _orphan_pseud(orphan: User, name: str | None) -> Pseud:
    """The orphan account's pseud for a kept name (one per name, shared), or its default pseud."""
    if name is None or name.lower() == orphan.username.lower():
        return orphan.default_pseud()
    found = orphan.pseuds.filter(name__iexact=name).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Pseud.objects.create(user=orphan, name=name)
    except IntegrityError:  # another orphaning made it meanwhile
        return orphan.pseuds.get(name__iexact=name)


class _Targets:
    """For each pseud of the orphaning person, the orphan account's pseud its credits move to, made only when a
    credit actually moves (so no kept name appears under the orphan account with nothing credited to it)."""

    def __init__(self, pseuds: Iterable[Pseud], keep_names: bool) -> None:
        self.orphan = orphan_account()
        self.names = {pseud.pk: pseud.name if keep_names else None for pseud in pseuds}
        self.made: dict[int, Pseud] = {}

    def ids(self) -> list[int]:
        return list(self.names)

    def __getitem__(self, pseud_id: int) -> Pseud:
        if pseud_id not in self.made:
            self.made[pseud_id] = _orphan_pseud(self.orphan, self.names[pseud_id])
        return self.made[pseud_id]


def _move_work_credits(work_ids: list[int], targets: _Targets) -> None:
    """Move the credits of the pseuds in `targets` on these works (creatorships and chapter credits) to their
    orphan pseuds, merging where the work already credits that orphan pseud; one outbox row per work."""
    for credit in Creatorship.objects.filter(work_id__in=work_ids, pseud_id__in=targets.ids()).order_by("pk"):
        target = targets[credit.pseud_id]
        if Creatorship.objects.filter(work_id=credit.work_id, pseud=target).exists():
            credit.delete()
        else:
            credit.pseud = target
            credit.save(update_fields=["pseud"])
    through = Chapter.creators.through
    for link in through.objects.filter(chapter__work_id__in=work_ids, pseud_id__in=targets.ids()).order_by("pk"):
        target = targets[link.pseud_id]
        if not through.objects.filter(chapter_id=link.chapter_id, pseud=target).exists():
            through.objects.create(chapter_id=link.chapter_id, pseud=target)
        link.delete()
    # Invitations the person sent for these works no longer say who sent them.
    users = Pseud.objects.filter(pk__in=targets.ids()).values("user_id")
    CreatorInvitation.objects.filter(work_id__in=work_ids, invited_by__in=users).update(invited_by=None)
    WorkChange.objects.bulk_create([WorkChange(work_id=work_id, kind="creators") for work_id in work_ids])


def _move_series_credits(series: Iterable[Series], targets: _Targets) -> None:
    for one in series:
        credited = [pseud.pk for pseud in one.creators.all() if pseud.pk in targets.names]
        if credited:
            one.creators.remove(*credited)
            one.creators.add(*{targets[pk].pk for pk in credited})
            entries = one.entries.values_list("work_id", flat=True)
            WorkChange.objects.bulk_create([WorkChange(work_id=pk, kind="series") for pk in entries])


def _posted_works_of(pseuds: Iterable[Pseud], *, series: Series | None = None) -> list[int]:
    credited = Creatorship.objects.filter(pseud__in=list(pseuds)).values("work_id")
    works = Work.objects.filter(pk__in=credited, posted=True)
    if series is not None:
        works = works.filter(series_entries__series=series)
    return list(works.order_by("pk").values_list("pk", flat=True).distinct())


def _orphan(work_ids: list[int], targets: _Targets) -> int:
    if work_ids:
        _move_work_credits(work_ids, targets)
    return len(work_ids)


@transaction.atomic
def orphan_work(work: Work, user: User, *, keep_names: bool) -> Work:
    """Hand `user`'s credit on one posted work to the orphan account; co-creators stay credited."""
    pseuds = list(Pseud.objects.filter(user=user, creatorships__work=work))
    if not pseuds:
        raise ValidationError("Only a creator of a work can orphan it.")
    if not work.posted:
        raise ValidationError("Drafts cannot be orphaned: post the work first, or delete it.")
    _orphan([work.pk], _Targets(pseuds, keep_names))
    return work


@transaction.atomic
def orphan_series(series: Series, user: User, *, keep_names: bool) -> int:
    """Hand `user`'s credit on a series, and on each posted work of it they made, to the orphan account. Returns
    how many works were orphaned."""
    if not series.creators.filter(user=user).exists():
        raise ValidationError("Only a creator of a series can orphan it.")
    pseuds = list(user.pseuds.all())
    targets = _Targets(pseuds, keep_names)
    _move_series_credits([series], targets)
    return _orphan(_posted_works_of(pseuds, series=series), targets)


@transaction.atomic
def orphan_pseud_works(pseud: Pseud, *, keep_names: bool) -> int:
    """Hand every posted work credited to this pseud (and its series credits) to the orphan account. Drafts stay
    with the pseud. Returns how many works were orphaned."""
    targets = _Targets([pseud], keep_names)
    _move_series_credits(Series.objects.filter(creators=pseud), targets)
    return _orphan(_posted_works_of([pseud]), targets)


@transaction.atomic
def orphan_all_works(user: User, *, keep_names: bool) -> int:
    """Hand every posted work of the account, and its series credits, to the orphan account. Drafts stay.
    Returns how many works were orphaned."""
    pseuds = list(user.pseuds.all())
    targets = _Targets(pseuds, keep_names)
    _move_series_credits(Series.objects.filter(creators__user=user).distinct(), targets)
    return _orphan(_posted_works_of(pseuds), targets)
