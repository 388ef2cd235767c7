"""`fanshelf demo`: a small original archive, loaded through the real actions, idempotently."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.community.models import Kudos
from fanshelf.imports.demo_archive import demo_data, load_demo_archive
from fanshelf.tags.models import Tag, TagType
from fanshelf.works.models import Chapter, Work
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int, int]:
    return (User.objects.count(), Work.objects.count(), Chapter.objects.count(), Kudos.objects.count(),
            Tag.objects.count())  # fmt: skip


def test_demo_loads_three_accounts_and_the_original_works() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    data = demo_data()
    assert User.objects.filter(username__in=data["users"]).count() == 3
    assert Work.objects.count() == len(data["works"]) >= 6
    assert "password: fanshelf-demo" in out.getvalue()


def test_running_the_demo_twice_adds_nothing_new() -> None:
    call_command("load_demo", stdout=StringIO())
    before = _counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == before
    assert "already loaded" in out.getvalue()


def test_demo_archive_covers_chapters_ratings_restriction_scripts_and_every_tag_type() -> None:
    load_demo_archive()
    works = list(Work.objects.prefetch_related("tags"))
    assert all(work.posted for work in works)
    assert any(work.posted_chapter_count >= 3 for work in works)
    assert any(work.restricted for work in works)
    assert any(work.rating and work.rating.name == "Mature" for work in works)
    assert {"ja", "he"} <= {work.language for work in works}
    assert any(work.expected_chapters is None for work in works)
    used_types = set(Tag.objects.filter(works__isnull=False).values_list("type", flat=True))
    assert used_types >= {choice.value for choice in TagType if choice != TagType.MEDIA}
    assert len(set(Tag.objects.filter(type=TagType.FANDOM).values_list("name", flat=True))) == 3
    assert Kudos.objects.filter(user__isnull=False).exists()
    assert Kudos.objects.filter(user__isnull=True).exists()
    assert all(work.kudos_count == Kudos.objects.filter(work=work).count() for work in works)


def test_non_latin_demo_text_survives_character_for_character() -> None:
    load_demo_archive()
    japanese = Work.objects.get(language="ja")
    assert "「この庭に、わたしの名前を知っている花があると聞きました」" in japanese.chapters.first().content  # type: ignore[union-attr]
    hebrew = Work.objects.get(language="he")
    assert "„אני עדיין כאן.”" in hebrew.chapters.get().content


def test_demo_accounts_can_log_in_with_the_documented_password() -> None:
    load_demo_archive()
    client = Client()
    assert client.login(username="Marigold_Quill", password=demo_data()["password"])


def test_demo_leaves_a_real_account_with_a_demo_name_alone(author: User) -> None:
    make_user("Tansy_Reed")
    report = load_demo_archive()
    real = User.objects.get(username="Tansy_Reed")
    assert not Work.objects.filter(creatorships__pseud__user=real).exists()
    assert any("Tansy_Reed" in reason for reason in report.skipped)


def test_demo_remove_deletes_the_demo_accounts_and_their_works(author: User) -> None:
    load_demo_archive()
    call_command("load_demo", "--remove", stdout=StringIO())
    assert Work.objects.count() == 0
    assert list(User.objects.values_list("username", flat=True)) == [author.username]
