"""The upload form: a file plus the posting form's fields, every one optional because the file may say it."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from fanshelf.imports.actions import ImportChoices
from fanshelf.imports.parsers import SUPPORTED_SUFFIXES
from fanshelf.tags.models import RATINGS
from fanshelf.works.forms import WorkForm, split_tags
from fanshelf.works.languages import LANGUAGES

_FROM_FILE = ("title", "rating", "warnings", "fandoms", "language", "expected_chapters")


class ImportForm(WorkForm):
    file = forms.FileField(label="Story file")
    field_order = ["file", "title", "pseuds", "rating", "warnings"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in _FROM_FILE:
            self.fields[name].required = False
        limit_mb = settings.FANSHELF_MAX_UPLOAD_BYTES / (1024 * 1024)
        self.fields["file"].help_text = (
            f"A .txt, .html or .epub file, including AO3's HTML and EPUB downloads; up to {limit_mb:g} MB. "
            "Fields you leave empty are taken from the file where it says them."
        )
        self.fields["title"].help_text = "Leave empty to use the file's title (or its name)."
        rating = cast(forms.ChoiceField, self.fields["rating"])
        rating.choices = [("", "From the file, else Not Rated"), *((name, name) for name in RATINGS)]
        self.fields[
            "warnings"
        ].help_text = "None chosen: from the file, else Creator Chose Not To Use Archive Warnings."
        self.fields["fandoms"].help_text = "Separate tags with commas. Required unless the file names its fandoms."
        language = cast(forms.ChoiceField, self.fields["language"])
        language.choices = [("", "From the file, else English"), *LANGUAGES]
        language.initial = ""
        self.fields["expected_chapters"].initial = ""
        self.fields["expected_chapters"].help_text = "Leave empty to count the chapters in the file; ? if unknown."

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        limit = settings.FANSHELF_MAX_UPLOAD_BYTES
        if (upload.size or 0) > limit:
            raise ValidationError(f"The file is too big ({upload.size:,} bytes); the limit is {limit:,} bytes.")
        if PurePath(upload.name or "").suffix.lower() not in SUPPORTED_SUFFIXES:
            raise ValidationError("Choose a .txt, .html or .epub file.")
        return upload

    def clean_expected_chapters(self) -> int | None:
        if not self.cleaned_data["expected_chapters"].strip():
            return 0
        return super().clean_expected_chapters()

    def file_name(self) -> str:
        return str(self.cleaned_data["file"].name)

    def file_bytes(self) -> bytes:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        upload.seek(0)
        return bytes(upload.read())

    def import_choices(self) -> ImportChoices:
        data = self.cleaned_data
        return ImportChoices(
            title=data["title"], pseuds=list(data["pseuds"]), rating=data["rating"], warnings=data["warnings"],
            categories=data["categories"], fandoms=split_tags(data["fandoms"]),
            relationships=split_tags(data["relationships"]), characters=split_tags(data["characters"]),
            freeforms=split_tags(data["freeforms"]), summary=data["summary"], notes=data["notes"],
            end_notes=data["end_notes"], language=data["language"], restricted=data["restricted"],
            anonymous=data["anonymous"], expected_chapters=data["expected_chapters"],
            published_on=data["published_on"],
        )  # fmt: skip
