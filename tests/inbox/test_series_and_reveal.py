"""Series and reveals: a posted work joining a series, or a work being revealed, is news told once and never
more than subscribers may know."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from fanshelf.accounts.models import User
from fanshelf.inbox.actions import subscribe
from fanshelf.inbox.models import InboxEntry
from fanshelf.works.actions import post_work, set_hidden_by_moderator, set_work_flags
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series, remove_from_series
from tests.factories import make_user, make_work

Committed = Callable[[], AbstractContextManager[None]]


def subjects(user: User) -> list[str]:
    return list(InboxEntry.objects.filter(user=user).order_by("pk").values_list("subject", flat=True))


def unrevealed_work(author: User, title: str, anonymous: bool = False) -> Work:
    """Posted while unrevealed, as a gift exchange's works are until the reveal."""
    work = make_work(author, title=title, post=False, anonymous=anonymous)
    set_work_flags(work, unrevealed=True)
    post_work(work)
    return work


def test_a_posted_work_added_to_a_series_tells_the_series_subscribers(
    author: User, reader: User, committed: Committed
) -> None:
    series = add_to_series(make_work(author, title="Part One"), author, "Lanterns")
    subscribe(reader, series=series)
    older = make_work(author, title="Written Before")
    with committed():
        add_to_series(older, author, "Lanterns")
    assert subjects(reader) == [f"New work in the series “Lanterns” by {author.username}: “Written Before”"]
    assert subjects(author) == []


def test_a_work_joining_a_series_is_told_once_to_someone_who_follows_its_creator_and_two_series(
    author: User, reader: User, committed: Committed
) -> None:
    first = add_to_series(make_work(author, title="Part One"), author, "Lanterns")
    second = add_to_series(make_work(author, title="Other One"), author, "Tides")
    subscribe(reader, series=first)
    subscribe(reader, series=second)
    subscribe(reader, creator=author)
    with committed():
        work = make_work(author, title="Crossover")
    with committed():
        add_to_series(work, author, "Lanterns")
        add_to_series(work, author, "Tides")
    remove_from_series(first, work, author)
    with committed():
        add_to_series(work, author, "Lanterns")
    assert subjects(reader) == [f"New work by {author.username}: “Crossover”"]


def test_an_anonymous_work_joining_a_series_tells_nobody(author: User, reader: User, committed: Committed) -> None:
    series = add_to_series(make_work(author, title="Part One"), author, "Lanterns")
    subscribe(reader, series=series)
    with committed():
        add_to_series(make_work(author, title="Masked", anonymous=True), author, "Lanterns")
    assert subjects(reader) == []


def test_a_hidden_or_unrevealed_work_joining_a_series_tells_nobody(
    author: User, reader: User, committed: Committed
) -> None:
    series = add_to_series(make_work(author, title="Part One"), author, "Lanterns")
    subscribe(reader, series=series)
    hidden = make_work(author, title="Hidden")
    set_hidden_by_moderator(hidden, True)
    unrevealed = unrevealed_work(author, "Not Yet Revealed")
    with committed():
        add_to_series(hidden, author, "Lanterns")
        add_to_series(unrevealed, author, "Lanterns")
    assert subjects(reader) == []


def test_a_revealed_work_tells_its_creators_and_series_subscribers_once(
    author: User, reader: User, committed: Committed
) -> None:
    series_fan = make_user("Seriesfan")
    series = add_to_series(make_work(author, title="Part One"), author, "Lanterns")
    subscribe(series_fan, series=series)
    subscribe(reader, creator=author)
    with committed():
        work = unrevealed_work(author, "Gift Exchange")
        add_to_series(work, author, "Lanterns")
    assert subjects(reader) == subjects(series_fan) == []
    with committed():
        set_work_flags(work, unrevealed=False)
    with committed():
        set_work_flags(work, unrevealed=True)
    with committed():
        set_work_flags(work, unrevealed=False)
    told = [f"New work by {author.username}: “Gift Exchange”"]
    assert subjects(reader) == subjects(series_fan) == told


def test_a_revealed_anonymous_work_does_not_name_its_creator_to_subscribers(
    author: User, reader: User, committed: Committed
) -> None:
    series = add_to_series(make_work(author, title="Part One"), author, "Lanterns")
    subscribe(reader, creator=author)
    series_fan = make_user("Seriesfan")
    subscribe(series_fan, series=series)
    with committed():
        work = unrevealed_work(author, "Still Masked", anonymous=True)
        add_to_series(work, author, "Lanterns")
    with committed():
        set_work_flags(work, unrevealed=False)
    assert subjects(reader) == subjects(series_fan) == []
