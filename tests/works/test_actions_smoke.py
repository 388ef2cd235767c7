from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.factories import make_work


def test_posting_a_two_chapter_work_counts_words_and_chapters(author: User) -> None:
    work = make_work(author, chapters=["One two three four five.", "Six seven eight nine ten eleven."])
    assert work.posted
    assert work.chapter_display == "2/2"
    assert work.is_complete
    assert work.word_count == 11


def test_a_work_without_a_fandom_is_refused_and_nothing_is_saved(author: User) -> None:
    with pytest.raises(ValidationError) as error:
        make_work(author, fandoms=[])
    assert "fandoms" in error.value.message_dict
    assert not Work.objects.exists()
