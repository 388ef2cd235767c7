"""`fanshelf reindex` rebuilds counts and the text index from the database and tells running processes."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from fanshelf.accounts.models import User
from fanshelf.discovery import text
from fanshelf.discovery.live import ensure_fresh
from fanshelf.discovery.query import WorkQuery, with_text
from fanshelf.discovery.search import execute
from fanshelf.works.hits import record_hit
from fanshelf.works.models import Work
from tests.factories import make_work

pytestmark = pytest.mark.django_db


def test_reindex_recounts_hits_rebuilds_text_and_running_indexes_pick_it_up(author: User) -> None:
    work = make_work(author, title="Driftwood")
    index = ensure_fresh()
    record_hit(work, "visitor-1", None)
    Work.objects.filter(pk=work.pk).update(hit_count=40)  # drifted; the Hit rows say 1
    text.clear()
    output = io.StringIO()
    call_command("reindex", stdout=output)
    assert Work.objects.get(pk=work.pk).hit_count == 1
    assert "1 listed works" in output.getvalue()
    fresh = ensure_fresh()
    assert fresh is not index, "the reindexed outbox row makes this process rebuild"
    assert execute(WorkQuery(hits=WorkQuery().hits.narrowed(1, 1)), AnonymousUser(), fresh).work_ids == [work.pk]
    assert execute(with_text(WorkQuery(), "driftwood"), AnonymousUser(), fresh).work_ids == [work.pk]


def test_reindex_drops_the_text_rows_of_works_that_no_longer_exist(author: User) -> None:
    """A work deleted where its outbox row was lost (rows deleted by hand, a backup restored) left its text row:
    its id came back in every search of its words, and in the common words a reindex stores for every process."""
    from fanshelf.works.models import WorkChange

    kept = make_work(author, title="Lantern on the “quay” 灯台")
    gone = make_work(author, title="Lantern adrift")
    text.catch_up()
    gone_id = gone.pk
    gone.delete()
    WorkChange.objects.filter(work_id=gone_id).delete()
    # Superset: on PostgreSQL a flush between transactional tests leaves earlier tests' text rows behind, the
    # very rows this command is for.
    assert {kept.pk, gone_id} <= set(text.search_terms(["lantern"]).ids.tolist())
    call_command("reindex", stdout=io.StringIO())
    assert text.search_terms(["lantern"]).ids.tolist() == [kept.pk]
