"""Helpers the security, sanitizing, posting and reading tests share: the posting form's fields and HTML checks.

The checks read markup the way a browser would decide whether something can run: elements that execute or load
active content, event-handler attributes, and URLs whose scheme is not http, https or mailto.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, Tag

from fanshelf.accounts.models import User

# Never acceptable on any page of the archive (the site itself uses none of them, but for its own script files).
_PAGE_FORBIDDEN_NAMES = (
    "script style iframe object embed svg math base frame frameset applet noscript template xmp plaintext"
)
FORBIDDEN_ON_PAGES = frozenset(_PAGE_FORBIDDEN_NAMES.split())
# Also never acceptable inside what a creator wrote: they belong to the page, not to a story.
_PAGE_LEVEL_NAMES = "meta link form input button select option textarea title head body html isindex marquee keygen"
FORBIDDEN_IN_USER_HTML = FORBIDDEN_ON_PAGES | frozenset(_PAGE_LEVEL_NAMES.split())
_URL_ATTRIBUTE_NAMES = (
    "href src poster action formaction cite background data srcset lowsrc dynsrc ping xlink:href codebase"
)
URL_ATTRIBUTES = frozenset(_URL_ATTRIBUTE_NAMES.split())
ATTRIBUTES_THAT_ONLY_USER_HTML_LACKS = frozenset({"action", "formaction", "srcdoc", "http-equiv"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def parse(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def listed_titles(response: object) -> list[str]:
    """The titles of a listing's result blurbs, in page order (a creator page's anonymous-works box left out)."""
    results = parse(response.content.decode()).select_one("section.listing-results")  # type: ignore[attr-defined]
    assert results is not None
    return [a.get_text() for a in results.select(":scope > ol.blurbs > li.blurb h3 a[href^='/works/']")]


def first(markup: str, name: str) -> Tag:
    """The first element of that name; fails the test when there is none."""
    found = parse(markup).find(name)
    assert isinstance(found, Tag), f"no <{name}> in {markup!r}"
    return found


def field_value(markup: str, name: str) -> str:
    """What a form field on the page holds: an input's value or a textarea's text."""
    field = parse(markup).find(["input", "textarea"], attrs={"name": name})
    assert isinstance(field, Tag), f"no field named {name}"
    if field.name == "textarea":
        return field.get_text().strip()
    return str(field.get("value", ""))


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: it trims C0 controls and spaces and ignores tabs and newlines inside."""
    cleaned = value.strip(_C0_AND_SPACE)
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _attribute_text(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return " ".join(value)
    return value or ""


def _is_own_script(element: Tag) -> bool:
    """The site's own scripts: empty elements loading a file from our static folder (the CSP allows no other)."""
    source = _attribute_text(element.get("src"))
    return element.name.lower() == "script" and source.startswith("/static/") and not element.get_text().strip()


def _problems_in(elements: Iterable[Tag], forbidden: frozenset[str], user_html: bool) -> list[str]:
    problems: list[str] = []
    for element in elements:
        name = element.name.lower()
        if name in forbidden and not (not user_html and _is_own_script(element)):
            problems.append(f"<{name}> element")
        for attribute, raw in element.attrs.items():
            attribute = attribute.lower()
            value = _attribute_text(raw)
            if attribute.startswith("on"):
                problems.append(f"{attribute} handler on <{name}>")
            elif attribute == "style":
                problems.append(f"style attribute on <{name}>")
            elif attribute == "srcdoc" or (user_html and attribute in ATTRIBUTES_THAT_ONLY_USER_HTML_LACKS):
                problems.append(f"{attribute} attribute on <{name}>")
            if attribute in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    problems.append(f"{scheme}: URL in {attribute} of <{name}>")
        if user_html and name == "a" and "nofollow" not in _attribute_text(element.get("rel")).split():
            problems.append(f"<a> without rel=nofollow: {element}")
    return problems


def unsafe_parts_of_fragment(markup: str) -> list[str]:
    """Everything in a stored fragment of creator HTML that could run script or load active content."""
    return _problems_in(parse(markup).find_all(True), FORBIDDEN_IN_USER_HTML, user_html=True)


def unsafe_parts_of_page(markup: str) -> list[str]:
    """The same checks over a whole rendered page, stricter inside the blocks that show creators' HTML."""
    page = parse(markup)
    problems = _problems_in(page.find_all(True), FORBIDDEN_ON_PAGES, user_html=False)
    for block in page.select(".userstuff"):
        problems += _problems_in(block.find_all(True), FORBIDDEN_IN_USER_HTML, user_html=True)
    return problems


def text_of(markup: str) -> str:
    """The visible text of a page or fragment, whitespace collapsed."""
    return " ".join(parse(markup).get_text(" ").split())


def page_title(markup: str) -> str:
    title = parse(markup).title
    return " ".join(title.get_text().split()) if title else ""


STORY_TEXT = "The ferry left at dawn, and the lantern on its prow kept burning long after the fog had lifted."


def work_form_data(user: User, **overrides: object) -> dict[str, object]:
    """A complete, valid "Post New Work" form as a creator fills it in; overrides replace single fields."""
    data: dict[str, object] = {
        "title": "The Ferry at Dawn",
        "pseuds": [user.default_pseud().pk],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Harbour Lights (Web Series)",
        "relationships": "",
        "characters": "",
        "freeforms": "",
        "summary": "",
        "notes": "",
        "end_notes": "",
        "language": "en",
        "expected_chapters": "1",
        "published_on": "",
        **chapter_form_data(),
    }
    data.update(overrides)
    return data


def chapter_form_data(**overrides: object) -> dict[str, object]:
    """A complete, valid chapter form; overrides replace single fields."""
    data: dict[str, object] = {
        "chapter_title": "",
        "chapter_summary": "",
        "chapter_notes": "",
        "content": STORY_TEXT,
        "chapter_end_notes": "",
        "chapter_published_on": "",
        "intent": "post",
    }
    data.update(overrides)
    return data
