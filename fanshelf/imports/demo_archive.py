"""The demo archive: a few original works in invented fandoms, so a fresh install has something to read.

The stories live as files in ``fanshelf/imports/demo/`` (``demo.json`` says who wrote what, with which tags) and
are loaded through the same parsers and actions as any import, with kudos left through community's action.
Loading is idempotent: users, works and kudos that already exist are left alone, so running it twice adds
nothing. Demo accounts are recognised by their email domain, never by name alone, so a real account that happens
to share a demo name is never touched.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction

from fanshelf.accounts.models import User
from fanshelf.community.actions import leave_kudos
from fanshelf.community.models import Kudos
from fanshelf.imports.parsers import parse_file
from fanshelf.works.actions import ChapterFields, WorkFields, add_chapter, create_work, delete_work
from fanshelf.works.models import Work

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_EMAIL_DOMAIN = "demo.fanshelf.invalid"


@dataclass
class DemoReport:
    password: str
    users: list[str]
    created_users: int = 0
    created_works: int = 0
    kudos: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(self.created_users or self.created_works or self.kudos)


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))
    return data


def _demo_email(username: str) -> str:
    return f"{username.lower()}@{DEMO_EMAIL_DOMAIN}"


def _demo_user(username: str, password: str, report: DemoReport) -> User | None:
    existing = User.objects.filter(username__iexact=username).first()
    if existing is not None:
        if existing.email != _demo_email(username):
            report.skipped.append(f"{username} is a real account here, so its demo works were not loaded.")
            return None
        return existing
    user = User.objects.create_user(username=username, email=_demo_email(username), password=password)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    report.created_users += 1
    return user


def _chapter_text(file_name: str) -> str:
    parsed = parse_file(file_name, (DEMO_DIR / file_name).read_bytes())
    return parsed.chapters[0].text


def _create_demo_work(user: User, spec: dict[str, Any]) -> Work:
    published = datetime.date.fromisoformat(spec["published_on"])
    chapters = spec["chapters"]
    fields = WorkFields(
        title=spec["title"], pseuds=[user.default_pseud()], rating=spec["rating"], warnings=spec["warnings"],
        fandoms=spec["fandoms"], categories=spec.get("categories", []), relationships=spec.get("relationships", []),
        characters=spec.get("characters", []), freeforms=spec.get("freeforms", []), summary=spec.get("summary", ""),
        notes=spec.get("notes", ""), language=spec.get("language", "en"), restricted=spec.get("restricted", False),
        expected_chapters=spec.get("expected_chapters", len(chapters)), published_on=published,
    )  # fmt: skip
    first, *rest = [
        _chapter_fields(chapter, published + datetime.timedelta(weeks=n)) for n, chapter in enumerate(chapters)
    ]
    work = create_work(user, fields, first, post=True)
    for chapter_fields in rest:
        add_chapter(work, chapter_fields, post=True)
    return work


def _chapter_fields(chapter: dict[str, str], published_on: datetime.date) -> ChapterFields:
    return ChapterFields(
        content=_chapter_text(chapter["file"]), title=chapter.get("title", ""), notes=chapter.get("notes", ""),
        end_notes=chapter.get("end_notes", ""), published_on=published_on,
    )  # fmt: skip


def _leave_demo_kudos(work: Work, spec: dict[str, Any], users: dict[str, User], report: DemoReport) -> None:
    for name in spec.get("kudos", []):
        reader = users.get(name)
        if reader is not None and not Kudos.objects.filter(work=work, user=reader).exists():
            leave_kudos(work, reader, guest_key="")
            report.kudos += 1
    for number in range(spec.get("guest_kudos", 0)):
        key = f"demo-guest-{number}"
        if not Kudos.objects.filter(work=work, user=None, guest_key=key).exists():
            leave_kudos(work, None, guest_key=key)
            report.kudos += 1


@transaction.atomic
def load_demo_archive() -> DemoReport:
    """Create whatever part of the demo archive is missing; returns what was created."""
    data = demo_data()
    report = DemoReport(password=data["password"], users=list(data["users"]))
    users = {name: user for name in data["users"] if (user := _demo_user(name, data["password"], report))}
    for spec in data["works"]:
        creator = users.get(spec["creator"])
        if creator is None:
            continue
        work = Work.objects.filter(title=spec["title"], creatorships__pseud__user=creator).first()
        if work is None:
            work = _create_demo_work(creator, spec)
            report.created_works += 1
        _leave_demo_kudos(work, spec, users, report)
    return report


@transaction.atomic
def remove_demo_archive() -> int:
    """Delete the demo accounts and their works (before opening the archive to others). Returns works deleted."""
    demo_users = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    works = Work.objects.filter(creatorships__pseud__user__in=demo_users).distinct()
    count = 0
    for work in works:
        delete_work(work)
        count += 1
    demo_users.delete()
    return count
