from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fanshelf.community.actions import leave_kudos
from fanshelf.core.limits import Rate, count_event, seconds_to_wait, too_many
from fanshelf.core.visitors import address_key
from fanshelf.works.access import get_work_for_reading

GUEST_KUDOS = "guest-kudos"
USER_KUDOS = "kudos"


@require_POST
def kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    """A guest's kudos is one per work per client address, whatever browser they claim, and guests from one
    address may leave only so many (FANSHELF_GUEST_KUDOS_RATE), so nobody can inflate counts by changing headers.
    Signed-in readers have a limit of their own per account (FANSHELF_KUDOS_RATE), against scripted accounts."""
    work = get_work_for_reading(request, work_id)
    user = request.user if request.user.is_authenticated else None
    guest_key = "" if user else address_key(request)
    scope, key = (USER_KUDOS, f"user:{user.pk}") if user else (GUEST_KUDOS, guest_key)
    rate: Rate = settings.FANSHELF_KUDOS_RATE if user else settings.FANSHELF_GUEST_KUDOS_RATE
    if wait := seconds_to_wait(scope, [key], rate):
        if user is None:
            return too_many(request, wait, "Guests at your address have left many kudos lately; log in to leave more.")
        return too_many(request, wait, "You have left many kudos lately.")
    try:
        leave_kudos(work, user, guest_key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count_event(scope, [key], rate)
        messages.success(request, "Thank you for leaving kudos!")
    back = request.POST.get("next", "")
    if not back.startswith(f"/works/{work.pk}/") or not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        back = work.get_absolute_url()
    return redirect(f"{back}#kudos")
