"""Every wrangling change is written to the audit log (who, what, before and after) in its own transaction, and a
superuser reads it at /moderation/audit/."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.moderation.models import AuditEntry
from fanshelf.tags.actions import (
    add_metatag,
    add_parent,
    find_or_create_tag,
    make_canonical,
    make_synonym,
    remove_synonym,
    rename_tag,
)
from fanshelf.tags.models import Tag, TagType
from tests.factories import make_user, make_work, signed_in_client
from tests.tags.conftest import HOME_FANDOM, canonical_tag


def _entries() -> list[tuple[str, str, str]]:
    return [(e.actor_name, e.action, e.target) for e in AuditEntry.objects.order_by("pk")]


@pytest.mark.django_db
def test_each_wrangling_action_leaves_an_audit_entry_with_before_and_after(
    wrangler: User, home_fandom: Tag, moderator: User, author: User
) -> None:
    make_work(author, fandoms=[HOME_FANDOM], characters=["ليلى 灯台守", "Laila the Keeper"])
    AuditEntry.objects.all().delete()  # the fixture's own wrangling
    # Right-to-left and CJK names survive into the log.
    character = find_or_create_tag("ليلى 灯台守", TagType.CHARACTER)
    add_parent(character, home_fandom, by=wrangler)
    make_canonical(character, by=wrangler)
    nickname = find_or_create_tag("Laila the Keeper", TagType.CHARACTER)
    add_parent(nickname, home_fandom, by=wrangler)
    make_synonym(nickname, character, by=wrangler)
    remove_synonym(nickname, by=wrangler)
    keepers = canonical_tag("Lighthouse Keepers", TagType.CHARACTER, moderator)
    add_metatag(character, keepers, by=moderator)
    rename_tag(keepers, "lighthouse keepers", by=moderator)
    assert _entries() == [
        ("Tagtender", "added parent tag", "ليلى 灯台守"),
        ("Tagtender", "made tag canonical", "ليلى 灯台守"),
        ("Tagtender", "added parent tag", "Laila the Keeper"),
        ("Tagtender", "made tag a synonym", "Laila the Keeper"),
        ("Tagtender", "removed tag as a synonym", "Laila the Keeper"),
        ("Lamplighter", "made tag canonical", "Lighthouse Keepers"),
        ("Lamplighter", "added metatag", "ليلى 灯台守"),
        ("Lamplighter", "renamed tag", "lighthouse keepers"),
    ]
    synonym = AuditEntry.objects.get(action="made tag a synonym")
    assert synonym.details["before"] == {"canonical": False, "synonym_of": None}
    assert synonym.details["after"] == {"canonical": False, "synonym_of": "ليلى 灯台守"}
    renamed = AuditEntry.objects.get(action="renamed tag")
    assert renamed.details["before"] == {"name": "Lighthouse Keepers"}
    assert renamed.details["after"] == {"name": "lighthouse keepers"}


@pytest.mark.django_db
def test_a_refused_wrangle_leaves_no_entry(wrangler: User, home_fandom: Tag, author: User) -> None:
    make_work(author, fandoms=[HOME_FANDOM], characters=["Rolf"])
    AuditEntry.objects.all().delete()
    character = find_or_create_tag("Rolf", TagType.CHARACTER)
    with pytest.raises(ValidationError):
        make_synonym(character, character, by=wrangler)
    assert _entries() == []


@pytest.mark.django_db
def test_a_wrangle_on_the_edit_page_shows_in_the_audit_log_for_a_superuser(
    wrangler_client: Client, home_fandom: Tag, author: User
) -> None:
    make_work(author, fandoms=[HOME_FANDOM], freeforms=["Foghorn Friends"])
    tag = find_or_create_tag("Foghorn Friends", TagType.FREEFORM)
    response = wrangler_client.post(
        reverse("tags:edit", args=[tag.url_part]),
        {"name": "Foghorn Friends", "canonical": "on", "add_parents": home_fandom.name},
    )
    assert response.status_code == 302
    superuser = make_user("Keystone", is_staff=True, is_superuser=True)
    page = signed_in_client(superuser).get(reverse("moderation:audit")).content.decode()
    assert "made tag canonical" in page
    assert "Foghorn Friends" in page
    assert "Tagtender" in page
