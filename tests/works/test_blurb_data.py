"""A work's tags, credits and gifts read by compiled SQL (works/blurb_data.py) must be what `for_blurbs` prefetches:
the same objects, in the same order, with nothing refused, and querysets made from them still asking the database."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from fanshelf.accounts.models import User
from fanshelf.core.prepared import loaded
from fanshelf.tags.actions import rename_tag, set_tag_banned
from fanshelf.tags.models import Tag
from fanshelf.works.blurb_data import attach_blurb_data
from fanshelf.works.blurbs import render_blurb
from fanshelf.works.models import BLURB_FIELDS, Gift, Work
from fanshelf.works.sharing import accept, give, invite, refuse_gift, shown_gifts
from tests.factories import make_user, make_work

pytestmark = pytest.mark.django_db


Shown = tuple[list[tuple[int, str, str, bool]], list[tuple[int, str, int, str]], list[tuple[int, int | None, str, str]]]


def _what_blurbs_show(work: Work) -> Shown:
    return (
        [(tag.pk, tag.name, tag.type, tag.banned) for tag in work.tags.all()],
        [(pseud.pk, pseud.name, pseud.user.pk, pseud.user.username) for pseud in work.creator_pseuds],
        [(gift.pk, gift.pseud_id, gift.recipient_name, gift.pseud.user.username if gift.pseud else "")
         for gift in shown_gifts(work)],
    )  # fmt: skip


def test_attached_data_is_what_the_prefetch_gives(author: User) -> None:
    cocreator, refuser = make_user("Кофи_灯", allow_cocreators=True), make_user("Refuser")
    make_user("Friend")
    plain = make_work(author, title="No gifts here", fandoms=["Apple Fandom"], characters=["Ade"])  # older tags
    gifted = make_work(
        author,
        title="For friends «ﾟ» 灯台 מגדלור",
        fandoms=["Zebra Fandom", "Apple Fandom"],  # typed order, neither the alphabet's nor the tags' age
        characters=["Mira", "Ade"],
        freeforms=['She said "no" “twice” 灯台 מגדלור'],  # read as JSON: quotes escaped
    )
    invite(gifted, author, ["Кофи_灯"])
    accept(gifted, cocreator)
    give(gifted, author, ["Friend", "Someone Elsewhere ✦", "Refuser"])
    refuse_gift(gifted, refuser)
    works = list(Work.objects.filter(pk__in=[gifted.pk, plain.pk]).order_by("pk"))
    prefetched = Work.objects.filter(pk__in=[gifted.pk, plain.pk]).order_by("pk").for_blurbs()
    expected = [_what_blurbs_show(work) for work in prefetched]
    attach_blurb_data(works)
    with CaptureQueriesContext(connection) as asked:
        shown = [_what_blurbs_show(work) for work in works]
    assert shown == expected
    assert not asked.captured_queries  # all of it was attached
    plain_shown, (tags, creators, gifts) = shown
    names = [name for _, name, _, _ in tags]
    assert names.index("Zebra Fandom") < names.index("Apple Fandom")
    assert names.index("Mira") < names.index("Ade")
    assert 'She said "no" “twice” 灯台 מגדלור' in names
    assert [name for _, name, _, _ in creators] == [author.default_pseud().name, "Кофи_灯"]
    assert [name or username for _, _, name, username in gifts] == ["Friend", "Someone Elsewhere ✦"]
    assert Gift.objects.filter(work=gifted, refused=True, pseud__user=refuser).exists()
    assert plain_shown[2] == []
    # A queryset made from the attached relation still filters in the database.
    assert list(works[0].tags.filter(name="Apple Fandom").values_list("name", flat=True)) == ["Apple Fandom"]


def test_attached_relations_answer_counts_themselves_and_ask_the_database_for_anything_else(author: User) -> None:
    other = make_work(author, title="Another", fandoms=["Apple Fandom"], characters=["Ade", "Mira"])
    work = make_work(author, title="Lanterns «灯»", fandoms=["Apple Fandom", "Zebra Fandom"], characters=["Mira"])
    (attached,) = works = [Work.objects.get(pk=work.pk)]
    attach_blurb_data(works)
    tag_count, pseud = work.tags.count(), author.default_pseud()
    with CaptureQueriesContext(connection) as asked:
        names = [tag.name for tag in attached.tags.all()]
        assert attached.tags.count() == len(names) == tag_count
        assert attached.tags.all().exists()
        assert attached.gifts.count() == 0
        assert not attached.gifts.exists()
        assert [each.name for each in attached.creator_pseuds] == [pseud.name]
    assert not asked.captured_queries
    # Anything else is the relation's own queryset: this work's rows only, from the database.
    assert list(attached.tags.order_by("-name").values_list("name", flat=True)) == sorted(names, reverse=True)
    assert set(attached.tags.filter(name__endswith="Fandom").values_list("name", flat=True)) == {
        "Apple Fandom",
        "Zebra Fandom",
    }
    assert not attached.tags.filter(name="Ade").exists()  # the other work's character
    assert other.tags.filter(name="Ade").exists()
    assert attached.creatorships.get().pseud_id == pseud.pk


def test_a_blurb_from_the_fields_a_listing_reads_is_the_blurb_of_the_whole_row(author: User, moderator: User) -> None:
    """Listings read only BLURB_FIELDS of a work's row (discovery/listing.py): a blurb made from them is the same,
    for a guest, its creator and a moderator, and reads nothing more (a field left out would cost a query a work)."""
    make_user("Friend")
    anonymous = make_work(
        author, title="“Quiet” 灯台 מגדלור", summary="<p>Salt &amp; <em>lanterns</em></p>", notes="Long notes " * 50,
        anonymous=True, language="he", expected_chapters=None, ai_disclosure="assisted", reuse_podfic="no",
        freeforms=["Rain"], relationships=["Ade/Mira"], characters=["Mira"],
    )  # fmt: skip
    chapters = ["The first chapter.", "The second chapter."]
    gifted = make_work(author, title="For a friend", chapters=chapters, published_on=datetime.date(2026, 1, 2))
    give(gifted, author, ["Friend", "Someone Elsewhere ✦"])
    Work.objects.filter(pk=gifted.pk).update(kudos_count=1234, hit_count=56789, comment_count=3, audio_seconds=4000)
    whole = list(Work.objects.filter(pk__in=[anonymous.pk, gifted.pk]).order_by("pk"))
    rows = Work.objects.filter(pk__in=[anonymous.pk, gifted.pk]).order_by("pk").values_list(*BLURB_FIELDS)
    narrow = [loaded(Work, BLURB_FIELDS, row) for row in rows]
    attach_blurb_data(whole)
    attach_blurb_data(narrow)
    shown = {}
    for name, viewer in (("guest", AnonymousUser()), ("creator", author), ("moderator", moderator)):
        expected = [render_blurb(work, viewer) for work in whole]
        with CaptureQueriesContext(connection) as asked:
            shown[name] = [render_blurb(work, viewer) for work in narrow]
        assert shown[name] == expected
        assert not asked.captured_queries
    assert '<span class="anonymous">Anonymous</span>' in shown["guest"][0]
    assert author.username in shown["moderator"][0]
    assert "56,789" in shown["guest"][1]
    assert "Someone Elsewhere ✦" in shown["guest"][1]


def test_tags_renamed_or_banned_show_so_in_the_next_blurbs_at_once(author: User, moderator: User) -> None:
    """Tags are read with the works, in one statement: a rename or a ban shows in the very next blurbs, though this
    process keeps one instance per tag as shown (blurb_data._shown_tag)."""
    work = make_work(author, title="Gulls «灯台»", freeforms=["Sea Fog"], characters=["Mira"])

    def shown_tags() -> tuple[dict[str, bool], int]:
        works = [Work.objects.get(pk=work.pk)]
        with CaptureQueriesContext(connection) as asked:
            attach_blurb_data(works)
        return {tag.name: tag.banned for tag in works[0].tags.all()}, len(asked.captured_queries)

    before, reads = shown_tags()
    assert before["Sea Fog"] is False
    assert before["Mira"] is False
    assert reads == 1
    rename_tag(Tag.objects.get(name="Sea Fog"), "Sea Fog ☁ 海霧 ערפל", by=moderator)
    after_rename, _ = shown_tags()
    assert "Sea Fog" not in after_rename
    assert after_rename["Sea Fog ☁ 海霧 ערפל"] is False
    set_tag_banned(Tag.objects.get(name="Mira"), True, acting=moderator)
    after_ban, _ = shown_tags()
    assert after_ban["Mira"] is True
    assert render_blurb(Work.objects.get(pk=work.pk), AnonymousUser()).count("Sea Fog ☁ 海霧 ערפל") == 1


@pytest.mark.django_db(transaction=True)
def test_tags_read_inside_a_transaction_are_not_kept_for_other_requests(author: User) -> None:
    """A tag read inside a transaction that is then rolled back leaves its id free for another tag (SQLite): had
    the first been kept, the second would show under its name."""
    try:
        with transaction.atomic():
            make_work(author, title="Withdrawn", freeforms=["Rolled Back ↺"])
            works = [Work.objects.get(title="Withdrawn")]
            attach_blurb_data(works)
            assert "Rolled Back ↺" in [tag.name for tag in works[0].tags.all()]
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    work = make_work(author, title="Kept", freeforms=["Kept Tag 灯"])
    works = [Work.objects.get(pk=work.pk)]
    attach_blurb_data(works)
    names = [tag.name for tag in works[0].tags.all()]
    assert "Kept Tag 灯" in names
    assert "Rolled Back ↺" not in names
