"""robots.txt and the TDM Reservation Protocol's well-known file, built from the works' AI-training answers."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from fanshelf.works.reuse import current_reservations, robots_txt, tdmrep_rules

# Crawlers fetch these rarely and the answer is cached server-side; a shared cache may keep it a few minutes.
MAX_AGE_SECONDS = 300


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(robots_txt(current_reservations()), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response


@require_safe
def tdmrep(request: HttpRequest) -> HttpResponse:
    body = json.dumps(tdmrep_rules(current_reservations()), separators=(",", ":"))
    response = HttpResponse(body, content_type="application/json")
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response
