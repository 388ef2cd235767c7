"""The HTML policy (PRODUCT.md "Text"), fed through every field that keeps HTML and read back with an HTML parser.

Each payload goes in through the real posting and chapter forms, then the stored value and the rendered pages are
parsed: nothing in them may run script, load active content or carry a URL with a dangerous scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.core.sanitize import sanitize_notes, sanitize_text
from fanshelf.works.models import Chapter, Work
from tests.core.pages import (
    chapter_form_data,
    first,
    parse,
    text_of,
    unsafe_parts_of_fragment,
    unsafe_parts_of_page,
    work_form_data,
)

XSS_PAYLOADS = [
    # Script elements, obvious and disguised.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(1)",
    '"><script>alert(1)</script>',
    '<img """><script>alert(1)</script>">',
    "<div><p>never closed <b>bold <script>alert(1)",
    # Event handlers in many casings and spacings.
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="https://img.example/a.png" ONERROR="alert(1)">',
    '<img src="https://img.example/a.png" oNeRrOr=alert(1)>',
    '<img src="https://img.example/a.png" onerror  =  alert(1)>',
    "<img src=x onerror=alert(1)",
    "<body onload=alert(1)>",
    '<p onclick="alert(1)">click me</p>',
    "<div OnMouseOver=alert(1)>hover</div>",
    '<a href="https://ok.example/" onmouseover="alert(1)">fine link, bad handler</a>',
    "<details open ontoggle=alert(1)><summary>s</summary>d</details>",
    "<marquee onstart=alert(1)>scrolling</marquee>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)><option>x</option></select>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<frameset onload=alert(1)>",
    # javascript:, data: and vbscript: URLs, plain, encoded and obfuscated.
    '<a href="javascript:alert(1)">x</a>',
    "<a href=javascript:alert(1)>unquoted</a>",
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="  javascript:alert(1)">leading spaces</a>',
    '<a href="\x01javascript:alert(1)">leading control character</a>',
    '<a href="java\tscript:alert(1)">literal tab</a>',
    '<a href="java&#x09;script:alert(1)">encoded tab</a>',
    '<a href="jav&#x0A;ascript:alert(1)">encoded newline</a>',
    '<a href="&#106;avascript:alert(1)">decimal entity</a>',
    '<a href="&#0000106&#0000097vascript:alert(1)">padded entities without semicolons</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">hex entities</a>',
    '<a href="javascript&colon;alert(1)">named colon</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data URL</a>',
    '<a href="data:text/html,%3Cscript%3Ealert(1)%3C/script%3E">data URL</a>',
    '<a href="vbscript:msgbox(1)">vbscript</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>cell</td></tr></table>',
    '<blockquote cite="javascript:alert(1)">quoted</blockquote>',
    # svg and math.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><style>*{}</style><img src=x onerror=alert(1)></svg>",
    '<math href="javascript:alert(1)">math link</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # Styles.
    "<style>body { background: url(javascript:alert(1)) }</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="behavior:url(x.htc); -moz-binding:url(x.xml#x)">old browsers</div>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # Frames, plugins, page-level elements.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><input type="submit" value="go"></form>',
    '<button formaction="javascript:alert(1)">button</button>',
    # Parser-differential (mutation) tricks.
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>',
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<!-- <!-- nested --> <script>alert(1)</script> -->",
    "<!-- unterminated comment <script>alert(1)</script>",
    # Media elements with dangerous sources.
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    '<video poster="javascript:alert(1)" src="/media/clip.mp4"></video>',
    '<audio><source src="javascript:alert(1)"></audio>',
]

# Opening words sit before every payload so an unclosed element cannot swallow the whole field.
OPENING = "Opening words stay here."

HTML_FIELDS_OF_WORKS = ("summary", "notes", "end_notes")
HTML_FIELDS_OF_CHAPTERS = ("summary", "notes", "end_notes", "content")
CHAPTER_FORM_FIELDS = ("chapter_summary", "chapter_notes", "chapter_end_notes", "content")


def payload_in_every_field(payload: str) -> dict[str, str]:
    value = f"{OPENING} {payload}"
    return dict.fromkeys((*HTML_FIELDS_OF_WORKS, *CHAPTER_FORM_FIELDS), value)


def stored_html(work: Work) -> dict[str, str]:
    """Every stored field that keeps HTML, named for the failure message."""
    fields = {f"work.{name}": str(getattr(work, name)) for name in HTML_FIELDS_OF_WORKS}
    for chapter in work.chapters.all():
        for name in HTML_FIELDS_OF_CHAPTERS:
            fields[f"chapter {chapter.position}.{name}"] = str(getattr(chapter, name))
    return fields


def test_there_are_enough_payloads_to_mean_something() -> None:
    assert len(XSS_PAYLOADS) >= 40
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitizers_leave_nothing_that_can_run(payload: str) -> None:
    for sanitize in (sanitize_text, sanitize_notes):
        cleaned = sanitize(f"{OPENING} {payload}")
        assert unsafe_parts_of_fragment(cleaned) == [], cleaned
        assert OPENING in text_of(cleaned)
        # Editing cleans the stored value again: still harmless, and the creator's words are unchanged.
        cleaned_again = sanitize(cleaned)
        assert unsafe_parts_of_fragment(cleaned_again) == [], cleaned_again
        assert text_of(cleaned_again) == text_of(cleaned)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_posted_in_every_html_field_are_stored_and_shown_harmless(
    payload: str, author: User, author_client: Client, client: Client
) -> None:
    response = author_client.post(reverse("works:new"), work_form_data(author, **payload_in_every_field(payload)))
    assert response.status_code == 302, text_of(response.content.decode())[:2000]
    work = Work.objects.get()

    for field, value in stored_html(work).items():
        assert unsafe_parts_of_fragment(value) == [], f"{field} stored {value!r}"
        assert OPENING in text_of(value), f"{field} lost the creator's own words: {value!r}"

    page = client.get(work.get_absolute_url()).content.decode()
    assert unsafe_parts_of_page(page) == []
    # Summary, notes, end notes, chapter summary, chapter notes, chapter text, chapter end notes.
    assert text_of(page).count(OPENING) == 7


# A sample of the list above for the other forms and pages, which share the same cleaning but not the same views.
SAMPLE_PAYLOADS = [
    "<script>alert(1)",
    "<img src=x onerror=alert(1)>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<svg><script>alert(1)</script></svg>",
    '<p style="color:red" onclick="alert(1)">x</p>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
]


@pytest.mark.parametrize("payload", SAMPLE_PAYLOADS)
def test_payloads_in_an_added_chapter_are_stored_and_shown_harmless(
    payload: str, author: User, author_client: Client, client: Client
) -> None:
    author_client.post(reverse("works:new"), work_form_data(author))
    work = Work.objects.get()
    response = author_client.post(
        reverse("works:chapter_new", args=[work.pk]), chapter_form_data(**payload_in_every_field(payload))
    )
    assert response.status_code == 302
    added = work.chapters.get(position=2)
    assert added.posted
    for name in HTML_FIELDS_OF_CHAPTERS:
        value = getattr(added, name)
        assert unsafe_parts_of_fragment(value) == [], f"chapter 2.{name} stored {value!r}"
        assert OPENING in text_of(value)
    page = client.get(reverse("works:chapter", args=[work.pk, added.pk])).content.decode()
    assert unsafe_parts_of_page(page) == []
    assert text_of(page).count(OPENING) == 4


def test_payload_summaries_are_harmless_in_listings(author: User, author_client: Client, client: Client) -> None:
    for number, payload in enumerate(SAMPLE_PAYLOADS):
        author_client.post(
            reverse("works:new"), work_form_data(author, title=f"Work {number}", summary=f"{OPENING} {payload}")
        )
    assert Work.objects.count() == len(SAMPLE_PAYLOADS)
    for url in (reverse("home"), reverse("discovery:works"), "/tags/Harbour Lights (Web Series)/works/"):
        page = client.get(url).content.decode()
        assert unsafe_parts_of_page(page) == []
        assert text_of(page).count(OPENING) == len(SAMPLE_PAYLOADS)


@pytest.mark.parametrize("payload", SAMPLE_PAYLOADS)
def test_editing_a_work_and_a_chapter_sanitizes_the_new_text_too(
    payload: str, author: User, author_client: Client, client: Client
) -> None:
    author_client.post(reverse("works:new"), work_form_data(author))
    work = Work.objects.get()
    chapter = work.chapters.get()
    fields = payload_in_every_field(payload)

    edit_work = author_client.post(
        reverse("works:edit", args=[work.pk]),
        work_form_data(author, intent="save", **{name: fields[name] for name in HTML_FIELDS_OF_WORKS}),
    )
    assert edit_work.status_code == 302
    edit_chapter = author_client.post(
        reverse("works:chapter_edit", args=[work.pk, chapter.pk]),
        chapter_form_data(**{name: fields[name] for name in CHAPTER_FORM_FIELDS}),
    )
    assert edit_chapter.status_code == 302

    work.refresh_from_db()
    for field, value in stored_html(work).items():
        assert unsafe_parts_of_fragment(value) == [], f"{field} stored {value!r}"
        assert OPENING in value
    assert unsafe_parts_of_page(client.get(work.get_absolute_url()).content.decode()) == []


def test_a_title_full_of_markup_is_shown_as_text(author: User, author_client: Client, client: Client) -> None:
    title = '<script>alert("title")</script><img src=x onerror=alert(1)>'
    author_client.post(reverse("works:new"), work_form_data(author, title=title))
    work = Work.objects.get()
    for url in (work.get_absolute_url(), reverse("home"), reverse("discovery:works")):
        page = client.get(url).content.decode()
        assert unsafe_parts_of_page(page) == []
        assert title in text_of(page)


# --- What the policy keeps -------------------------------------------------------------------------------------

EVERY_ALLOWED_ELEMENT = """
<h1>h1</h1><h2>h2</h2><h3>h3</h3><h4>h4</h4><h5>h5</h5><h6>h6</h6>
<p align="center" dir="ltr" lang="en" title="A title">A <a href="https://example.org/">link</a>,
<abbr title="abbreviation">abbr</abbr> <acronym>acr</acronym> <b>b</b> <big>big</big> <cite>cite</cite>
<code>code</code> <del>del</del> <dfn>dfn</dfn> <em>em</em> <i>i</i> <ins>ins</ins> <kbd>kbd</kbd> <q>q</q>
<s>s</s> <samp>samp</samp> <small>small</small> <span>span</span> <strike>strike</strike> <strong>strong</strong>
<sub>sub</sub> <sup>sup</sup> <tt>tt</tt> <u>u</u> <var>var</var><br>
<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby> <img src="https://img.example/cover.png" alt="cover"></p>
<address>address</address><blockquote>blockquote</blockquote><center>center</center>
<details><summary>summary</summary>details</details><div>div</div>
<dl><dt>dt</dt><dd>dd</dd></dl><figure><figcaption>figcaption</figcaption></figure><hr>
<ol><li>ol li</li></ol><ul><li>ul li</li></ul><pre>pre</pre>
<table><caption>caption</caption><colgroup><col></colgroup><thead><tr><th>th</th></tr></thead>
<tbody><tr><td>td</td></tr></tbody><tfoot><tr><td>tfoot</td></tr></tfoot></table>
"""
_ALLOWED_NAMES = (
    "a abbr acronym address b big blockquote br caption center cite code col colgroup details dd del dfn div dl dt "
    "em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li ol p pre q rp rt ruby s samp small span strike "
    "strong sub summary sup table tbody td tfoot th thead tr tt u ul var"
)
ALLOWED_ELEMENTS = set(_ALLOWED_NAMES.split())


@pytest.mark.parametrize("sanitize", [sanitize_text, sanitize_notes], ids=["chapter-text", "notes"])
def test_every_allowed_element_survives(sanitize: Callable[[str], str]) -> None:
    kept = {element.name for element in parse(sanitize(EVERY_ALLOWED_ELEMENT)).find_all(True)}
    assert kept == ALLOWED_ELEMENTS


@pytest.mark.parametrize(
    ("markup", "element", "attributes"),
    [
        ('<p align="right" dir="rtl" lang="he" title="t">x</p>', "p", {"align", "dir", "lang", "title"}),
        ('<a href="https://example.org/" title="t">x</a>', "a", {"href", "rel", "title"}),
        (
            '<img src="https://img.example/a.png" alt="a" width="10" height="20">',
            "img",
            {"src", "alt", "width", "height"},
        ),
        ('<ol start="3"><li>x</li></ol>', "ol", {"start"}),
        ('<table><tr><td colspan="2" rowspan="3">x</td></tr></table>', "td", {"colspan", "rowspan"}),
    ],
)
def test_the_usual_attributes_of_allowed_elements_are_kept(markup: str, element: str, attributes: set[str]) -> None:
    found = first(sanitize_text(markup), element)
    assert attributes <= set(found.attrs)


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://example.org/story", True),
        ("http://example.org/story", True),
        ("mailto:author@example.org", True),
        ("/works/1/", True),
        ("chapter-2.html", True),
        ("#chapter-2", True),
        ("ftp://example.org/file", False),
        ("javascript:alert(1)", False),
        ("data:text/plain,hi", False),
    ],
)
def test_links_keep_only_safe_addresses_and_always_get_nofollow(href: str, kept: bool) -> None:
    link = first(sanitize_notes(f'<a href="{href}" rel="opener" target="_blank">go</a>'), "a")
    assert link.get("rel") == ["nofollow"]
    assert link.get("target") is None
    assert (link.get("href") == href) is kept


@pytest.mark.parametrize(
    ("src", "kept"),
    [("https://img.example/a.png", True), ("http://img.example/a.png", True), ("/media/a.png", False)],
)
def test_images_load_only_from_http_addresses(src: str, kept: bool) -> None:
    image = first(sanitize_text(f'<img src="{src}" alt="a">'), "img")
    assert (image.get("src") == src) is kept


def test_only_simple_class_names_are_kept() -> None:
    paragraph = first(sanitize_text('<p class="note big-print x_1 a:hover 9lives {}">x</p>'), "p")
    assert paragraph.get("class") == ["note", "big-print", "x_1"]


TYPOGRAPHY = (
    "“Curly double” and ‘curly single’ quotes, it’s — em dash, – en dash, … ellipsis, « guillemets », „low“, "
    "non\u00a0breaking and narrow\u202fno-break spaces, soft\u00adhyphen, 日本語とカタカナ, 中文, ภาษาไทย, 한국어, "
    "עברית מימין לשמאל, العربية من اليمين, हिन्दी, emoji 👩\u200d🔬 and ½ ™ © †"
)


def test_typographic_characters_survive_byte_for_byte_in_plain_text_and_html() -> None:
    assert TYPOGRAPHY in sanitize_text(TYPOGRAPHY)
    assert TYPOGRAPHY in sanitize_notes(f"<p>{TYPOGRAPHY}</p>")
    assert sanitize_text(f'<p dir="rtl" lang="he">{TYPOGRAPHY}</p>') == f'<p dir="rtl" lang="he">{TYPOGRAPHY}</p>'


def test_typographic_characters_survive_the_posting_form_and_the_page(
    author: User, author_client: Client, client: Client
) -> None:
    author_client.post(
        reverse("works:new"),
        work_form_data(author, summary=TYPOGRAPHY, content=TYPOGRAPHY, notes=f"<p>{TYPOGRAPHY}</p>"),
    )
    work = Work.objects.get()
    chapter = work.chapters.get()
    assert TYPOGRAPHY in work.summary
    assert TYPOGRAPHY in work.notes
    assert TYPOGRAPHY in chapter.content
    page = client.get(work.get_absolute_url()).content.decode()
    assert page.count(TYPOGRAPHY) == 3


def test_characters_that_look_like_markup_in_plain_text_are_shown_as_typed() -> None:
    typed = "Tom & Jerry <3 each other; 5 > 4 & x<y"
    assert text_of(sanitize_text(typed)) == typed


# --- Plain text becomes paragraphs ---------------------------------------------------------------------------


def paragraphs(markup: str) -> list[str]:
    return [" ".join(p.get_text().split()) for p in parse(markup).find_all("p")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("One.\n\nTwo.", ["One.", "Two."], id="blank-line"),
        pytest.param("One.\nTwo.\nThree.", ["One.", "Two.", "Three."], id="single-line-breaks"),
        pytest.param("One.\r\n\r\nTwo.\r\nThree.", ["One.", "Two.", "Three."], id="windows-line-breaks"),
        pytest.param("One.\n\n\n\n   \nTwo.", ["One.", "Two."], id="no-empty-paragraphs"),
        pytest.param(
            "A whole story on one single line, never broken.",
            ["A whole story on one single line, never broken."],
            id="no-line-breaks",
        ),
        pytest.param(
            "With <em>inline</em> markup.\n\nSecond line.", ["With inline markup.", "Second line."], id="inline-html"
        ),
    ],
)
def test_plain_text_line_breaks_end_paragraphs(typed: str, expected: list[str]) -> None:
    assert paragraphs(sanitize_text(typed)) == expected
    assert paragraphs(sanitize_notes(typed)) == expected


def test_html_with_its_own_paragraphs_keeps_them_as_written() -> None:
    cleaned = sanitize_text("<p>One line\nwrapped by the editor.</p>\n<p>Second.</p>")
    assert paragraphs(cleaned) == ["One line wrapped by the editor.", "Second."]


def test_plain_text_posted_through_the_form_becomes_paragraphs(author: User, author_client: Client) -> None:
    typed = "The first paragraph.\n\nThe second paragraph.\nThe third paragraph."
    author_client.post(reverse("works:new"), work_form_data(author, content=typed))
    chapter = Chapter.objects.get()
    assert paragraphs(chapter.content) == ["The first paragraph.", "The second paragraph.", "The third paragraph."]


# --- Audio and video --------------------------------------------------------------------------------------------


@pytest.fixture
def media_host(settings: Any) -> str:
    settings.FANSHELF_MEDIA_HOSTS = ["media.example.org"]
    return "media.example.org"


@pytest.mark.parametrize("element", ["audio", "video"])
@pytest.mark.parametrize(
    ("src", "kept"),
    [
        pytest.param("/media/podfic/chapter-1.mp3", True, id="this-site"),
        pytest.param("https://media.example.org/chapter-1.mp3", True, id="allowlisted-host"),
        pytest.param("http://media.example.org/chapter-1.mp3", False, id="allowlisted-host-without-https"),
        pytest.param("https://evil.example/chapter-1.mp3", False, id="other-host"),
        pytest.param("//evil.example/chapter-1.mp3", False, id="protocol-relative-other-host"),
        pytest.param("/\\evil.example/chapter-1.mp3", False, id="backslash-read-as-slash"),
        pytest.param("https://evil.example\\@media.example.org/x.mp3", False, id="backslash-before-userinfo"),
        pytest.param("https://media.example.org.evil.example/x.mp3", False, id="lookalike-host"),
        pytest.param("javascript:alert(1)", False, id="javascript"),
        pytest.param("data:audio/mp3;base64,AAAA", False, id="data"),
        pytest.param("chapter-1.mp3", False, id="relative-path"),
    ],
)
def test_chapter_text_plays_media_only_from_this_site_or_an_allowlisted_host(
    media_host: str, element: str, src: str, kept: bool
) -> None:
    cleaned = sanitize_text(f'<{element} src="{src}" controls><source src="{src}"></{element}>')
    player = first(cleaned, element)
    source = first(cleaned, "source")
    assert (player.get("src") == src) is kept
    assert (source.get("src") == src) is kept
    assert unsafe_parts_of_fragment(cleaned) == []


def test_an_allowlisted_host_may_be_configured_as_an_origin(settings: Any) -> None:
    settings.FANSHELF_MEDIA_HOSTS = ["https://media.example.org"]
    player = first(sanitize_text('<audio src="https://media.example.org/a.mp3"></audio>'), "audio")
    assert player.get("src") == "https://media.example.org/a.mp3"


def test_audio_and_video_are_removed_from_summaries_and_notes(media_host: str) -> None:
    markup = '<p>Listen:</p><audio src="/media/a.mp3" controls></audio><video src="/media/b.mp4"></video>'
    cleaned = sanitize_notes(markup)
    assert parse(cleaned).find_all(["audio", "video", "source", "track"]) == []
    assert text_of(cleaned) == "Listen:"


def test_audio_posted_in_chapter_text_plays_but_not_in_the_work_notes(
    media_host: str, author: User, author_client: Client, client: Client
) -> None:
    player = '<p>Listen below.</p><audio src="/media/podfic/one.mp3" controls></audio>'
    author_client.post(reverse("works:new"), work_form_data(author, content=player, notes=player, summary=player))
    work = Work.objects.get()
    page = parse(client.get(work.get_absolute_url()).content.decode())
    players = page.find_all("audio")
    assert len(players) == 1
    assert players[0].find_parent(class_="chapter-text") is not None
