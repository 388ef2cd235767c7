from __future__ import annotations

from django.db import models

from fanshelf.accounts.models import User
from fanshelf.works.models import Work


class Kudos(models.Model):
    """One per user per work, or one per guest key per work: for kudos from the web, a keyed hash of the client
    address (core/visitors.address_key), so no address is stored and a new browser is no new guest."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="kudos")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos")
    guest_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "kudos"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "user"], condition=models.Q(user__isnull=False), name="one_kudos_per_user"
            ),
            models.UniqueConstraint(
                fields=["work", "guest_key"], condition=models.Q(user__isnull=True), name="one_kudos_per_guest"
            ),
        ]

    def __str__(self) -> str:
        return f"Kudos on {self.work_id}"
