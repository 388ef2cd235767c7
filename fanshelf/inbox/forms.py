from __future__ import annotations

from django import forms

from fanshelf.core.numbers import WholeNumberField

FILTERS = (("all", "All"), ("unread", "Unread"), ("read", "Read"), ("replied", "Replied"))
BULK_ACTIONS = (("read", "Mark read"), ("unread", "Mark unread"), ("delete", "Delete"))
MAX_TICKED = 100


class BulkForm(forms.Form):
    """The inbox's bulk action on the ticked entries (ids the action then limits to the person's own)."""

    action = forms.ChoiceField(choices=BULK_ACTIONS, error_messages={"invalid_choice": "Choose what to do."})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.entry_ids: list[int] = []

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        field = WholeNumberField()
        raw = self.data.getlist("entries") if hasattr(self.data, "getlist") else []
        if not raw:
            raise forms.ValidationError("Tick at least one entry.")
        if len(raw) > MAX_TICKED:
            raise forms.ValidationError(f"Tick at most {MAX_TICKED} entries at a time.")
        self.entry_ids = [value for value in (field.clean(item) for item in raw) if value is not None]
        return cleaned
