"""CSRF secrets are drawn in one read of the random source (core/csrf_secrets.py), and still protect every form."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings
from django.middleware import csrf
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.community.models import Kudos
from fanshelf.core.csrf_secrets import new_csrf_string
from tests.factories import make_work


def test_django_draws_its_secrets_with_ours() -> None:
    assert csrf._get_new_csrf_string is new_csrf_string


def test_each_character_is_from_django_s_alphabet_and_none_is_likelier_than_another() -> None:
    drawn = [new_csrf_string() for _ in range(3000)]
    assert {len(secret) for secret in drawn} == {csrf.CSRF_SECRET_LENGTH}
    assert len(set(drawn)) == len(drawn)
    counts = Counter("".join(drawn))
    assert set(counts) == set(csrf.CSRF_ALLOWED_CHARS)
    expected = 3000 * csrf.CSRF_SECRET_LENGTH / len(csrf.CSRF_ALLOWED_CHARS)  # ~1,548 each, spread ~39
    # A byte taken modulo 62 without dropping 248-255 would make eight characters 25 % likelier: caught here.
    assert all(0.85 * expected < count < 1.15 * expected for count in counts.values()), counts


@pytest.mark.django_db
def test_a_guest_s_token_from_a_work_page_is_accepted_and_a_made_up_one_refused(author: User) -> None:
    work = make_work(author, title="Tokens in the “lantern” 灯台")
    guest = Client(enforce_csrf_checks=True)
    assert guest.get(work.get_absolute_url()).status_code == 200
    token = guest.cookies[settings.CSRF_COOKIE_NAME].value
    assert len(token) == csrf.CSRF_SECRET_LENGTH
    assert set(token) <= set(csrf.CSRF_ALLOWED_CHARS)
    forged = guest.post(reverse("community:kudos", args=[work.pk]), {"csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    assert not Kudos.objects.filter(work=work).exists()
    accepted = guest.post(reverse("community:kudos", args=[work.pk]), {"csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert Kudos.objects.filter(work=work, user=None).count() == 1
