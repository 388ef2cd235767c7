"""One work in each visibility state, for the download and feed matrices."""

from __future__ import annotations

from fanshelf.accounts.models import User
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.models import Work
from tests.factories import make_work

STATES = ["public", "restricted", "anonymous", "draft", "hidden", "unrevealed"]


def make_work_in_state(author: User, state: str) -> Work:
    """A posted work by `author` titled after its state, made what `state` says."""
    work = make_work(
        author,
        title=f"The {state} lighthouse",
        post=state != "draft",
        restricted=state == "restricted",
        anonymous=state == "anonymous",
    )
    if state == "hidden":
        set_hidden_by_moderator(work, hidden=True)
    if state == "unrevealed":
        # Collections reveal works; until that app writes the flag, set it as the collection would.
        Work.objects.filter(pk=work.pk).update(unrevealed=True)
    work.refresh_from_db()
    return work
