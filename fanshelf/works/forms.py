"""Forms for posting and editing. They only shape input; rules and limits live in works.actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from fanshelf.accounts.models import AiDisclosure, Pseud, Reuse, User
from fanshelf.core import switches
from fanshelf.core.numbers import DIGITS_ONLY, IdsChoiceField, NotANumber, WholeNumberField, parse_digits
from fanshelf.tags.models import CATEGORIES, RATINGS, WARNINGS
from fanshelf.works.actions import ChapterFields, WorkFields
from fanshelf.works.cleaning import REUSE_FIELDS
from fanshelf.works.languages import LANGUAGES
from fanshelf.works.models import Chapter, CommentPermission, RelationKind, Work
from fanshelf.works.related import ParentReference
from fanshelf.works.sharing import recipients_text, split_names

_TAG_HELP = "Separate tags with commas."
_OWN_PLACE = "Give each chapter its own position."
_NAMES_HELP = "Pseuds, separated by commas; write “name (username)” when several people use a name."


def split_tags(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _tag_input(tag_type: str) -> forms.TextInput:
    """A comma-separated tag box offering completions of one type as the creator types (static/fanshelf/tags.js;
    without script it is a plain text box)."""
    url = reverse_lazy("discovery:tag_names")
    return forms.TextInput(attrs={"data-tag-complete": url, "data-tag-type": tag_type, "autocomplete": "off"})


def join_tags(work: Work, tag_type: str) -> str:
    return ", ".join(tag.name for tag in work.tags_by_type.get(tag_type, []))


class WorkForm(forms.Form):
    title = forms.CharField(max_length=255)
    pseuds = IdsChoiceField(
        queryset=Pseud.objects.none(), widget=forms.CheckboxSelectMultiple, label="Creator/Pseud(s)"
    )
    # Sharing (works/sharing.py, docs/sharing.md): invitations to send, and who the work is a gift for.
    cocreators = forms.CharField(max_length=2000, required=False, label="Invite co-creators", help_text=_NAMES_HELP)
    gifts = forms.CharField(
        max_length=2000, required=False, label="Gift this work to", help_text=f"{_NAMES_HELP} Or anyone's name."
    )
    rating = forms.ChoiceField(choices=[("", "Choose a rating"), *((name, name) for name in RATINGS)])
    warnings = forms.MultipleChoiceField(
        choices=[(name, name) for name in WARNINGS], widget=forms.CheckboxSelectMultiple, label="Archive warnings"
    )
    categories = forms.MultipleChoiceField(
        choices=[(name, name) for name in CATEGORIES], widget=forms.CheckboxSelectMultiple, required=False
    )
    fandoms = forms.CharField(max_length=20_000, help_text=_TAG_HELP, widget=_tag_input("fandom"))
    relationships = forms.CharField(
        max_length=20_000, required=False, help_text=_TAG_HELP, widget=_tag_input("relationship")
    )
    characters = forms.CharField(max_length=20_000, required=False, help_text=_TAG_HELP, widget=_tag_input("character"))
    freeforms = forms.CharField(
        max_length=20_000, required=False, label="Additional tags", help_text=_TAG_HELP, widget=_tag_input("freeform")
    )
    summary = forms.CharField(widget=forms.Textarea, required=False, help_text="Up to 1,250 characters.")
    notes = forms.CharField(widget=forms.Textarea, required=False, label="Beginning notes")
    end_notes = forms.CharField(widget=forms.Textarea, required=False, label="End notes")
    language = forms.ChoiceField(choices=LANGUAGES, initial="en")
    expected_chapters = forms.CharField(
        max_length=6, initial="1", label="Chapters expected", help_text="A number, or ? if you don't know yet."
    )
    published_on = forms.DateField(
        required=False,
        label="Published date",
        help_text="Leave empty for today; backdating is allowed.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    restricted = forms.BooleanField(required=False, label="Only show this work to registered users")
    anonymous = forms.BooleanField(required=False, label="Post anonymously (shown as Anonymous to others)")
    # Not required: a form posted without it (an older page, a script) keeps what the work has.
    comment_permission = forms.ChoiceField(
        choices=CommentPermission.choices, required=False, label="Who can comment on this work"
    )
    moderate_comments = forms.BooleanField(
        required=False, label="Hold comments until I approve them", help_text="Comments stay hidden until approved."
    )
    # Reuse permissions and AI-use disclosure (docs/reuse.md). Not required: a form posted without them keeps what
    # the work has; a new work starts from its creator's preferences.
    reuse_podfic = forms.ChoiceField(choices=Reuse.choices, required=False, label="Others may record podfic of it")
    reuse_translation = forms.ChoiceField(choices=Reuse.choices, required=False, label="Others may translate it")
    reuse_remix = forms.ChoiceField(
        choices=Reuse.choices, required=False, label="Others may remix it or make other transformative works"
    )
    reuse_ai_training = forms.ChoiceField(
        choices=Reuse.choices,
        required=False,
        label="It may be used to train AI",
        help_text="Unless you say yes, the page, its downloads and robots.txt tell AI crawlers to keep out.",
    )
    ai_disclosure = forms.ChoiceField(choices=AiDisclosure.choices, required=False, label="AI use in making this work")
    series_title = forms.CharField(
        max_length=255,
        required=False,
        label="Add to series",
        help_text="Optional: the title of one of your series, or a new title to start one.",
    )
    parent_kind = forms.ChoiceField(
        choices=RelationKind.choices, required=False, label="This work is", initial=RelationKind.INSPIRED
    )
    parent_url = forms.CharField(
        max_length=500,
        required=False,
        label="Parent work address",
        help_text="Optional: the address of the work this one derives from, here or elsewhere.",
    )
    parent_title = forms.CharField(max_length=255, required=False, label="Parent title (if not on this archive)")
    parent_creator = forms.CharField(max_length=255, required=False, label="Parent creator (if not on this archive)")
    parent_language = forms.ChoiceField(
        choices=[("", "Unknown"), *LANGUAGES], required=False, label="Parent language (if not on this archive)"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        pseuds = cast(forms.ModelMultipleChoiceField, self.fields["pseuds"])  # type: ignore[type-arg]
        pseuds.queryset = user.pseuds.all()
        if not self.is_bound and "pseuds" not in self.initial:
            self.initial["pseuds"] = [user.default_pseud().pk]
        self.initial.setdefault("comment_permission", switches.current().comment_permission_for_new_works())
        for name in REUSE_FIELDS:
            self.initial.setdefault(name, getattr(user, name))

    def clean_expected_chapters(self) -> int | None:
        raw = self.cleaned_data["expected_chapters"].strip()
        if raw == "?":
            return None
        try:
            expected = parse_digits(raw)
        except NotANumber:
            expected = 0  # refused below, in the same words as 0
        if expected < 1:
            raise ValidationError(f"Enter a number of chapters, or ? if you don't know yet. {DIGITS_ONLY}.")
        return expected

    def work_fields(self) -> WorkFields:
        data = self.cleaned_data
        return WorkFields(
            title=data["title"],
            pseuds=list(data["pseuds"]),
            rating=data["rating"],
            warnings=data["warnings"],
            categories=data["categories"],
            fandoms=split_tags(data["fandoms"]),
            relationships=split_tags(data["relationships"]),
            characters=split_tags(data["characters"]),
            freeforms=split_tags(data["freeforms"]),
            summary=data["summary"],
            notes=data["notes"],
            end_notes=data["end_notes"],
            language=data["language"],
            restricted=data["restricted"],
            anonymous=data["anonymous"],
            comment_permission=data["comment_permission"] or None,
            moderate_comments=data["moderate_comments"],
            expected_chapters=data["expected_chapters"],
            published_on=data["published_on"],
            **{name: data[name] or None for name in (*REUSE_FIELDS, "ai_disclosure")},
        )

    def sharing(self) -> tuple[list[str], list[str] | None]:
        """Names to invite, and the gift's recipients (None when the form did not carry the field: keep them)."""
        gifts = split_names(self.cleaned_data["gifts"]) if "gifts" in self.data else None
        return split_names(self.cleaned_data["cocreators"]), gifts

    def parent_reference(self) -> ParentReference | None:
        return parent_reference_from(self.cleaned_data)

    @staticmethod
    def initial_for(work: Work) -> dict[str, object]:
        return {
            "title": work.title,
            "pseuds": [p.pk for p in work.creator_pseuds],
            "rating": work.rating.name if work.rating else "",
            "warnings": [t.name for t in work.tags_by_type.get("warning", [])],
            "categories": [t.name for t in work.tags_by_type.get("category", [])],
            "fandoms": join_tags(work, "fandom"),
            "relationships": join_tags(work, "relationship"),
            "characters": join_tags(work, "character"),
            "freeforms": join_tags(work, "freeform"),
            "summary": work.summary,
            "notes": work.notes,
            "end_notes": work.end_notes,
            "language": work.language,
            "expected_chapters": "?" if work.expected_chapters is None else work.expected_chapters,
            "published_on": work.published_on,
            "restricted": work.restricted,
            "anonymous": work.anonymous,
            "comment_permission": work.comment_permission,
            "moderate_comments": work.moderate_comments,
            "gifts": recipients_text(work),
            **{name: getattr(work, name) for name in (*REUSE_FIELDS, "ai_disclosure")},
        }


def parent_reference_from(data: dict[str, Any]) -> ParentReference | None:
    """The parent a creator cited in the form's parent fields, if any."""
    if not data.get("parent_url", "").strip():
        return None
    return ParentReference(
        url=data["parent_url"],
        kind=data["parent_kind"] or RelationKind.INSPIRED,
        title=data["parent_title"],
        creator=data["parent_creator"],
        language=data["parent_language"],
    )


class ChapterForm(forms.Form):
    chapter_title = forms.CharField(max_length=255, required=False, label="Chapter title")
    chapter_summary = forms.CharField(widget=forms.Textarea, required=False, label="Chapter summary")
    chapter_notes = forms.CharField(widget=forms.Textarea, required=False, label="Chapter beginning notes")
    content = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 20}),
        label="Chapter text",
        help_text="Paste HTML or plain text; in plain text each line becomes a paragraph.",
        strip=False,
    )
    chapter_end_notes = forms.CharField(widget=forms.Textarea, required=False, label="Chapter end notes")
    chapter_published_on = forms.DateField(
        required=False, label="Chapter published date", widget=forms.DateInput(attrs={"type": "date"})
    )

    def chapter_fields(self) -> ChapterFields:
        data = self.cleaned_data
        return ChapterFields(
            content=data["content"],
            title=data["chapter_title"],
            summary=data["chapter_summary"],
            notes=data["chapter_notes"],
            end_notes=data["chapter_end_notes"],
            published_on=data["chapter_published_on"],
        )

    @staticmethod
    def initial_for(chapter: Chapter) -> dict[str, object]:
        return {
            "chapter_title": chapter.title,
            "chapter_summary": chapter.summary,
            "chapter_notes": chapter.notes,
            "content": chapter.content,
            "chapter_end_notes": chapter.end_notes,
            "chapter_published_on": chapter.published_on,
        }


class ChapterWithCocreatorsForm(ChapterForm):
    """The chapter form of an existing work, which may name the chapter's co-creators (works/sharing.py)."""

    chapter_cocreators = forms.CharField(
        max_length=2000, required=False, label="Invite co-creators of this chapter", help_text=_NAMES_HELP
    )


class ChapterOrderForm(forms.Form):
    """One position box per chapter; works without JavaScript."""

    def __init__(self, *args: Any, chapters: list[Chapter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chapters = chapters
        for chapter in chapters:
            self.fields[f"position_{chapter.pk}"] = WholeNumberField(
                min_value=1, max_value=len(chapters), initial=chapter.position, label=chapter.heading
            )

    def clean(self) -> dict[str, Any]:
        """Two chapters given one position would leave their order to chance: refuse, naming the position."""
        data = super().clean() or {}
        taken: dict[int, list[str]] = {}
        for chapter in self.chapters:
            position = data.get(f"position_{chapter.pk}")
            if position is not None:
                taken.setdefault(position, []).append(chapter.heading)
        for position, headings in sorted(taken.items()):
            if len(headings) > 1:
                named = "; ".join(headings)
                self.add_error(None, f"Position {position} is given to more than one chapter ({named}). {_OWN_PLACE}")
        return data

    def ordered_ids(self) -> list[int]:
        keyed = sorted(self.chapters, key=lambda c: (self.cleaned_data[f"position_{c.pk}"], c.position))
        return [chapter.pk for chapter in keyed]


def add_action_errors(error: ValidationError, *forms_: forms.Form) -> None:
    """Show an action's errors next to the fields they concern, keeping everything typed."""
    for field, messages in error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]:
        target = next((f for f in forms_ if field in f.fields), None)
        for message in messages:
            if target is None:
                forms_[0].add_error(None, message)
            else:
                target.add_error(field, message)
