"""Small builders for test data. They go through the real actions, so tests exercise what users do."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from allauth.account.models import EmailAddress
from django.test import Client

from fanshelf.accounts.models import Pseud, User
from fanshelf.works.actions import ChapterFields, WorkFields, add_chapter, create_work, update_work
from fanshelf.works.models import Work

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"
STORY = "The lighthouse keeper counted the gulls twice, because once was never enough for the sea."


def signed_in_client(user: User) -> Client:
    """A test client with `user` signed in (no login form, no limits: for tests about what comes after)."""
    client = Client()
    client.force_login(user)
    return client


def make_user(username: str | None = None, **extra: Any) -> User:
    """A user with a verified email, able to log in with PASSWORD."""
    name = username or f"user{next(_counter)}"
    user = User.objects.create_user(username=name, email=f"{name.lower()}@example.org", password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_work(
    creator: User,
    *,
    title: str = "Salt and Lanterns",
    chapters: Sequence[str] = (STORY,),
    post: bool = True,
    rating: str = "General Audiences",
    warnings: Sequence[str] = ("No Archive Warnings Apply",),
    fandoms: Sequence[str] = ("Tidewater Chronicles",),
    pseuds: Sequence[Pseud] | None = None,
    **fields: Any,
) -> Work:
    """A work posted (or drafted) through create_work and add_chapter."""
    work_fields = WorkFields(
        title=title,
        pseuds=list(pseuds or [creator.default_pseud()]),
        rating=rating,
        warnings=list(warnings),
        fandoms=list(fandoms),
        **{"expected_chapters": len(chapters), **fields},
    )
    work = create_work(creator, work_fields, ChapterFields(content=chapters[0]), post=post)
    for text in chapters[1:]:
        add_chapter(work, ChapterFields(content=text), post=post)
    work.refresh_from_db()
    return work


def retitle_work(work: Work, editor: User, title: str) -> None:
    """Edit a work made by make_work's defaults through update_work, giving it a new title and nothing else new."""
    fields = WorkFields(
        title=title, pseuds=[editor.default_pseud()], rating="General Audiences",
        warnings=["No Archive Warnings Apply"], fandoms=["Tidewater Chronicles"],
    )  # fmt: skip
    update_work(work, editor, fields)
