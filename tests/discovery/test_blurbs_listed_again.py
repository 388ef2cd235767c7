"""A listing's blurbs are checked with `listed_for` when they are shown (discovery/listing.py `blurbs_in_order`):
if a work was hidden after the index last looked (another process committed it a moment ago), its blurb is not
shown, whether it was memoised or is read for the first time."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from fanshelf.accounts.models import User
from fanshelf.discovery import listing
from fanshelf.works.models import Work
from tests.factories import make_work


def _shown(work_ids: list[int]) -> list[str]:
    request = RequestFactory().get("/works/")
    request.user = AnonymousUser()
    return [str(blurb) for blurb in listing.blurbs_in_order(work_ids, request)]


def test_a_work_hidden_since_the_index_looked_shows_no_blurb(author: User) -> None:
    kept = make_work(author, title="Harbour Lamp")
    hidden = make_work(author, title="Drift Net")
    ids = [hidden.pk, kept.pk]
    assert len(_shown(ids)) == 2  # both blurbs rendered and memoised

    # The hide as the database has it, before this process's index applies its outbox row.
    Work.objects.filter(pk=hidden.pk).update(hidden_by_moderator=True)
    memoised = _shown(ids)
    assert len(memoised) == 1
    assert "Harbour Lamp" in memoised[0]

    listing._blurbs.clear()  # a first view: both works are read from the database
    first = _shown(ids)
    assert len(first) == 1
    assert "Harbour Lamp" in first[0]
