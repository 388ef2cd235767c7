"""Numbers people type, in query strings, form fields and command-line arguments: the ASCII digits 0-9 only.

Python's own checks disagree about what a digit is. "²" and "①" pass `str.isdigit()` but `int()` refuses them, so
code that checked one and called the other failed with a 500; `int()` in turn accepts "٣", "３", " 7", "+7" and
"1_000", so one number had many spellings and a filter could silently mean something the reader did not type.
Everything here goes through `parse_digits`, and a refusal always says "Use the digits 0-9". Also here: the NUL
character, which no text here may hold, refused wherever it can be typed. And `grouped`, a count as pages write it.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

DIGITS_ONLY = "Use the digits 0-9"
# Twelve digits is far beyond any count, id or page here, and keeps int() cheap whatever length was sent.
MAX_DIGITS = 12
MAX_ID = 10**MAX_DIGITS - 1
_DIGITS = re.compile(r"[0-9]+")
_SHOWN = 40


def grouped(number: int) -> str:
    """A count as the archive writes it, "1,234,567" (humanize's intcomma gives the same for English, at ten times
    the cost: a listing page writes a hundred)."""
    return f"{number:,}"


class NotANumber(ValueError):
    """Text that is not a whole number written with the digits 0-9."""


class BadParameter(BadRequest):
    """A request parameter a reader can fix; its message says how and is shown with the 400 (see `bad_request`)."""


def parse_digits(text: str, max_digits: int = MAX_DIGITS) -> int:
    """`text` as a whole number when it is nothing but 1 to `max_digits` of the ASCII digits 0-9."""
    if len(text) > max_digits or not _DIGITS.fullmatch(text):
        raise NotANumber(text)
    return int(text)


def shown(value: str) -> str:
    """A typed value quoted for a message: shortened, with control characters made visible."""
    short = value if len(value) <= _SHOWN else value[:_SHOWN] + "…"
    return "“" + "".join(ch if ch.isprintable() else "�" for ch in short) + "”"


def number_message(label: str, value: str) -> str:
    return f"{label} needs a whole number, not {shown(value)}. {DIGITS_ONLY}."


def number_param(params: Mapping[str, str], name: str, *, default: int, minimum: int = 0, maximum: int) -> int:
    """The number in a query or form parameter, `default` when absent or blank; BadParameter (a 400) otherwise."""
    raw = params.get(name) or ""
    if not raw.strip():
        return default
    try:
        value = parse_digits(raw.strip())
    except NotANumber:
        raise BadParameter(number_message(name, raw)) from None
    if not minimum <= value <= maximum:
        raise BadParameter(f"{name} must be between {minimum:,} and {maximum:,}.")
    return value


def name_holding_nul(params: Mapping[str, Any]) -> str | None:
    """The first parameter with a NUL character in a value: no text here may hold one, and PostgreSQL refuses it."""
    getlist = getattr(params, "getlist", None)
    for name in params:
        values = getlist(name) if getlist is not None else [params[name]]
        if any("\x00" in str(value) for value in values):
            return str(name)
    return None


def nul_message(name: str) -> str:
    return f"{name} contains a NUL character, which cannot be part of any text."


def refuse_nul(params: Mapping[str, Any]) -> None:
    """BadParameter (a 400) when any value holds a NUL character."""
    name = name_holding_nul(params)
    if name is not None:
        raise BadParameter(nul_message(name))


class RefuseNulMiddleware:
    """Refuses a NUL character in the address (path or query string) with a 400 before any view runs: no name or
    text here holds one, and PostgreSQL refuses it in a query, so every page that looks a name up would fail with a
    500. Form bodies are left to the forms (CharField refuses NUL), and are not read here: uploads must not be."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise BadParameter("The address contains a NUL character, which cannot be part of any name.")
        refuse_nul(request.GET)
        return self.get_response(request)


class WholeNumberField(forms.IntegerField):
    """Django's IntegerField hands the text to int(), which takes other scripts' digits; this takes only 0-9."""

    default_error_messages = {"invalid": f"Enter a whole number. {DIGITS_ONLY}."}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # an initial value, not something typed
        try:
            return parse_digits(str(value).strip())
        except NotANumber:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def _is_id(value: object) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return bool(0 < value <= MAX_ID)
    return isinstance(value, str) and _DIGITS.fullmatch(value.strip()) is not None and len(value.strip()) <= MAX_DIGITS


class IdChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of one row by id. Django queries whatever was posted, and a number past the database's integer
    range is a 500 there (SQLite's OverflowError); anything but 1 to 12 digits is an invalid choice here."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several rows by id, checked as IdChoiceField checks one."""

    def _check_values(self, value: Any) -> Any:
        for choice in value if isinstance(value, list | tuple) else [value]:
            if not _is_id(choice):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": shown(str(choice))}
                )
        return super()._check_values(value)  # type: ignore[misc]


def digits_argument(text: str) -> int:
    """An argparse `type` for whole-number options."""
    try:
        return parse_digits(text.strip())
    except NotANumber:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a whole number. {DIGITS_ONLY}.") from None


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400). Only BadParameter messages are shown: they are written for readers, while other
    refusals (a bad Host header, a malformed upload) may carry details that are not theirs to see."""
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"message": message}, status=400)
