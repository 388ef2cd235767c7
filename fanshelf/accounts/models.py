from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

USERNAME_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9_]+$", "Use letters, numbers and underscores only.", code="invalid_username"
)
PSEUD_VALIDATOR = RegexValidator(
    r"^[\w .\-]+$", "Use letters, numbers, spaces, dots, hyphens and underscores only.", code="invalid_pseud"
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone.")


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        """`fanshelf createsuperuser` runs this. The admin signs in through the site login, which wants a confirmed
        email; the person running the command on the server is trusted with the address they type, so it is
        recorded as confirmed and the first login works even before outgoing email is set up."""
        from allauth.account.models import EmailAddress  # accounts' models load before allauth's

        user = super().create_superuser(username, email, password, **extra_fields)
        addresses = EmailAddress.objects.db_manager(self.db)
        # One address confirms one account: an address another account confirmed stays theirs.
        if user.email and not addresses.filter(email=user.email, verified=True).exists():
            addresses.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        return user


class Reuse(models.TextChoices):
    """A creator's answer to "may others make this from my work?" (podfic, translation, remix, AI training)."""

    YES = "yes", "Yes"
    ASK = "ask", "Ask me first"
    NO = "no", "No"


class AiDisclosure(models.TextChoices):
    """How a work says it was made."""

    NONE = "none", "No AI used"
    ASSISTED = "assisted", "AI-assisted"
    GENERATED = "generated", "AI-generated"


def _reuse_preference(label: str, default: str) -> models.CharField[str, str]:
    return models.CharField(label, max_length=3, choices=Reuse.choices, default=default)


class User(AbstractUser):
    """An account. Preferences live here; works, comments and bookmarks are made under a Pseud."""

    username = models.CharField(
        max_length=40,
        unique=True,
        validators=[MinLengthValidator(3), MaxLengthValidator(40), USERNAME_VALIDATOR],
        help_text="3 to 40 characters: letters, numbers and underscores.",
    )
    show_warnings = models.BooleanField("Show archive warnings in listings", default=True)
    show_freeforms = models.BooleanField("Show additional tags in listings", default=True)
    skip_adult_gate = models.BooleanField("Show me adult content without asking", default=False)
    keep_history = models.BooleanField("Keep my reading history", default=True)
    allow_cocreators = models.BooleanField("Allow others to invite me as a co-creator", default=False)
    allow_gifts = models.BooleanField("Allow others to give me works as gifts", default=True)
    # AO3's "protected users": nobody may cite my works as the parent of theirs.
    allow_citing = models.BooleanField(
        "Allow others to cite my works as inspiration, podfic or translation", default=True
    )
    # Defaults for the reuse permissions of each new work (the work's own fields, in fanshelf.works, are what count).
    reuse_podfic = _reuse_preference("Podfic of my works", Reuse.YES)
    reuse_translation = _reuse_preference("Translations of my works", Reuse.ASK)
    reuse_remix = _reuse_preference("Remixes and other transformative works of my works", Reuse.YES)
    reuse_ai_training = _reuse_preference("Training AI on my works", Reuse.NO)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # The archive's own voice (announcements, support): nobody can block or mute it, as on AO3.
    is_official = models.BooleanField("Official account", default=False)
    # A suspension for a set time ends by itself at this moment (is_active is False until then); empty while
    # the account is active or suspended for good.
    suspended_until = models.DateTimeField(null=True, blank=True)
    # Email preferences for the inbox's notifications (everything also lands in the inbox itself).
    comment_emails = models.CharField(
        "Emails about comments on my works",
        max_length=8,
        choices=[("each", "One per comment"), ("digest", "A daily digest"), ("none", "None")],
        default="each",
    )
    reply_emails = models.BooleanField("Email me replies to my comments", default=True)
    kudos_digest = models.BooleanField("Email me a daily digest of kudos on my works", default=True)
    subscription_emails = models.CharField(
        "Emails from my subscriptions",
        max_length=12,
        choices=[("immediately", "As soon as something is posted"), ("hourly", "An hourly digest"), ("none", "None")],
        default="immediately",
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("username"), name="username_unique_ignoring_case")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Emails are kept in lower case whichever way an account is made (signup, createsuperuser, the admin):
        # allauth compares stored addresses exactly with the lower-cased one typed, so a mixed-case address would
        # let a second account sign up with it, and would not sign in by email.
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def default_pseud(self) -> Pseud:
        return self.pseuds.get(is_default=True)


class Pseud(models.Model):
    """A pen name. Every user has a default pseud named like the account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pseuds")
    name = models.CharField(max_length=40, validators=[PSEUD_VALIDATOR])
    description = models.TextField(blank=True, max_length=1000)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("user", Lower("name"), name="pseud_unique_per_user_ignoring_case"),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True), name="one_default_pseud_per_user"
            ),
        ]

    def __str__(self) -> str:
        if self.name.lower() == self.user.username.lower():
            return self.name
        return f"{self.name} ({self.user.username})"


class UsernameChange(models.Model):
    """A past username, kept when an account is renamed so moderators can follow an account across names."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="username_changes")
    old_username = models.CharField(max_length=40)
    new_username = models.CharField(max_length=40)
    changed_at = models.DateTimeField(default=timezone.now)
    # Who renamed it: the owner, or a moderator in the admin (whose renames do not count against the owner's limit).
    changed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.old_username} → {self.new_username}"


def is_moderator(user: User | AnonymousUser) -> bool:
    """The one moderator predicate: an active staff member or superuser. Pages, querysets, actions and the admin
    all ask this, and templates get it as `is_moderator` from the context processor beside it."""
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def outranks(acting: User, target: User) -> bool:
    """Whether `acting` may change, suspend or delete `target`'s account: a superuser may act on anyone, a moderator
    only on accounts without staff rights. A suspended moderator keeps their rank here, so only a superuser may
    reinstate them."""
    if not is_moderator(acting):
        return False
    return acting.is_superuser or not (target.is_staff or target.is_superuser)


TOKEN_PREFIX = "fsh_"  # noqa: S105 (not a secret) marks the secret as ours, so people and secret scanners recognise a leaked one


class PersonalToken(models.Model):
    """A secret a person's apps use instead of their password: the OPDS catalogue now, the public API later.

    Only a SHA-256 hash of the secret is stored; the secret is shown once, when it is created. A plain hash is
    enough (no slow password hash): the secret is 256 random bits, not something a person chose.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="personal_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, such as the app that uses it.")
    prefix = models.CharField(max_length=16, help_text="The first characters of the secret, to tell tokens apart.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


BLOCK_LIMIT = MUTE_LIMIT = 2000  # per person, as issue 11 asks; accounts/blocking.py enforces them


class Block(models.Model):
    """`blocker` wants nothing from `blocked`: no comments or replies on their works and comments, no kudos, no
    gifts, no co-creator invitations. The blocked person is not told."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(models.Model):
    """`muter` no longer sees `muted`'s works, series, bookmarks and comments anywhere they list. Only the muter
    knows."""

    muter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["muter", "muted"], name="one_mute_per_pair")]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


def has_blocked(blocker_id: int | None, user: User | AnonymousUser | None) -> bool:
    """Whether the account `blocker_id` blocked `user` (guests are never blocked by account; a blocker cannot be
    blocked from their own things)."""
    if blocker_id is None or user is None or not user.is_authenticated or user.pk == blocker_id:
        return False
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=user.pk).exists()


class InvitationRequest(models.Model):
    """Someone asking to join while sign-ups are by invitation. Open (waiting) until `fanshelf send_invitations`
    or a moderator invites them; the oldest open requests are invited first (fanshelf/accounts/invitations.py)."""

    email = models.EmailField(help_text="Stored lower-cased; one open request per address.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    invitation = models.OneToOneField(
        "Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(invitation__isnull=True), name="one_open_invitation_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} asked on {self.created_at:%Y-%m-%d}"


class Invitation(models.Model):
    """A code that lets one person sign up while sign-ups are by invitation; used up when the account is made."""

    code = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True, help_text="Where it was sent.")
    created_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Empty: from the queue."
    )
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey("User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"invitation for {self.email or 'anyone'}"


class InvitationSchedule(models.Model):
    """One row (pk 1): when the queue last sent a batch. `send_invitations` locks it, so two servers running the
    command at once send one batch between them."""

    last_batch_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"last batch {self.last_batch_at}"
