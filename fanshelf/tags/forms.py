"""Wrangling forms. Tags are typed by name (commas separate names: tag names cannot contain one) and resolved to
existing tags here; what the changes mean is checked by the actions."""

from __future__ import annotations

from typing import Any

from django import forms

from fanshelf.core.numbers import IdsChoiceField
from fanshelf.tags.actions import BinAction, TagEdit
from fanshelf.tags.models import Tag, TagQuerySet


def tags_named(text: str) -> list[Tag]:
    """The existing tags named in a comma-separated list, in the order typed; unknown names are an error."""
    names = list(dict.fromkeys(" ".join(name.split()) for name in text.split(",") if name.strip()))
    if not names:
        return []
    found = {name.lower(): Tag.objects.named(name).first() for name in names}
    missing = [name for name in names if found[name.lower()] is None]
    if missing:
        raise forms.ValidationError("No tag is named " + ", ".join(f"“{name}”" for name in missing) + ".")
    return [tag for tag in found.values() if tag is not None]


def tag_named(text: str) -> Tag | None:
    tags = tags_named(text)
    if len(tags) > 1:
        raise forms.ValidationError("Name just one tag.")
    return tags[0] if tags else None


def tag_checkboxes(queryset: TagQuerySet, label: str) -> IdsChoiceField:
    """Checkboxes over some of the tag's links, to remove them."""
    return IdsChoiceField(queryset=queryset, label=label, required=False, widget=forms.CheckboxSelectMultiple)


class TagEditForm(forms.Form):
    name = forms.CharField(
        max_length=150, help_text="Wranglers may change only capitals and accents; admins may rename freely."
    )
    canonical = forms.BooleanField(required=False, help_text="Canonical tags are the ones readers filter by.")
    synonym_of = forms.CharField(
        required=False, label="Synonym of", help_text="A canonical tag of the same type. Clear it to un-syn."
    )
    add_parents = forms.CharField(
        required=False, label="Add parent tags", help_text="Media, fandoms or characters, separated by commas."
    )
    add_metatags = forms.CharField(
        required=False, label="Add metatags", help_text="Broader canonical tags of the same type, separated by commas."
    )

    def __init__(self, tag: Tag, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {
            "name": tag.name,
            "canonical": tag.canonical,
            "synonym_of": tag.merger.name if tag.merger else "",
        }
        super().__init__(*args, **kwargs)
        self.tag = tag
        for name, links, label in (
            ("remove_synonyms", tag.synonyms.all(), "Remove synonyms"),
            ("remove_parents", tag.parents.all(), "Remove parent tags"),
            ("remove_metatags", tag.metatags.all(), "Remove metatags"),
        ):
            if links.exists():  # no empty fieldsets
                self.fields[name] = tag_checkboxes(links, label)

    def clean_synonym_of(self) -> Tag | None:
        return tag_named(self.cleaned_data["synonym_of"])

    def clean_add_parents(self) -> list[Tag]:
        return tags_named(self.cleaned_data["add_parents"])

    def clean_add_metatags(self) -> list[Tag]:
        return tags_named(self.cleaned_data["add_metatags"])

    def to_edit(self) -> TagEdit:
        data = self.cleaned_data
        return TagEdit(
            name=data["name"],
            canonical=data["canonical"],
            synonym_of=data["synonym_of"],
            remove_synonyms=list(data.get("remove_synonyms", [])),
            add_parents=data["add_parents"],
            remove_parents=list(data.get("remove_parents", [])),
            add_metatags=data["add_metatags"],
            remove_metatags=list(data.get("remove_metatags", [])),
        )


class BinForm(forms.Form):
    """A mass action over tags checked in a fandom's bin."""

    action = forms.ChoiceField(choices=BinAction.choices, widget=forms.RadioSelect, label="With the checked tags")
    target = forms.CharField(
        required=False,
        label="Tag",
        help_text="The canonical to make them synonyms of, or the fandom to file them under (empty: this fandom).",
    )

    def __init__(self, bin_tags: TagQuerySet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"] = IdsChoiceField(
            queryset=bin_tags, widget=forms.CheckboxSelectMultiple, error_messages={"required": "Check some tags."}
        )

    def clean_target(self) -> Tag | None:
        return tag_named(self.cleaned_data["target"])
