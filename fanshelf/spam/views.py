"""The moderators' spam review page (/moderation/spam/) and the verdicts given from it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fanshelf.accounts.models import User, is_moderator
from fanshelf.core.pagination import paginate
from fanshelf.spam import actions
from fanshelf.spam.forms import VerdictForm
from fanshelf.spam.models import SpamCheck
from fanshelf.spam.review import review_entries


def _moderator(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not is_moderator(user):
        raise PermissionDenied("Only moderators review spam.")
    return user


@login_required
def review(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    page = paginate(request, SpamCheck.objects.for_review(actions.review_score()), per_page=25)
    context = {"page_obj": page, "entries": review_entries(list(page.object_list)), "threshold": actions.threshold()}
    return render(request, "spam/review.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, check_id: int) -> HttpResponse:
    moderator = _moderator(request)
    check = get_object_or_404(SpamCheck, pk=check_id)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Spam, Not spam or Suspend for spam; a reason has at most 1,000 characters.")
        return redirect("spam:review")
    verdict, reason = form.cleaned_data["verdict"], form.cleaned_data["reason"]
    if verdict != "suspend":
        actions.decide(check, verdict == "spam", acting=moderator, reason=reason)
        messages.success(request, "Marked spam: it stays hidden." if verdict == "spam" else "Marked not spam.")
        return redirect("spam:review")
    account = User.objects.filter(pk=check.account_id).first() if check.account_id is not None else None
    if account is None:
        messages.error(request, "This item has no account to suspend (a guest's, or a deleted account's).")
        return redirect("spam:review")
    try:
        works, comments = actions.suspend_for_spam(account, acting=moderator, reason=reason)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{account.username} is suspended; {works} works and {comments} comments hidden.")
    return redirect("spam:review")
