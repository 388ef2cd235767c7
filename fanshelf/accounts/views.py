"""Thin views for one's account (pseuds, preferences, access tokens): access helper, form, one action, redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.views import password_reset as allauth_password_reset
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fanshelf.accounts import actions, limits
from fanshelf.accounts.access import get_pseud, get_token, get_user_for_managing, get_user_for_profile
from fanshelf.accounts.forms import (
    DeleteAccountForm,
    DeletePseudForm,
    PreferencesForm,
    PseudForm,
    TokenForm,
    UsernameForm,
    add_action_errors,
)


def pseud_list(request: HttpRequest, username: str) -> HttpResponse:
    """Everyone sees a user's pseuds; the owner also gets the form to add one (posted back here)."""
    user = get_user_for_managing(request, username) if request.method == "POST" else get_user_for_profile(username)
    is_owner = request.user.pk == user.pk
    form = PseudForm(request.POST or None) if is_owner else None
    if form is not None and form.is_bound and form.is_valid():
        try:
            pseud = actions.create_pseud(user, form.pseud_fields())
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"Pseud “{pseud.name}” was created.")
            return redirect("accounts:pseuds", user.username)
    context = {"profile_user": user, "pseuds": user.pseuds.all(), "form": form, "is_owner": is_owner}
    return render(request, "accounts/pseuds.html", context)


def pseud_edit(request: HttpRequest, username: str, pseud: str) -> HttpResponse:
    user = get_user_for_managing(request, username)
    target = get_pseud(user, pseud)
    form = PseudForm(request.POST or None, pseud=target)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_pseud(target, form.pseud_fields())
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"Pseud “{target.name}” was saved.")
            return redirect("accounts:pseuds", user.username)
    return render(request, "accounts/pseud_form.html", {"profile_user": user, "pseud": target, "form": form})


def pseud_delete(request: HttpRequest, username: str, pseud: str) -> HttpResponse:
    """GET asks for confirmation and, when things are made under the pseud, what becomes of its works; POST
    deletes, or explains why it cannot (a POST choosing nothing is refused as the admin's delete is)."""
    user = get_user_for_managing(request, username)
    target = get_pseud(user, pseud)
    attached = actions.attached_items(target)
    form = DeletePseudForm(request.POST or None, pseud=target) if attached and not target.is_default else None
    if request.method == "POST" and (form is None or "works" not in request.POST):
        try:
            actions.delete_pseud(target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Pseud “{target.name}” was deleted.")
        return redirect("accounts:pseuds", user.username)
    if form is not None and form.is_bound and form.is_valid():
        choice = form.cleaned_data
        try:
            actions.delete_pseud(
                target, works=choice["works"], target=choice["target"], keep_names=choice["keep_names"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"Pseud “{target.name}” was deleted.")
            return redirect("accounts:pseuds", user.username)
    context = {"profile_user": user, "pseud": target, "attached": attached, "form": form}
    return render(request, "accounts/pseud_confirm_delete.html", context)


def delete_account(request: HttpRequest, username: str) -> HttpResponse:
    """The owner deletes their account, with their password (inside the sign-in limit, as for a username change),
    choosing to orphan or delete their works. The session ends and they land on the home page."""
    user = get_user_for_managing(request, username)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = limits.check(request, user.username)
        if wait:
            return limits.refusal(request, wait)
        if not user.check_password(form.cleaned_data["password"]):
            limits.record_failure(request, user.username)
            form.add_error("password", "That is not your current password.")
        else:
            choice = form.cleaned_data
            try:
                actions.delete_account(
                    user,
                    acting=user,
                    works=choice["works"],
                    keep_names=choice["keep_names"],
                    delete_comments=choice["delete_comments"],
                )
            except ValidationError as error:  # nothing was deleted: the action is one transaction
                add_action_errors(form, error)
            else:
                logout(request)
                messages.success(request, "Your account was deleted. Thank you for being part of the archive.")
                return redirect("home")
    response = render(request, "accounts/delete_account.html", {"profile_user": user, "form": form})
    add_never_cache_headers(response)
    return response


def preferences(request: HttpRequest, username: str) -> HttpResponse:
    user = get_user_for_managing(request, username)
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        actions.update_preferences(user, form.changes())
        messages.success(request, "Your preferences were saved.")
        if "keep_history" in form.changed_data and not user.keep_history:
            # Turning history off stops recording; what was kept stays until the reader clears it.
            history = reverse("reading:history", args=[user.username])
            messages.info(request, format_html('History is off. <a href="{}">Clear what was kept</a>.', history))
        return redirect("accounts:preferences", user.username)
    return render(request, "accounts/preferences.html", {"profile_user": user, "form": form})


def change_username(request: HttpRequest, username: str) -> HttpResponse:
    """The owner renames their account. The password is checked inside the sign-in limit: a borrowed session must
    not become a way to guess it."""
    user = get_user_for_managing(request, username)
    form = UsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = limits.check(request, user.username)
        if wait:
            return limits.refusal(request, wait)
        old = user.username
        try:
            actions.change_username(user, form.cleaned_data["username"], form.cleaned_data["password"])
        except ValidationError as error:
            if "password" in getattr(error, "error_dict", {}):
                limits.record_failure(request, old)
            add_action_errors(form, error)
        else:
            messages.success(request, f"Your username is now “{user.username}” (it was “{old}”).")
            return redirect("accounts:dashboard", user.username)
    context = {
        "profile_user": user,
        "form": form,
        "next_change": actions.next_username_change(user),
        "interval_days": actions.USERNAME_CHANGE_INTERVAL.days,
    }
    return render(request, "accounts/username_form.html", context)


def token_list(request: HttpRequest, username: str) -> HttpResponse:
    """The owner's personal tokens. A POST creates one and answers with its secret, shown this once."""
    user = get_user_for_managing(request, username)
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.create_token(user, form.cleaned_data["name"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            form = TokenForm()
    context = {"profile_user": user, "tokens": user.personal_tokens.all(), "form": form, "created": created}
    response = render(request, "accounts/tokens.html", context)
    # Rendered rather than redirected: the secret then never sits in the session. Nothing may keep this page.
    add_never_cache_headers(response)
    return response


@require_POST
def token_revoke(request: HttpRequest, username: str, token_id: int) -> HttpResponse:
    user = get_user_for_managing(request, username)
    token = actions.revoke_token(get_token(user, token_id))
    messages.success(request, f"Token “{token.name}” was revoked; apps using it can no longer sign in with it.")
    return redirect("accounts:tokens", user.username)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the site login, so its limits and the email confirmation hold there too."""
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("admin:index")
    if admin.site.has_permission(request):
        return redirect(back)
    if request.user.is_authenticated:
        # Sending a signed-in reader to the login page would bounce them back here forever.
        raise PermissionDenied
    return redirect(f"{reverse('account_login')}?{urlencode({'next': back})}")


def password_reset(request: HttpRequest) -> HttpResponseBase:
    """allauth's reset request, inside the sign-in limit: each request counts as an attempt on the account (and
    from the address), since each one sends an email that is a way into the account."""
    if request.method == "POST":
        email = request.POST.get("email", "")
        wait = limits.check(request, email)
        if wait:
            return limits.refusal(request, wait)
        limits.record_failure(request, email)
    response: HttpResponseBase = allauth_password_reset(request)
    return response
