"""Each signal alone, on plain Evidence, and what the text functions read out of an item: no database needed."""

from __future__ import annotations

from fanshelf.spam import text
from fanshelf.spam.scoring import Evidence, Verdicts, score


def signals_of(evidence: Evidence) -> dict[str, int]:
    return {reason.signal: reason.points for reason in score(evidence)[1]}


def test_an_ordinary_text_from_an_established_account_scores_nothing() -> None:
    assert score(Evidence(words=1200, links=1)) == (0, [])


def test_links_beyond_the_first_two_add_points_up_to_a_cap() -> None:
    assert "many_links" not in signals_of(Evidence(words=2000, links=2))
    assert signals_of(Evidence(words=2000, links=4))["many_links"] == 4
    assert signals_of(Evidence(words=2000, links=60))["many_links"] == 10


def test_a_few_words_around_many_links_add_the_link_heavy_signal() -> None:
    assert signals_of(Evidence(words=20, links=3))["link_heavy"] == 3
    assert "link_heavy" not in signals_of(Evidence(words=500, links=3))


def test_verdicts_on_a_domain_push_the_score_up_or_down() -> None:
    flagged = Evidence(words=100, links=1, domains={"spam.example": Verdicts(spam=2, not_spam=1)})
    cleared = Evidence(words=100, links=1, domains={"fine.example": Verdicts(not_spam=1)})
    assert signals_of(flagged) == {"flagged_domains": 6}
    assert signals_of(cleared) == {"cleared_domains": -3}


def test_a_brand_new_account_with_no_history_scores_for_each_lack() -> None:
    evidence = Evidence(words=100, links=0, new_account=True, posted_before=False, kudos_received=False)
    assert signals_of(evidence) == {"new_account": 3, "first_posting": 2, "no_kudos": 1}


def test_a_guest_scores_as_a_newcomer_but_not_for_an_accounts_history() -> None:
    assert signals_of(Evidence(words=100, links=0, guest=True, posted_before=False, kudos_received=False)) == {
        "guest": 3
    }


def test_posting_from_many_networks_in_a_day_adds_points() -> None:
    assert "many_addresses" not in signals_of(Evidence(words=100, links=0, recent_addresses=2))
    assert signals_of(Evidence(words=100, links=0, recent_addresses=5))["many_addresses"] == 6


def test_every_reason_says_why_in_words() -> None:
    evidence = Evidence(words=10, links=9, recent_copies=2, new_account=True, posted_before=False)
    total, reasons = score(evidence)
    assert total == sum(reason.points for reason in reasons) >= 10
    assert all(reason.detail for reason in reasons)


def test_links_are_counted_once_each_with_their_domains_and_never_this_archives_own() -> None:
    markup = (
        '<p><a href="https://www.Shop.example/a">one</a> <a href="https://shop.example/a">again</a> '
        '<a href="http://localhost/works/3/">here</a> <a href="mailto:x@example.org">mail</a> '
        "and plain text: https://other.example/b.</p>"
    )
    urls = text.links(markup)
    assert len(urls) == 3  # www. and case differ in the address, so it is two links, but one domain
    assert text.domains(urls) == ["other.example", "shop.example"]


def test_short_texts_get_no_fingerprint_so_a_common_thank_you_is_never_a_copy() -> None:
    assert text.fingerprint("<p>Thank you so much, I loved it!</p>") == []


def test_nearly_the_same_text_shares_most_of_its_fingerprint() -> None:
    story = " ".join(f"word{n}" for n in range(300))
    changed = story.replace("word150", "different")
    first, second = text.fingerprint(story), text.fingerprint(changed)
    assert len(set(first) & set(second)) >= text.shared_needed(len(first))


def test_scripts_without_spaces_are_fingerprinted_character_by_character() -> None:
    japanese = "灯台守はカモメを二度数えた。一度では海に足りないからだ。港の朝はいつも遅れてやって来る。"
    assert len(text.words(japanese)) > 30
    assert text.fingerprint(japanese) == text.fingerprint(f"<p>{japanese}</p>")
    assert text.fingerprint(japanese.replace("。", "、")) == text.fingerprint(japanese)  # punctuation is not a word
