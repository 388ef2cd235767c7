"""Looking tags up by name reads an index, never every tag: a listing filtered by tags looks its names up on every
first view, and at 2 million works (200,000 tags) a scan of the tag table cost 10 to 23 ms of each one."""

from __future__ import annotations

import pytest

from fanshelf.tags.models import Tag, TagType
from tests.query_plans import plan, scans


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", ["name", "name__in"])
def test_a_tag_is_found_by_its_exact_name_through_an_index(lookup: str) -> None:
    for number in range(30):
        Tag.objects.create(name=f"Lighthouse keeper {number} 灯台守 שומר", type=TagType.FREEFORM)
    names = ["Lighthouse keeper 7 灯台守 שומר", "Lighthouse keeper 21 灯台守 שומר"]
    value: object = names if lookup == "name__in" else names[0]
    queryset = Tag.objects.filter(**{lookup: value}).values_list("pk", "name")
    chosen = plan(queryset)
    assert not scans(chosen, "tags_tag")
    assert "tags_tag_name" in chosen  # the index on the name as written
    assert len(queryset) == len(names) if lookup == "name__in" else 1
