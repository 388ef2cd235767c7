"""Every model with a path to a person is either in the account export or listed with the reason it is not.

A model is linked to a person when one of its foreign keys, one-to-one or many-to-many fields reaches a User, a
Pseud, a Work or a Comment (the things a person owns or is credited on) in at most two steps. A new model that
is linked must be added to fanshelf/exports/registry.py: to MODELS_EXPORTED with the file it goes to, or to
NOT_EXPORTED with why.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model

from fanshelf.exports.registry import FILES, MODELS_EXPORTED, NOT_EXPORTED

PERSON_LABELS = {"accounts.User", "accounts.Pseud", "works.Work", "comments.Comment"}
MAX_STEPS = 2


def _targets(model: type[Model]) -> set[type[Model]]:
    """The models this one's own relation fields point at (not relations declared on the other side)."""
    found: set[type[Model]] = set()
    for field in model._meta.get_fields():
        if field.is_relation and field.concrete and isinstance(field.related_model, type):
            found.add(field.related_model)
    return found


def _reaches_a_person(model: type[Model]) -> bool:
    frontier, seen = {model}, {model}
    for _ in range(MAX_STEPS):
        frontier = {target for one in frontier for target in _targets(one)} - seen
        if any(target._meta.label in PERSON_LABELS for target in frontier):
            return True
        seen |= frontier
    return False


def linked_models() -> set[str]:
    return {
        model._meta.label
        for model in apps.get_models()
        if model._meta.label in PERSON_LABELS or _reaches_a_person(model)
    }


def test_every_model_linked_to_a_person_is_exported_or_has_a_reason() -> None:
    unaccounted = linked_models() - set(MODELS_EXPORTED) - set(NOT_EXPORTED)
    assert not unaccounted, (
        f"add these models to MODELS_EXPORTED or NOT_EXPORTED in fanshelf/exports/registry.py: {sorted(unaccounted)}"
    )


def test_the_walk_finds_the_models_it_should() -> None:
    linked = linked_models()
    for label in ("bookmarks.Bookmark", "reading.ShelfEntry", "audio.AudioFile", "account.EmailConfirmation"):
        assert label in linked  # audio and confirmations are two steps away (Chapter -> Work, EmailAddress -> User)
    assert "tags.Tag" not in linked


def test_the_registry_names_only_real_models_and_files() -> None:
    labels = {model._meta.label for model in apps.get_models()}
    assert set(MODELS_EXPORTED) <= labels
    assert set(NOT_EXPORTED) <= labels
    assert not set(MODELS_EXPORTED) & set(NOT_EXPORTED)
    assert set(MODELS_EXPORTED.values()) <= {entry.name for entry in FILES}
    assert all(reason.strip() for reason in NOT_EXPORTED.values())
