"""Sharing a work (issue 11): co-creator invitations and gifts. Every write about them is an action here.

People are named as AO3 names them in a byline: a pseud's name, or "name (username)" when several accounts use
that name. The inbox hears of invitations and gifts through the signals below (works may not import the inbox);
docs/sharing.md describes what users see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.dispatch import Signal

from fanshelf.accounts.models import Pseud, User, has_blocked
from fanshelf.works.actions import remove_creator
from fanshelf.works.models import Chapter, CreatorInvitation, Creatorship, Gift, Work, WorkChange

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer, WorkQuerySet

# Sent with `invitation` when a co-creator invitation is made; the inbox files it for the invitee.
creator_invited = Signal()
# Sent with `work_id` when a work's gifts changed; the inbox tells recipients not yet told, once the work is
# listed (a draft's recipients hear when it is posted: the inbox also listens to the outbox for that).
gifts_given = Signal()

GIFT_NAME_MAX = Gift._meta.get_field("recipient_name").max_length or 100
_WITH_USERNAME = re.compile(r"^(?P<pseud>.+?)\s*\((?P<username>[^()]+)\)$")


def split_names(value: str) -> list[str]:
    """Names typed into a comma-separated box, each once, in the order typed."""
    names: dict[str, str] = {}
    for name in value.split(","):
        cleaned = " ".join(name.split())
        if cleaned:
            names.setdefault(cleaned.casefold(), cleaned)
    return list(names.values())


def find_pseud(name: str, field: str) -> Pseud | None:
    """The pseud a typed name means, or None when nobody here goes by it. "name (username)" picks one account's
    pseud; a bare name shared by several accounts is refused unless one of them is that account's own name."""
    match = _WITH_USERNAME.match(name)
    pseuds = Pseud.objects.filter(user__is_active=True).select_related("user")
    if match:
        return pseuds.filter(
            name__iexact=match["pseud"].strip(), user__username__iexact=match["username"].strip()
        ).first()
    found = list(pseuds.filter(name__iexact=name)[:20])
    if len(found) > 1:
        own = [pseud for pseud in found if pseud.user.username.casefold() == name.casefold()]
        if len(own) == 1:
            return own[0]
        raise ValidationError(
            {field: [f"More than one person uses the name “{name}”: write it as “{name} (username)”."]}
        )
    return found[0] if found else None


def _blocked_by(recipient: User, people: set[User]) -> bool:
    return any(has_blocked(recipient.pk, person) for person in people)


def _people_of(work: Work, acting: User) -> set[User]:
    """The work's creators and the person acting: a block by the invitee or recipient against any of them counts."""
    people = {c.pseud.user for c in work.creatorships.select_related("pseud__user")}
    people.add(acting)
    return people


def check_invitees(work: Work, user: User, names: Sequence[str], field: str = "cocreators") -> list[Pseud]:
    """The pseuds these names invite, or one ValidationError (keyed by `field`) naming every refusal: nobody by
    that name, one's own pseud, a person who does not accept invitations or who blocked one of the creators."""
    errors: list[str] = []
    pseuds: list[Pseud] = []
    people = _people_of(work, user) if names else set()
    for name in names:
        try:
            pseud = find_pseud(name, field)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if pseud is None:
            errors.append(f"There is nobody here called “{name}”.")
        elif pseud.user_id == user.pk:
            errors.append(f"“{name}” is your own pseud: tick it under Creator/Pseud(s) instead.")
        elif not pseud.user.allow_cocreators:
            errors.append(f"{pseud} does not accept co-creator invitations.")
        elif _blocked_by(pseud.user, people):
            errors.append(f"{pseud} cannot be invited to this work.")
        else:
            pseuds.append(pseud)
    if errors:
        raise ValidationError({field: errors})
    return pseuds


def _start_chapter_credits(chapter: Chapter, user: User) -> None:
    """A chapter that names co-creators credits its own creators too: at first, the inviting creator's pseuds."""
    if not chapter.creators.exists():
        chapter.creators.add(*[c.pseud for c in chapter.work.creatorships.filter(pseud__user=user)])


@transaction.atomic
def invite(
    work: Work, user: User, names: Sequence[str], chapter: Chapter | None = None, field: str = "cocreators"
) -> list[CreatorInvitation]:
    """Invite pseuds to be credited on `work` (and on `chapter`, when given). Each invitation waits in the
    invitee's inbox until they accept or decline it; a pseud already credited on the work is added to the chapter
    at once, having agreed to the work. Asking again leaves the first invitation as it is."""
    if not work.is_created_by(user):
        raise ValidationError({field: ["Only the work's creators can invite co-creators."]})
    pseuds = check_invitees(work, user, names, field)
    if chapter is not None and pseuds:
        _start_chapter_credits(chapter, user)
    credited = set(work.creatorships.values_list("pseud_id", flat=True))
    made: list[CreatorInvitation] = []
    for pseud in pseuds:
        if pseud.pk in credited:
            if chapter is not None:
                chapter.creators.add(pseud)
            continue
        invitation, created = CreatorInvitation.objects.get_or_create(
            work=work, pseud=pseud, defaults={"chapter": chapter, "invited_by": user}
        )
        if created:
            made.append(invitation)
    if chapter is not None and pseuds:
        WorkChange.objects.create(work_id=work.pk, kind="creators")
    for invitation in made:
        creator_invited.send(CreatorInvitation, invitation=invitation)
    return made


def invitations_for(work: Work, user: User) -> list[CreatorInvitation]:
    return list(CreatorInvitation.objects.filter(work=work, pseud__user=user).select_related("pseud", "chapter"))


@transaction.atomic
def accept(work: Work, user: User) -> list[Pseud]:
    """The invitee accepts: each invited pseud is credited last on the work (and on its chapter, if one was
    named), the invitation goes, and the outbox tells listings and search of the new byline."""
    invitations = invitations_for(work, user)
    if not invitations:
        raise ValidationError("There is no invitation for you on this work.")
    last = work.creatorships.aggregate(last=Max("position"))["last"]
    position = -1 if last is None else last
    credited = [c.pseud for c in work.creatorships.select_related("pseud").order_by("position")]
    for invitation in invitations:
        if invitation.chapter is not None:
            _keep_other_chapters_credits(work, invitation.chapter, credited)
        position += 1
        Creatorship.objects.get_or_create(work=work, pseud=invitation.pseud, defaults={"position": position})
        if invitation.chapter is not None:
            invitation.chapter.creators.add(invitation.pseud)
        invitation.delete()
    WorkChange.objects.create(work_id=work.pk, kind="creators")
    return [invitation.pseud for invitation in invitations]


def _keep_other_chapters_credits(work: Work, chapter: Chapter, credited: list[Pseud]) -> None:
    """Joining through one chapter: the work's other chapters, which credited the work's creators by naming
    nobody, now name them, so they keep saying who wrote them ("by A" beside the work's "A, B")."""
    for other in work.chapters.exclude(pk=chapter.pk).exclude(creators__isnull=False):
        other.creators.add(*credited)


@transaction.atomic
def decline(work: Work, user: User) -> None:
    """The invitee declines: the invitation is deleted (and may be sent again)."""
    deleted, _ = CreatorInvitation.objects.filter(work=work, pseud__user=user).delete()
    if not deleted:
        raise ValidationError("There is no invitation for you on this work.")


@transaction.atomic
def remove_self(work: Work, user: User) -> None:
    """A co-creator takes their pseuds off a work (and its chapters); the last creator cannot."""
    if not work.is_created_by(user):
        raise ValidationError("You are not a creator of this work.")
    if not work.creatorships.exclude(pseud__user=user).exists():
        raise ValidationError("You are the only creator of this work: delete it instead.")
    Chapter.creators.through.objects.filter(chapter__work=work, pseud__user=user).delete()
    remove_creator(work, user)


def _gift_refusal(pseud: Pseud, people: set[User], refused: set[int]) -> str | None:
    if pseud.pk in refused:
        return f"{pseud} refused this gift."
    if any(person.pk == pseud.user_id for person in people):
        return f"“{pseud}” is a creator of this work: a gift is for someone else."
    if not pseud.user.allow_gifts:
        return f"{pseud} does not accept gifts."
    if _blocked_by(pseud.user, people):
        return f"{pseud} cannot be given this work."
    return None


def _recipients(work: Work, user: User, names: Sequence[str]) -> tuple[list[Pseud], list[str]]:
    """The pseuds and plain names these names give to, or one ValidationError keyed "gifts" naming each refusal."""
    errors: list[str] = []
    pseuds: list[Pseud] = []
    plain: list[str] = []
    people = _people_of(work, user) if names else set()
    refused = set(Gift.objects.filter(work=work, refused=True, pseud__isnull=False).values_list("pseud_id", flat=True))
    for name in names:
        try:
            pseud = find_pseud(name, "gifts")
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if pseud is None:
            if len(name) > GIFT_NAME_MAX:
                errors.append(f"A recipient's name can be at most {GIFT_NAME_MAX} characters.")
            else:
                plain.append(name)
        elif (refusal := _gift_refusal(pseud, people, refused)) is not None:
            errors.append(refusal)
        else:
            pseuds.append(pseud)
    if errors:
        raise ValidationError({"gifts": errors})
    return pseuds, plain


@transaction.atomic
def give(work: Work, user: User, names: Sequence[str]) -> list[Gift]:
    """Make the work a gift to exactly these names (pseuds here, or plain names of people who are not): gifts not
    named any more are taken back; refused ones stay recorded, so the work is not given to them again."""
    if not work.is_created_by(user):
        raise ValidationError({"gifts": ["Only the work's creators can give it."]})
    pseuds, plain = _recipients(work, user, names)
    current = list(Gift.objects.filter(work=work, refused=False))
    wanted_pseuds = {pseud.pk for pseud in pseuds}
    wanted_names = {name.casefold() for name in plain}
    taken_back = [
        gift.pk
        for gift in current
        if (gift.pseud_id is not None and gift.pseud_id not in wanted_pseuds)
        or (gift.pseud_id is None and gift.recipient_name.casefold() not in wanted_names)
    ]
    Gift.objects.filter(pk__in=taken_back).delete()
    have_pseuds = {gift.pseud_id for gift in current}
    have_names = {gift.recipient_name.casefold() for gift in current if gift.pseud_id is None}
    new = [Gift(work=work, pseud=pseud) for pseud in pseuds if pseud.pk not in have_pseuds]
    new += [Gift(work=work, recipient_name=name) for name in plain if name.casefold() not in have_names]
    made = Gift.objects.bulk_create(new)
    if made or taken_back:
        WorkChange.objects.create(work_id=work.pk, kind="gifts")  # blurbs and the work page show recipients
    if any(gift.pseud_id is not None for gift in made):
        gifts_given.send(Gift, work_id=work.pk)
    return made


@transaction.atomic
def refuse_gift(work: Work, user: User) -> int:
    """A recipient refuses the gift: the work stops naming them and leaves their gifts page; it stays recorded, so
    the work cannot be given to them again."""
    refused = Gift.objects.filter(work=work, pseud__user=user, refused=False).update(refused=True)
    if not refused:
        raise ValidationError("This work is not a gift to you.")
    WorkChange.objects.create(work_id=work.pk, kind="gifts")
    return refused


def share_from_form(work: Work, user: User, cocreators: Sequence[str], gifts: Sequence[str] | None) -> None:
    """The work form's sharing fields, run inside the work's own transaction (its `then=`), so a refusal keeps
    the work unsaved and the form shows why. `gifts` is None when the form did not carry the field (an older
    page), which leaves the work's gifts as they are. Both fields' refusals are shown at once."""
    steps: list[Callable[[], object]] = [lambda: invite(work, user, cocreators)]
    if gifts is not None:
        steps.append(lambda: give(work, user, gifts))
    errors: dict[str, list[str]] = {}
    for step in steps:
        try:
            step()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def recipients_text(work: Work) -> str:
    """The work's recipients as the form shows them: "name" or "name (username)", and plain names."""
    return ", ".join(str(gift.pseud) if gift.pseud else gift.recipient_name for gift in shown_gifts(work))


def shown_gifts(work: Work) -> list[Gift]:
    """Gifts not refused, in the order given (from the prefetch `for_blurbs` makes, when there is one)."""
    prefetched = getattr(work, "_prefetched_objects_cache", {}).get("gifts")
    if prefetched is not None:
        return [gift for gift in prefetched if not gift.refused]
    return list(Gift.objects.filter(work=work, refused=False).select_related("pseud__user"))


def invited_work(user: User, work_id: int) -> Work | None:
    """The work this person has an invitation to, whatever its state: an invitee answers even for a draft."""
    invited = CreatorInvitation.objects.filter(work=OuterRef("pk"), pseud__user=user)
    return Work.objects.filter(Exists(invited), pk=work_id).first()


def gifted_work(user: User, work_id: int) -> Work | None:
    """The work if it is a gift (not refused) to one of this person's pseuds, whatever its state: a recipient may
    refuse a gift even once the work is hidden from them."""
    given = Gift.objects.filter(work=OuterRef("pk"), pseud__user=user, refused=False)
    return Work.objects.filter(Exists(given), pk=work_id).first()


def gifts_received(recipient: User, viewer: Viewer) -> WorkQuerySet:
    """The works given to any of `recipient`'s pseuds that `viewer` may see listed, refused ones left out."""
    given = Gift.objects.filter(work=OuterRef("pk"), pseud__user=recipient, refused=False)
    return Work.objects.listed_for(viewer).filter(Exists(given)).for_blurbs().newest_first()
