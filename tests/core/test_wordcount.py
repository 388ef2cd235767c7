"""Word count as PRODUCT.md "Works" defines it, checked on the texts creators actually paste."""

from __future__ import annotations

import pytest

from fanshelf.accounts.models import User
from fanshelf.core.wordcount import count_words
from fanshelf.works.actions import ChapterFields, add_chapter
from tests.factories import make_work


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The tide came in twice that night.", 7, id="plain-english"),
        pytest.param("  Spaces\tand\nline breaks   between words  ", 6, id="any-whitespace-separates"),
        pytest.param("A well-known, long-standing rule.", 4, id="hyphenated-words-are-one"),
        pytest.param("She didn't know it wasn't hers.", 6, id="straight-apostrophes-join"),
        pytest.param("She didn’t know it wasn’t hers.", 6, id="curly-apostrophes-join"),
        pytest.param("rock’n’roll and l'homme", 3, id="several-apostrophes-in-one-word"),
        pytest.param("a - b — c", 3, id="dashes-between-spaces-are-not-words"),
        pytest.param("x – y ‐ z", 3, id="en-dash-and-unicode-hyphen-alone-are-not-words"),
        pytest.param("Wait... what?! Yes.", 3, id="punctuation-is-not-a-word"),
        pytest.param("“Quoted,” she said—quietly.", 4, id="curly-quotes-and-em-dash-without-spaces"),
    ],
)
def test_latin_script_words_are_counted_the_way_readers_count_them(text: str, expected: int) -> None:
    assert count_words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("日本語", 3, id="each-han-character"),
        pytest.param("ひらがな", 4, id="each-hiragana-character"),
        pytest.param("カタカナ", 4, id="each-katakana-character"),
        pytest.param("日本語のテキスト", 8, id="japanese-sentence"),
        pytest.param("我爱你。", 3, id="chinese-punctuation-is-not-a-word"),
        pytest.param("ภาษาไทย", 7, id="each-thai-character"),
    ],
)
def test_scripts_without_spaces_count_one_word_per_character(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_mixed_english_and_japanese_adds_words_and_characters() -> None:
    # "The word" (2) + 日本語 (3) + "means Japanese" (2)
    assert count_words("The word 日本語 means Japanese") == 7


def test_latin_letters_glued_to_han_characters_still_count_separately() -> None:
    assert count_words("Tokyo東京") == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("हिन्दी भाषा", 2, id="devanagari-vowel-signs-and-virama"),
        pytest.param("שָׁלוֹם עוֹלָם", 2, id="hebrew-with-niqqud"),
        pytest.param("مَرْحَبًا بِكُم", 2, id="arabic-with-harakat"),
        pytest.param("cafe\u0301 noir", 2, id="decomposed-accent"),
        pytest.param("می\u200cخواهم بروم", 2, id="persian-zero-width-non-joiner"),
        pytest.param("한국어 문장입니다", 2, id="korean-is-spaced"),
    ],
)
def test_words_with_combining_marks_are_not_split_apart(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_html_tags_and_attributes_are_not_words() -> None:
    markup = '<p class="lead" title="many words in a title">One <em>two</em></p><hr><p><a href="/x/y">three</a></p>'
    assert count_words(markup) == 3


def test_adjacent_paragraphs_do_not_fuse_into_one_word() -> None:
    assert count_words("<p>end</p><p>start</p>") == 2


def test_character_references_are_read_as_the_characters_they_name() -> None:
    assert count_words("<p>didn&#8217;t stop &mdash; ever</p>") == 3


def test_empty_and_markup_only_text_has_no_words() -> None:
    assert count_words("") == 0
    assert count_words("<p> </p><br><hr>") == 0


def test_a_work_counts_only_its_posted_chapters(author: User) -> None:
    work = make_work(author, chapters=["One two three four five six.", "Seven eight nine ten eleven."])
    assert work.word_count == 11

    add_chapter(work, ChapterFields(content="These draft words are not counted yet."), post=False)
    work.refresh_from_db()
    assert work.word_count == 11
    assert work.chapter_display == "2/2"


def test_a_draft_work_counts_its_own_words_for_its_creator(author: User) -> None:
    # Issue 9: a draft showed "Words: 0" to its creator although it had text. Posted works still count only
    # their posted chapters (the test above).
    work = make_work(author, chapters=["Quiet words waiting in a drawer."], post=False)
    assert work.word_count == 6
