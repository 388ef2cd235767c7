"""A blurb is joined from strings in Python (works/blurbs.py), not by a template that escapes for it: every text a
person writes (title, tags, gift names, pseuds) must arrive as text, in listings and on the work page, in any
script."""

from __future__ import annotations

import pytest
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.core.pages import parse, work_form_data
from tests.factories import signed_in_client

HOSTILE = '"><img src=x onerror=alert(1)> & “quoted” 灯台 שלום'
# Tags may not hold < > (the form refuses them) but may hold quotes and ampersands, which end attributes.
TAG = """Tag "a" & 'b' “c” 灯台 שלום"""


@pytest.mark.django_db
def test_every_written_text_in_a_blurb_arrives_as_text(author: User, guest: Client) -> None:
    data = work_form_data(
        author,
        title=f"Title {HOSTILE}",
        fandoms=f"Fandom {TAG}",
        freeforms=f"Freeform {TAG}",
        gifts=f"Gift {HOSTILE}",
    )
    response = signed_in_client(author).post("/works/new/", data)
    assert response.status_code == 302, parse(response.content.decode()).select(".errorlist")
    work = Work.objects.latest("pk")
    for page_url in ("/works/", work.get_absolute_url()):
        html = guest.get(page_url).content.decode()
        assert "<img" not in html, page_url
        assert "onerror=alert(1)>" not in html.replace("&gt;", ""), page_url
    blurb = parse(guest.get("/works/").content.decode()).select_one(f"#work_{work.pk}")
    assert blurb is not None
    assert blurb.select_one("h3 a").get_text() == f"Title {HOSTILE}"  # type: ignore[union-attr]
    assert blurb.select_one("p.fandoms a").get_text() == f"Fandom {TAG}"  # type: ignore[union-attr]
    assert f"Freeform {TAG}" in [a.get_text() for a in blurb.select("li.freeforms a")]
    assert f"Gift {HOSTILE}" in blurb.select_one("h3").get_text()  # type: ignore[union-attr]
    links = [a["href"] for a in blurb.select("a")]
    assert all(not str(href).startswith('"') and "<" not in str(href) for href in links), links
