"""Co-creators (issue 11, "Sharing a work"): invitations sent from the work and chapter forms wait in the
invitee's inbox; accepting credits them everywhere, declining forgets it; a co-creator can leave."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts.actions import update_preferences
from fanshelf.accounts.blocking import block
from fanshelf.accounts.models import User
from fanshelf.inbox.models import EntryKind, InboxEntry
from fanshelf.works.models import CreatorInvitation, Creatorship, Work
from fanshelf.works.sharing import invite
from tests.core.pages import chapter_form_data, listed_titles, parse, work_form_data
from tests.factories import make_user, make_work, signed_in_client

OTHER_STORY = "The second keeper wrote the ledger in green ink, because the first had used all the blue."


def _welcoming(user: User) -> User:
    update_preferences(user, {"allow_cocreators": True})
    return user


def _post(client: Client, user: User, **fields: object) -> Work:
    response = client.post(reverse("works:new"), work_form_data(user, **fields))
    assert response.status_code == 302, parse(response.content.decode()).select(".errorlist")
    return Work.objects.latest("pk")


def _credited(work: Work) -> list[str]:
    return list(Creatorship.objects.filter(work=work).order_by("position").values_list("pseud__name", flat=True))


def _inbox(client: Client) -> str:
    return client.get(reverse("inbox:inbox")).content.decode()


def test_an_invitation_waits_in_the_inbox_and_accepting_credits_the_invitee_in_listings(
    author: User, reader: User, author_client: Client, reader_client: Client, guest: Client
) -> None:
    _welcoming(reader)
    work = _post(author_client, author, title="Two Lamps", cocreators="Pageturner")
    assert _credited(work) == ["Quillfeather"]
    entry = InboxEntry.objects.get(user=reader, kind=EntryKind.INVITATION)
    assert "Quillfeather invited Pageturner to be a co-creator of “Two Lamps”" in entry.subject
    inbox = parse(_inbox(reader_client))
    assert inbox.select_one(f"button[form=accept-form-{entry.pk}]") is not None
    user_works = reverse("discovery:user_works", args=["Pageturner"])
    assert listed_titles(guest.get(user_works)) == []

    response = reader_client.post(reverse("works:accept_invitation", args=[work.pk]))
    assert response.status_code == 302
    assert _credited(work) == ["Quillfeather", "Pageturner"]
    assert not CreatorInvitation.objects.filter(work=work).exists()
    assert listed_titles(guest.get(user_works)) == ["Two Lamps"]
    page = guest.get(work.get_absolute_url()).content.decode()
    assert ">Pageturner</a>" in parse(page).select_one("p.byline").decode()  # type: ignore[union-attr]
    assert "Accept invitation" not in _inbox(reader_client)


def test_an_invitee_who_refuses_invitations_is_refused_on_the_form_and_nothing_is_saved(
    author: User, reader: User, author_client: Client
) -> None:
    data = work_form_data(author, title="Unshared", cocreators="Pageturner")
    page = author_client.post(reverse("works:new"), data).content.decode()
    assert "Pageturner does not accept co-creator invitations." in page
    assert not Work.objects.filter(title="Unshared").exists()
    assert not InboxEntry.objects.filter(user=reader).exists()


def test_an_invitee_who_blocked_a_creator_cannot_be_invited(author: User, reader: User, author_client: Client) -> None:
    _welcoming(reader)
    block(reader, author)
    page = author_client.post(
        reverse("works:new"), work_form_data(author, title="Blocked", cocreators="Pageturner")
    ).content.decode()
    assert "Pageturner cannot be invited to this work." in page
    assert not CreatorInvitation.objects.exists()


def test_unknown_and_ambiguous_names_are_refused_and_name_username_picks_one(
    author: User, author_client: Client
) -> None:
    first, second = _welcoming(make_user("Harbourmaster")), _welcoming(make_user("Netmender"))
    for user in (first, second):
        user.pseuds.create(name="Gull")
    work = make_work(author, title="Gull Season")
    edit = reverse("works:edit", args=[work.pk])
    form = work_form_data(author, title="Gull Season")
    page = author_client.post(edit, {**form, "cocreators": "Gull, Nobody Here"}).content.decode()
    assert "More than one person uses the name “Gull”" in page
    assert "There is nobody here called “Nobody Here”." in page
    assert author_client.post(edit, {**form, "cocreators": "Gull (Netmender)"}).status_code == 302
    invitation = CreatorInvitation.objects.get(work=work)
    assert invitation.pseud.user == second


def test_declining_deletes_the_invitation_and_credits_nobody(
    author: User, reader: User, author_client: Client, reader_client: Client
) -> None:
    _welcoming(reader)
    work = _post(author_client, author, cocreators="Pageturner")
    response = reader_client.post(reverse("works:decline_invitation", args=[work.pk]))
    assert response.status_code == 302
    assert not CreatorInvitation.objects.exists()
    assert _credited(work) == ["Quillfeather"]
    assert "Accept invitation" not in _inbox(reader_client)


def test_only_the_invitee_can_answer_an_invitation(
    author: User, reader: User, author_client: Client, moderator_client: Client
) -> None:
    _welcoming(reader)
    work = _post(author_client, author, cocreators="Pageturner")
    assert moderator_client.post(reverse("works:accept_invitation", args=[work.pk])).status_code == 404
    assert author_client.post(reverse("works:decline_invitation", args=[work.pk])).status_code == 404
    assert CreatorInvitation.objects.filter(work=work).exists()


def test_an_invitation_to_a_draft_can_be_answered_and_the_co_creator_then_sees_the_draft(
    author: User, reader: User, author_client: Client, reader_client: Client
) -> None:
    _welcoming(reader)
    response = author_client.post(
        reverse("works:new"), work_form_data(author, title="Unfinished Map", cocreators="Pageturner", intent="draft")
    )
    assert response.status_code == 302
    work = Work.objects.get(title="Unfinished Map")
    assert reader_client.get(work.get_absolute_url()).status_code == 404
    assert "Accept invitation" in _inbox(reader_client)
    reader_client.post(reverse("works:accept_invitation", args=[work.pk]))
    assert reader_client.get(work.get_absolute_url()).status_code == 200


def test_editing_the_work_keeps_the_co_creators_credit(
    author: User, reader: User, author_client: Client, reader_client: Client
) -> None:
    _welcoming(reader)
    work = _post(author_client, author, title="Shared Shore", cocreators="Pageturner")
    reader_client.post(reverse("works:accept_invitation", args=[work.pk]))
    edit = reverse("works:edit", args=[work.pk])
    assert author_client.post(edit, work_form_data(author, title="Shared Shore, revised")).status_code == 302
    assert _credited(work) == ["Quillfeather", "Pageturner"]
    assert reader_client.post(edit, work_form_data(reader, title="Shared Shore, again")).status_code == 302
    assert _credited(work) == ["Quillfeather", "Pageturner"]


def test_a_co_creator_can_remove_themselves_but_the_last_creator_cannot(
    author: User, reader: User, author_client: Client, reader_client: Client, guest: Client
) -> None:
    _welcoming(reader)
    work = _post(author_client, author, title="Parting Tide", cocreators="Pageturner")
    reader_client.post(reverse("works:accept_invitation", args=[work.pk]))
    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert "Remove me as co-creator" in page
    assert reader_client.post(reverse("works:remove_me", args=[work.pk])).status_code == 302
    assert _credited(work) == ["Quillfeather"]
    assert listed_titles(guest.get(reverse("discovery:user_works", args=["Pageturner"]))) == []
    assert "Remove me as co-creator" not in author_client.get(work.get_absolute_url()).content.decode()
    author_client.post(reverse("works:remove_me", args=[work.pk]))
    assert _credited(work) == ["Quillfeather"]


def test_an_anonymous_work_never_names_its_creators_through_co_creation(
    author: User, reader: User, author_client: Client, reader_client: Client, guest: Client
) -> None:
    _welcoming(reader)
    work = _post(author_client, author, title="Unsigned Letters", anonymous="on", cocreators="Pageturner")
    # The invitee is being asked, so they may know who asks.
    assert "Quillfeather" in InboxEntry.objects.get(user=reader).subject
    reader_client.post(reverse("works:accept_invitation", args=[work.pk]))
    page = guest.get(work.get_absolute_url()).content.decode()
    assert "Pageturner" not in page
    assert "Quillfeather" not in page
    assert listed_titles(guest.get(reverse("discovery:user_works", args=["Pageturner"]))) == []
    assert "Unsigned Letters" in listed_titles(guest.get(reverse("discovery:works")))
    assert "Pageturner" not in guest.get(reverse("discovery:works")).content.decode()


def test_a_chapter_co_creator_is_credited_on_the_work_and_chapters_show_their_own_bylines(
    author: User, reader: User, author_client: Client, reader_client: Client, guest: Client
) -> None:
    _welcoming(reader)
    work = make_work(author, title="Ledger of Tides")
    response = author_client.post(
        reverse("works:chapter_new", args=[work.pk]),
        {**chapter_form_data(content=OTHER_STORY), "chapter_cocreators": "Pageturner", "intent": "post"},
    )
    assert response.status_code == 302
    invitation = CreatorInvitation.objects.get(work=work)
    assert invitation.chapter is not None
    assert invitation.chapter.position == 2
    reader_client.post(reverse("works:accept_invitation", args=[work.pk]))
    assert _credited(work) == ["Quillfeather", "Pageturner"]
    page = parse(guest.get(reverse("works:entire", args=[work.pk])).content.decode())
    bylines = [p.get_text(" ", strip=True) for p in page.select("p.chapter-byline")]
    assert bylines == ["by Quillfeather"]  # chapter 1; chapter 2 is by both, as the work is


def test_a_refused_chapter_invitation_keeps_everything_typed_and_saves_nothing(
    author: User, reader: User, author_client: Client
) -> None:
    work = make_work(author)
    response = author_client.post(
        reverse("works:chapter_new", args=[work.pk]),
        {**chapter_form_data(content=OTHER_STORY), "chapter_cocreators": "Pageturner", "intent": "post"},
    )
    page = response.content.decode()
    assert "Pageturner does not accept co-creator invitations." in page
    assert "green ink" in page
    assert work.chapters.count() == 1


def test_posting_and_answering_need_csrf(author: User, reader: User) -> None:
    _welcoming(reader)
    work = make_work(author)
    invite(work, author, ["Pageturner"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(reverse("works:accept_invitation", args=[work.pk])).status_code == 403
    assert signed_in_client(reader).post(reverse("works:accept_invitation", args=[work.pk])).status_code == 302


def test_the_inbox_costs_the_same_queries_for_one_invitation_or_many(author: User, reader: User) -> None:
    _welcoming(reader)
    client = signed_in_client(reader)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert "Accept invitation" in _inbox(client)
        return len(queries)

    invite(make_work(author, title="Invitation 0"), author, ["Pageturner"])
    one = count()
    for number in range(1, 12):
        invite(make_work(author, title=f"Invitation {number}", post=number % 2 == 0), author, ["Pageturner"])
    assert count() <= one
