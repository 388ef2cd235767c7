"""Reports: anyone, guests included, reports a work, chapter, comment, bookmark, series or account to the moderators,
who take it, act on the item or its maker from the queue, and close it with a decision (docs/moderation.md).

The reporter is never named to the reported person: warnings and suspension notices say what and why, and nothing
here puts the reporter's name, address or text into anything the reported person receives."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from fanshelf.accounts.actions import suspend_account
from fanshelf.accounts.models import User, is_moderator
from fanshelf.bookmarks.access import get_series_for_reading
from fanshelf.bookmarks.actions import delete_bookmark
from fanshelf.bookmarks.models import Bookmark
from fanshelf.comments.access import get_comment_for_reading
from fanshelf.comments.actions import delete_comment, hide_comment
from fanshelf.comments.models import Comment
from fanshelf.inbox.actions import Delivery, deliver
from fanshelf.inbox.notify import send_email
from fanshelf.moderation.actions import record
from fanshelf.moderation.models import Report, ReportCategory, ReportKind, ReportStatus
from fanshelf.works.access import get_chapter_for_reading, get_work_for_reading
from fanshelf.works.actions import delete_chapter, delete_work, set_hidden_by_moderator
from fanshelf.works.models import Chapter, Series, Work
from fanshelf.works.series import delete_series

# AO3's figure: one reporter may report one item at most this often in REPORT_WINDOW.
REPORTS_PER_ITEM = 5
REPORT_WINDOW = datetime.timedelta(days=31)
MAX_REPORT_TEXT = 2000
MAX_SUSPENSION_DAYS = 3650
ITEM_GONE = "The reported item no longer exists."


@dataclass(frozen=True)
class ReportTarget:
    """What a report is about, as it stands when it is filed."""

    kind: str
    target_id: int
    label: str
    url: str
    reported_user: User | None


@dataclass(frozen=True)
class ReportFields:
    category: str
    text: str
    guest_email: str = ""


def _first_creator(work: Work) -> User | None:
    return User.objects.filter(pseuds__creatorships__work=work).order_by("pk").first()


def _work_target(work: Work) -> ReportTarget:
    return ReportTarget("work", work.pk, f"“{work.title}”", work.get_absolute_url(), _first_creator(work))


def _chapter_target(work: Work, chapter: Chapter) -> ReportTarget:
    url = reverse("works:chapter", args=[work.pk, chapter.pk])
    return ReportTarget("chapter", chapter.pk, f"{chapter.heading} of “{work.title}”", url, _first_creator(work))


def _comment_target(comment: Comment, work: Work) -> ReportTarget:
    label = f"A comment on “{work.title}”"
    return ReportTarget("comment", comment.pk, label, comment.get_absolute_url(), comment.user)


def _bookmark_target(bookmark: Bookmark) -> ReportTarget:
    item = bookmark.work or bookmark.series or bookmark.external
    label = f"{bookmark.user.username}’s bookmark of “{item}”"
    return ReportTarget(
        "bookmark", bookmark.pk, label, reverse("bookmarks:user", args=[bookmark.user.username]), bookmark.user
    )


def _series_target(series: Series) -> ReportTarget:
    maker = User.objects.filter(pseuds__series=series).order_by("pk").first()
    return ReportTarget("series", series.pk, f"The series “{series.title}”", series.get_absolute_url(), maker)


def _user_target(user: User) -> ReportTarget:
    return ReportTarget(
        "user", user.pk, f"The account {user.username}", reverse("accounts:dashboard", args=[user.username]), user
    )


def find_target_for(request: HttpRequest, kind: str, target_id: int) -> ReportTarget:
    """The item as this person may see it, through each app's own access rule: what they cannot see (a draft, a
    hidden work, a private bookmark, someone else's held comment) is a 404, as a missing item is."""
    if kind == ReportKind.WORK:
        return _work_target(get_work_for_reading(request, target_id))
    if kind == ReportKind.CHAPTER:
        work_id = Chapter.objects.filter(pk=target_id).values_list("work_id", flat=True).first()
        work = get_work_for_reading(request, work_id or 0)
        return _chapter_target(work, get_chapter_for_reading(request, work, target_id))
    if kind == ReportKind.COMMENT:
        return _comment_target(*get_comment_for_reading(request, target_id))
    if kind == ReportKind.BOOKMARK:
        shown = Bookmark.objects.shown_to(request.user).select_related("user", "work", "series", "external")
        bookmark = shown.filter(pk=target_id).first()
        if bookmark is not None:
            return _bookmark_target(bookmark)
    if kind == ReportKind.SERIES:
        return _series_target(get_series_for_reading(request, target_id))
    if kind == ReportKind.USER:
        # An account is reported from its profile, which names it (`?account=`): by number alone, the form would
        # tell anyone the name of every account, those that post only anonymously included.
        named = request.GET.get("account", "")
        user = User.objects.filter(pk=target_id, is_active=True, username__iexact=named).first()
        if user is not None and user.pk != request.user.pk:
            return _user_target(user)
    raise Http404("Nothing to report here.")


def _clean_text(text: str) -> str:
    """Plain text, shown escaped: control characters go (line breaks and tabs stay), nothing else is changed, so
    every script and its direction marks survive."""
    text = text.replace("\r\n", "\n")
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return kept.strip()


def _recent_reports(target: ReportTarget, reporter: User | None, email: str, client_key: str) -> int:
    """How often this reporter reported this item lately. A guest is known by email or by address, either one,
    so a new email from the same address does not start the count again."""
    since = timezone.now() - REPORT_WINDOW
    reports = Report.objects.about(target.kind, target.target_id).filter(created_at__gte=since)
    if reporter is not None:
        return reports.filter(reporter=reporter).count()
    return reports.filter(reporter=None).filter(Q(guest_email__iexact=email) | Q(client_key=client_key)).count()


def file_report(target: ReportTarget, fields: ReportFields, *, reporter: User | None, client_key: str) -> Report:
    """File a report. A guest gives an email, a signed-in reporter does not (theirs is on the account). Refused
    (ValidationError by field) past REPORTS_PER_ITEM about one item in REPORT_WINDOW. The reporter is emailed a
    confirmation once the report is saved."""
    errors: dict[str, list[str]] = {}
    if fields.category not in ReportCategory.values:
        errors["category"] = ["Choose what is wrong."]
    text = _clean_text(fields.text)
    if len(text) > MAX_REPORT_TEXT:
        errors["text"] = [f"Reports can be at most {MAX_REPORT_TEXT:,} characters (this one has {len(text):,})."]
    email = "" if reporter is not None else fields.guest_email.strip()
    if reporter is None:
        try:
            validate_email(email)
        except ValidationError:
            errors["guest_email"] = ["Give an email address, so the moderators can reach you."]
    if errors:
        raise ValidationError(errors)
    if _recent_reports(target, reporter, email, client_key) >= REPORTS_PER_ITEM:
        raise ValidationError(
            f"You have reported this {REPORTS_PER_ITEM} times in the last {REPORT_WINDOW.days} days; the "
            "moderators have your reports and will look at them."
        )
    with transaction.atomic(durable=True):
        report = Report.objects.create(
            kind=target.kind,
            target_id=target.target_id,
            target_label=target.label[:300],
            target_url=target.url[:500],
            reported_user=target.reported_user,
            reporter=reporter,
            guest_email=email,
            client_key="" if reporter is not None else client_key,
            category=fields.category,
            text=text,
        )
        address = reporter.email if reporter is not None else email
        transaction.on_commit(lambda: _confirm(report, address))
    return report


def _confirm(report: Report, address: str) -> None:
    if not address:
        return
    body = (
        f"Thank you. Your report of {report.target_label} ({report.get_category_display()}) has reached the "
        f"moderators of {settings.SITE_NAME}, who will look at it. The person you reported is not told who "
        "reported them.\n"
    )
    send_mail(f"[{settings.SITE_NAME}] Your report was received", body, None, [address], fail_silently=True)


# What a moderator may do from a queue entry, by the kind of item reported.
HIDEABLE = {ReportKind.WORK, ReportKind.CHAPTER, ReportKind.COMMENT}
DELETABLE = {ReportKind.WORK, ReportKind.CHAPTER, ReportKind.COMMENT, ReportKind.BOOKMARK, ReportKind.SERIES}
QUEUE_ACTIONS = ("take", "hide", "delete", "warn", "suspend", "dismiss")


def _hide(report: Report, moderator: User) -> str:
    if report.kind == ReportKind.COMMENT:
        comment = Comment.objects.filter(pk=report.target_id).first()
        if comment is None:
            raise ValidationError(ITEM_GONE)
        hide_comment(comment, moderator)
        return "Hid the comment"
    work_id = report.target_id
    if report.kind == ReportKind.CHAPTER:  # chapters have no hiding of their own: their work is hidden
        work_id = Chapter.objects.filter(pk=report.target_id).values_list("work_id", flat=True).first() or 0
    work = Work.objects.filter(pk=work_id).first()
    if work is None:
        raise ValidationError(ITEM_GONE)
    set_hidden_by_moderator(work, True, acting=moderator)
    return "Hid the work"


def _delete(report: Report, moderator: User) -> str:
    models: dict[str, type[Work | Chapter | Comment | Bookmark | Series]] = {
        "work": Work, "chapter": Chapter, "comment": Comment, "bookmark": Bookmark, "series": Series
    }  # fmt: skip
    item = models[report.kind].objects.filter(pk=report.target_id).first()
    if item is None:
        raise ValidationError(ITEM_GONE)
    if isinstance(item, Work):
        delete_work(item, acting=moderator)
    elif isinstance(item, Chapter):
        delete_chapter(item)
    elif isinstance(item, Comment):
        delete_comment(item, moderator)
    elif isinstance(item, Bookmark):
        delete_bookmark(item, moderator)
    else:
        delete_series(item, acting=moderator)
    return f"Deleted the {report.get_kind_display().lower()}"


def _reported_account(report: Report) -> User:
    if report.reported_user is None:
        raise ValidationError("This report names no account (a guest's comment, or a deleted account).")
    return report.reported_user


def _warn(report: Report, reason: str) -> str:
    """An inbox entry and an email saying what and why; never who reported it."""
    user = _reported_account(report)
    subject = f"A warning from the moderators about {report.target_label}"
    deliver(user, Delivery(kind="warning", subject=subject, excerpt=reason, url=report.target_url))
    transaction.on_commit(lambda: send_email(user, subject, f"{subject}:\n\n{reason}\n"))
    return "Warned the account"


def _suspend(report: Report, moderator: User, reason: str, days: int | None) -> str:
    user = _reported_account(report)
    until = timezone.now() + datetime.timedelta(days=days) if days else None
    suspend_account(user, until=until, acting=moderator, reason=reason)
    how_long = f"for {days} day{'s' if days != 1 else ''}" if days else "until a moderator reinstates it"
    body = f"Your account on {settings.SITE_NAME} is suspended {how_long}, because:\n\n{reason}\n"
    transaction.on_commit(lambda: send_email(user, "Your account is suspended", body))
    return f"Suspended the account {how_long}"


def handle_report(
    report: Report, moderator: User | AnonymousUser, action: str, reason: str, days: int | None
) -> Report:
    """A moderator's step on a report: take it (in progress), hide or delete the item through its app's own action,
    warn or suspend the account it names, or dismiss it. Every step but taking closes the report with its decision;
    each is one audit entry with who, what and why. ValidationError when the step cannot be done."""
    if not isinstance(moderator, User) or not is_moderator(moderator):
        raise PermissionDenied("Only moderators handle reports.")
    if action not in QUEUE_ACTIONS:
        raise ValidationError("Choose what to do.")
    if report.status in {ReportStatus.RESOLVED, ReportStatus.DISMISSED}:
        raise ValidationError(f"This report is already closed: {report.decision or report.get_status_display()}.")
    if action not in {"take", "hide", "delete"} and not reason.strip():
        raise ValidationError({"reason": ["Say why: it goes into the audit log, and to the person warned."]})
    if (action == "hide" and report.kind not in HIDEABLE) or (action == "delete" and report.kind not in DELETABLE):
        raise ValidationError(f"A {report.get_kind_display().lower()} cannot be {action}d from here.")
    # Comments' and works' own actions open their own transactions; the report is closed after they succeed.
    decision = {"take": "", "dismiss": "Dismissed"}.get(action)
    if action == "hide":
        decision = _hide(report, moderator)
    elif action == "delete":
        decision = _delete(report, moderator)
    with transaction.atomic():
        if action == "warn":
            decision = _warn(report, reason)
        elif action == "suspend":
            decision = _suspend(report, moderator, reason, days)
        report.status = ReportStatus.IN_PROGRESS if action == "take" else ReportStatus.RESOLVED
        if action == "dismiss":
            report.status = ReportStatus.DISMISSED
        report.decision = (decision or report.decision)[:300]
        report.handled_by = moderator
        report.save(update_fields=["status", "decision", "handled_by", "updated_at"])
        what = "took report" if action == "take" else f"report: {decision}"
        record(moderator, what, f"report {report.pk}: {report.kind} {report.target_label}", reason)
    return report
