"""A creator's works are read through their credits, by id: the database never reads every work to find them.
With a correlated EXISTS SQLite read all of them, and a creator's profile page took 2 s at 2 million works."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from fanshelf.works.models import Work
from tests.factories import make_user, make_work
from tests.query_plans import plan, scans


@pytest.mark.django_db
def test_a_creators_works_and_drafts_are_read_by_id_never_by_reading_every_work() -> None:
    author, other = make_user("Wren_Halloway"), make_user("Ottoline")
    for title in ("Tide 潮", "Lantern ליל"):
        make_work(author, title=title)
    make_work(author, title="Unfinished", post=False)
    make_work(other, title="Someone else’s")
    guest = AnonymousUser()
    listed = Work.objects.listed_for(guest).by_pseuds(author.pseuds.all(), guest)
    drafts = Work.objects.drafts_of(author)
    assert sorted(work.title for work in listed) == ["Lantern ליל", "Tide 潮"]
    assert [work.title for work in drafts] == ["Unfinished"]
    assert not scans(plan(listed), "works_work")
    assert not scans(plan(drafts), "works_work")
