"""A work's tags, credits and gifts read by compiled SQL (works/blurb_data.py) must be what `for_blurbs` prefetches:
the same objects, in the same order, with nothing refused, and querysets made from them still asking the database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fanshelf.accounts.models import User
from fanshelf.works.blurb_data import attach_blurb_data
from fanshelf.works.models import Gift, Work
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
