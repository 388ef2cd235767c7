"""Every write to accounts, pseuds and personal tokens. Views, admin actions and the API call these rather than
saving models."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from fanshelf.accounts import sessions
from fanshelf.accounts.models import (
    PSEUD_VALIDATOR,
    TOKEN_PREFIX,
    USERNAME_VALIDATOR,
    Block,
    Mute,
    PersonalToken,
    Pseud,
    User,
    UsernameChange,
    outranks,
)
from fanshelf.accounts.signals import account_deleting, pseud_deleting
from fanshelf.core.audit import moderator_acted

PSEUD_NAME_MAX = 40
PREFERENCE_FIELDS = (
    "show_warnings",
    "show_freeforms",
    "skip_adult_gate",
    "keep_history",
    "allow_cocreators",
    "allow_gifts",
    "allow_citing",  # AO3's protected users (works/related.py resolve_parent)
    # Defaults for each new work's reuse permissions (docs/reuse.md).
    "reuse_podfic",
    "reuse_translation",
    "reuse_remix",
    "reuse_ai_training",
    "time_zone",
    "comment_emails",
    "reply_emails",
    "kudos_digest",
    "subscription_emails",
)
# Names for things attached to a pseud, keyed by the reverse accessor; others use the model's verbose name.
_ATTACHED_NAMES = {"creatorships": ("work", "works")}


@dataclass(frozen=True)
class PseudFields:
    name: str
    description: str = ""


def _name_taken_error(name: str) -> ValidationError:
    return ValidationError({"name": f"You already have a pseud named “{name}”."})


def _clean_pseud_name(user: User, name: str, pseud: Pseud | None) -> str:
    """1-40 characters, at least one letter or digit (so it can sit in a URL), unique per user ignoring case."""
    name = name.strip()
    if not 1 <= len(name) <= PSEUD_NAME_MAX:
        raise ValidationError({"name": f"Pseud names are 1 to {PSEUD_NAME_MAX} characters."})
    PSEUD_VALIDATOR(name)
    if not any(char.isalnum() for char in name):
        raise ValidationError({"name": "A pseud name needs at least one letter or number."})
    taken = user.pseuds.filter(name__iexact=name)
    if pseud is not None:
        taken = taken.exclude(pk=pseud.pk)
    if taken.exists():
        raise _name_taken_error(name)
    return name


def _clean_description(description: str) -> str:
    limit = Pseud._meta.get_field("description").max_length or 0
    if len(description) > limit:
        raise ValidationError({"description": f"Descriptions are at most {limit:,} characters."})
    return description


def create_pseud(user: User, fields: PseudFields) -> Pseud:
    """Add a pen name to the user's account."""
    name = _clean_pseud_name(user, fields.name, None)
    description = _clean_description(fields.description)
    try:
        with transaction.atomic():
            return Pseud.objects.create(user=user, name=name, description=description)
    except IntegrityError as error:  # another request took the name between our check and the insert
        raise _name_taken_error(name) from error


def update_pseud(pseud: Pseud, fields: PseudFields) -> Pseud:
    """Rename a pseud or change its description. The default pseud keeps the username as its name."""
    if pseud.is_default and fields.name.strip() != pseud.name:
        raise ValidationError({"name": "Your default pseud is named after your username and cannot be renamed."})
    name = _clean_pseud_name(pseud.user, fields.name, pseud)
    pseud.name, pseud.description = name, _clean_description(fields.description)
    try:
        with transaction.atomic():
            pseud.save(update_fields=["name", "description"])  # a rename reaches listings: accounts/signals.py
    except IntegrityError as error:
        raise _name_taken_error(name) from error
    return pseud


def attached_items(pseud: Pseud) -> list[str]:
    """What is made under this pseud, as phrases ("2 works", "1 bookmark"); empty when nothing is.

    Accounts sits below the apps that credit pseuds, so it asks Django's relation registry instead of importing them.
    """
    phrases = []
    for relation in Pseud._meta.related_objects:
        accessor = relation.get_accessor_name()
        if accessor is None or relation.hidden:  # a hidden relation ("+") is another's, such as an exclusion
            continue
        count = getattr(pseud, accessor).count() if relation.multiple else int(hasattr(pseud, accessor))
        if count:
            meta = relation.related_model._meta
            singular, plural = _ATTACHED_NAMES.get(accessor, (str(meta.verbose_name), str(meta.verbose_name_plural)))
            phrases.append(f"{count} {singular if count == 1 else plural}")
    return phrases


class LeavingWorks(models.TextChoices):
    """What becomes of the works of a pseud or an account that is deleted."""

    MOVE = "move", "Move them to another of my pseuds"
    ORPHAN = "orphan", "Orphan them (hand them to the orphan account)"
    DELETE = "delete", "Delete them"


def delete_pseud(pseud: Pseud, *, works: str = "", target: Pseud | None = None, keep_names: bool = False) -> None:
    """Delete a pseud. The default pseud cannot be deleted.

    Without a choice (`works` empty: the admin's delete) a pseud with anything made under it is refused, since
    deleting it silently would uncredit the works. With one, its works are moved to `target` (another of the
    user's pseuds), orphaned, or deleted (fanshelf.works does that, receiving `pseud_deleting`); its bookmarks,
    comments and other credits go to `target`, or to the default pseud when the works do not move.
    """
    if pseud.is_default:
        raise ValidationError("Your default pseud cannot be deleted.")
    if not works:
        attached = attached_items(pseud)
        if attached:
            things = ", ".join(attached)
            raise ValidationError(
                f"“{pseud.name}” still has {things}. Credit them to another pseud first, then delete it."
            )
        pseud.delete()
        return
    if works not in LeavingWorks.values:
        raise ValidationError({"works": "Choose what becomes of the pseud’s works."})
    if works == LeavingWorks.MOVE:
        if target is None or target.user_id != pseud.user_id or target.pk == pseud.pk:
            raise ValidationError({"target": "Choose another of your pseuds to move the works to."})
    else:
        target = pseud.user.default_pseud()
    with transaction.atomic():
        pseud_deleting.send(sender=Pseud, pseud=pseud, works=works, target=target, keep_names=keep_names)
        _repoint_to(pseud, target)
        pseud.delete()


def _repoint_to(pseud: Pseud, target: Pseud) -> None:
    """Credit to `target` whatever the person made under `pseud` that still points at it (bookmarks, comments,
    ...). The apps that credit pseuds sit above accounts, so this goes through Django's relation registry, as
    attached_items does; rows with their own rules (works, series, gifts) were settled by their app's receiver
    first."""
    for relation in Pseud._meta.related_objects:
        # Only what the person made under the pseud, which names them too; a reader's exclusion of the pseud, say,
        # must not turn into an exclusion of another of the person's pseuds.
        made_by_them = any(f.name == "user" for f in relation.related_model._meta.concrete_fields)
        if (relation.one_to_many or relation.one_to_one) and made_by_them and not relation.hidden:
            name = relation.field.name
            relation.related_model._base_manager.filter(**{name: pseud}).update(**{name: target})


USERNAME_MIN, USERNAME_MAX = 3, 40
USERNAME_CHANGE_INTERVAL = datetime.timedelta(days=7)


def check_new_username(user: User, new_username: str) -> str:
    """The new name, stripped, if `user` may take it: 3-40 letters, numbers and underscores, no other account's
    name ignoring case, and none of the user's other pseuds (the default pseud will carry it)."""
    name = new_username.strip()
    if name == user.username:
        raise ValidationError({"username": "That is already your username."})
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX:
        raise ValidationError({"username": f"Usernames are {USERNAME_MIN} to {USERNAME_MAX} characters."})
    try:
        USERNAME_VALIDATOR(name)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from error
    reserved = {reserved.lower() for reserved in settings.ACCOUNT_USERNAME_BLACKLIST}
    if name.lower() in reserved or User.objects.filter(username__iexact=name).exclude(pk=user.pk).exists():
        raise _username_taken_error()
    pseud = user.pseuds.filter(name__iexact=name, is_default=False).first()
    if pseud is not None:
        raise ValidationError(
            {"username": f"You have a pseud named “{pseud.name}”: rename or delete it first, then take its name."}
        )
    return name


def _username_taken_error() -> ValidationError:
    return ValidationError({"username": "That username is taken."})


def next_username_change(user: User) -> datetime.datetime | None:
    """When the owner may next rename the account; None when they may now. Moderators' renames do not count."""
    last = user.username_changes.filter(changed_by=user).values_list("changed_at", flat=True).first()
    if last is None or timezone.now() >= last + USERNAME_CHANGE_INTERVAL:
        return None
    return last + USERNAME_CHANGE_INTERVAL


def change_username(user: User, new_username: str, password: str) -> User:
    """The owner renames their account: with their current password, at most once in USERNAME_CHANGE_INTERVAL."""
    if not user.check_password(password):
        raise ValidationError({"password": "That is not your current password."})
    name = check_new_username(user, new_username)
    after = next_username_change(user)
    if after is not None:
        when = date_format(timezone.localtime(after), "j F Y, H:i")
        days = USERNAME_CHANGE_INTERVAL.days
        raise ValidationError(f"You can change your username once every {days} days: next from {when}.")
    return _rename(user, name, changed_by=user)


def rename_account(user: User, new_username: str, *, acting: User) -> User:
    """A moderator renames an account in the admin, without its password or the owner's weekly limit."""
    if acting.pk != user.pk and not outranks(acting, user):
        raise ValidationError(f"You cannot rename the account “{user.username}”: only a superuser can.")
    return _rename(user, check_new_username(user, new_username), changed_by=acting)


def _rename(user: User, name: str, *, changed_by: User) -> User:
    """The username, the default pseud named after it and the record of the old name change together."""
    old = user.username
    try:
        with transaction.atomic():
            # The pseud by update(), so that only the account's save below announces the rename to listings
            # (pseud_renamed, once for each of its pseuds: accounts/signals.py).
            user.pseuds.filter(is_default=True).update(name=name)
            user.username = name
            user.save(update_fields=["username"])
            UsernameChange.objects.create(user=user, old_username=old, new_username=name, changed_by=changed_by)
    except IntegrityError as error:  # another account took the name between our check and the save
        user.username = old
        raise _username_taken_error() from error
    return user


def update_preferences(user: User, changes: Mapping[str, object]) -> User:
    """Save the user's preferences; unknown keys are refused rather than silently written."""
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValueError(f"Not preferences: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in changes])
    user.save(update_fields=list(changes))
    return user


def may_set_active(acting: User | None, target: User) -> bool:
    """Nobody suspends their own account (so the admin never locks out the person using it) or one that outranks
    theirs; without an acting person (the command line) every account may be."""
    return acting is None or (target.pk != acting.pk and outranks(acting, target))


def set_users_active(users: Iterable[User], active: bool, *, acting: User | None = None) -> int:
    """Suspend (active=False) or reinstate accounts; a suspended account cannot log in and its sessions end.
    Accounts the acting person may not act on (see may_set_active) are left as they are. Returns how many changed.
    """
    ids = [user.pk for user in users if may_set_active(acting, user)]
    with transaction.atomic():
        changing = list(User.objects.filter(pk__in=ids).exclude(is_active=active).values_list("pk", flat=True))
        for pk in changing if acting is not None else ():
            moderator_acted(acting, "reinstated account" if active else "suspended account", f"account {pk}")
        # Either way any end date goes: a reinstated account has none, and the admin's suspension is for good.
        return User.objects.filter(pk__in=changing).update(is_active=active, suspended_until=None)


def suspend_account(user: User, *, until: datetime.datetime | None, acting: User, reason: str) -> User:
    """Suspend an account until a time (it ends by itself then: `end_suspension_if_over`, asked at sign-in) or,
    with `until` None, for good until reinstated. The account cannot sign in and its sessions end. Refused
    (PermissionDenied) for an account the acting moderator may not act on (see may_set_active)."""
    if not may_set_active(acting, user):
        raise PermissionDenied("You cannot suspend this account.")
    if until is not None and until <= timezone.now():
        raise ValidationError({"until": "A suspension has to end in the future."})
    with transaction.atomic():
        ends = until.isoformat() if until is not None else "never"
        moderator_acted(acting, "suspended account", f"account {user.pk}", reason, until=ends)
        user.is_active, user.suspended_until = False, until
        user.save(update_fields=["is_active", "suspended_until"])
        _end_sessions(user)
    return user


def end_suspension_if_over(user: User) -> bool:
    """Reinstate an account whose suspension for a set time has passed; True when it did (or it was active)."""
    if user.is_active:
        return True
    if user.suspended_until is None or user.suspended_until > timezone.now():
        return False
    with transaction.atomic():
        # Conditional, so a moderator's new suspension made meanwhile is not undone.
        ended = User.objects.filter(pk=user.pk, is_active=False, suspended_until__lte=timezone.now()).update(
            is_active=True, suspended_until=None
        )
    if ended:
        user.is_active, user.suspended_until = True, None
    return bool(ended)


def set_official(users: Iterable[User], official: bool, *, acting: User) -> int:
    """Make accounts official (the archive's own voice: they cannot be blocked or muted) or not; superusers only.
    Existing blocks and mutes of an account made official are lifted. Returns how many changed."""
    if not acting.is_superuser:
        raise PermissionDenied("Only superusers make accounts official.")
    with transaction.atomic():
        changing = [user.pk for user in users if user.is_official != official]
        for pk in changing:
            moderator_acted(
                acting, "made account official" if official else "made account not official", f"account {pk}"
            )
        if official:
            Block.objects.filter(blocked_id__in=changing).delete()
            Mute.objects.filter(muted_id__in=changing).delete()
        return User.objects.filter(pk__in=changing).update(is_official=official)


@dataclass(frozen=True)
class CreatedToken:
    """A new token and its secret. The secret exists only here: show it to the owner once, never store it."""

    token: PersonalToken
    secret: str


TOKEN_NAME_MAX = PersonalToken._meta.get_field("name").max_length or 100
MAX_ACTIVE_TOKENS = 50
_VISIBLE_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
# A token used again within this time keeps its recorded last use: e-reader apps send many requests in a row.
_LAST_USE_PRECISION = datetime.timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str) -> CreatedToken:
    """A new personal token for the user; the returned secret is the only copy of it there will ever be."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= TOKEN_NAME_MAX:
        raise ValidationError({"name": f"Token names are 1 to {TOKEN_NAME_MAX} characters."})
    if user.personal_tokens.filter(revoked=False).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"You have {MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken.objects.create(
        user=user, name=name, prefix=secret[:_VISIBLE_PREFIX_LENGTH], token_hash=hash_token(secret)
    )
    return CreatedToken(token, secret)


def revoke_token(token: PersonalToken) -> PersonalToken:
    """Refuse the token from now on. Revoked tokens stay listed, so the owner sees what was revoked."""
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked"])
    return token


def user_for_token(secret: str) -> User | None:
    """The active user a personal token belongs to, or None for an unknown, revoked or malformed token.

    Records when the token was last used (to the minute), so its owner can tell which tokens are in use.
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None  # a password or garbage: no need to ask the database
    token = (
        PersonalToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USE_PRECISION:
        PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def delete_account(
    user: User,
    *,
    acting: User | None = None,
    works: str = LeavingWorks.DELETE,
    keep_names: bool = False,
    delete_comments: bool = False,
) -> None:
    """Delete an account, deciding first what becomes of what was made under it: works it made alone are deleted
    or orphaned (`works`), works made with others lose only its credit (fanshelf.works does both, receiving
    `account_deleting`, so the listings hear of each). Its pseuds, tokens, kudos, bookmarks, history, shelves,
    subscriptions, inbox, blocks, mutes and sessions go with it; its comments stay as "(deleted account)" unless
    `delete_comments`.

    Someone deleting another person's account must outrank them (see outranks); people may delete their own.
    """
    if acting is not None and acting.pk != user.pk and not outranks(acting, user):
        raise ValidationError(f"You cannot delete the account “{user.username}”: only a superuser can.")
    if works not in (LeavingWorks.DELETE, LeavingWorks.ORPHAN):
        raise ValidationError({"works": "Choose whether to orphan or delete your works."})
    with transaction.atomic():
        if acting is not None and acting.pk != user.pk:
            # By number only: the log outlives the account, which leaves no name behind (docs/leaving.md).
            moderator_acted(acting, "deleted account", f"account {user.pk}")
        account_deleting.send(
            sender=User, user=user, works=works, keep_names=keep_names, delete_comments=delete_comments
        )
        _forget_in_admin_log(user)
        _end_sessions(user)
        user.delete()


def _forget_in_admin_log(user: User) -> None:
    """The admin's history of changes to this account and its pseuds names them; keep the entries (what a
    moderator did), without the names."""
    pseud_ids = [str(pk) for pk in user.pseuds.values_list("pk", flat=True)]
    for model, ids in ((User, [str(user.pk)]), (Pseud, pseud_ids)):
        content_type = ContentType.objects.get_for_model(model)
        LogEntry.objects.filter(content_type=content_type, object_id__in=ids).update(
            object_repr="(deleted account)", change_message=""
        )


def _end_sessions(user: User) -> None:
    """Sign the account out everywhere. Sessions are not indexed by user, so each unexpired one is decoded: an
    account deletion is rare, and this keeps no session naming a deleted account."""
    if settings.SESSION_ENGINE not in (sessions.ENGINE, "django.contrib.sessions.backends.db"):
        return  # other session stores end with the account: the user they name no longer exists
    mine = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY, "")) == mine
    ]
    Session.objects.filter(pk__in=stale).delete()
