from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

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
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class Meta:
        constraints = [models.UniqueConstraint(Lower("username"), name="username_unique_ignoring_case")]

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
