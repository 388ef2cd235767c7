"""Dates across time zones: a reader's zone shows their dates and stays with their request; a work dated today by a
creator far east of UTC stays saveable by a co-creator far west of it, whose own today is still the day before."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.works.actions import WorkFields, update_work
from fanshelf.works.cleaning import clean_work
from tests.factories import make_user, make_work, signed_in_client

pytestmark = pytest.mark.django_db

EAST, WEST = "Pacific/Kiritimati", "Pacific/Honolulu"  # UTC+14 and UTC-10: their dates always differ by one day


def test_a_readers_time_zone_ends_with_their_request(author: User) -> None:
    work = make_work(author, title="Tide Clock")
    reader = signed_in_client(make_user("Line_Islander", time_zone=EAST))
    assert reader.get(work.get_absolute_url()).status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"  # what runs next in this thread is not in their zone


def _dated(editor: User, day: datetime.date) -> WorkFields:
    return WorkFields(
        title="Dateline", pseuds=[editor.default_pseud()], rating="General Audiences",
        warnings=["No Archive Warnings Apply"], fandoms=["Tidewater Chronicles"], published_on=day,
    )  # fmt: skip


def test_a_date_that_is_today_somewhere_is_not_in_the_future(author: User) -> None:
    east_today = datetime.datetime.now(zoneinfo.ZoneInfo(EAST)).date()
    with timezone.override(zoneinfo.ZoneInfo(EAST)):  # the creator's request, posting today in their zone
        work = make_work(author, title="Dateline", published_on=east_today)
    with timezone.override(zoneinfo.ZoneInfo(WEST)):  # a co-creator's edit, a day behind
        assert timezone.localdate() < east_today
        update_work(work, author, _dated(author, east_today))
        with pytest.raises(ValidationError, match="can't be in the future"):
            clean_work(_dated(author, east_today + datetime.timedelta(days=1)), author)
    work.refresh_from_db()
    assert work.published_on == east_today
