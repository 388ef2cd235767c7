from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {})


def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    return render(request, "home.html", {})
