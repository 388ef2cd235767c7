"""Languages a work can be written in (a short list; the code is what is stored)."""

from __future__ import annotations

LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية"),
    ("zh", "中文"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("id", "Bahasa Indonesia"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("nl", "Nederlands"),
    ("no", "Norsk"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("sv", "Svenska"),
    ("th", "ไทย"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("vi", "Tiếng Việt"),
]
LANGUAGE_NAMES = dict(LANGUAGES)

# Languages written right to left, including ones not offered above (an imported work may carry any code): their
# text containers get dir="rtl", so alignment and punctuation follow the script.
RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku-arab", "ps", "sd", "syr", "ug", "ur", "yi"})


def direction(language: str) -> str:
    """The text direction, "rtl" or "ltr", of a language code such as "he" or "fa-IR"."""
    code = language.lower()
    return "rtl" if code in RIGHT_TO_LEFT or code.split("-")[0] in RIGHT_TO_LEFT else "ltr"
