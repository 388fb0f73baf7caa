"""extract_html on real saved pages (from the article-extraction benchmark) and on
hand-written pages that pin one behaviour each."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdex.errors import NotAnArticle
from newsdex.evaluate import body_f1
from newsdex.extract.html import extract_html

PAGES = Path(__file__).parent / "data" / "html"
FIELDS = ("headline", "date", "source", "authors", "url", "language")
BODY_F1_FLOOR = {"f105de6e": 0.82}
"""Per-page floors where we measure below the default (0.97 minus margin)."""
DEFAULT_FLOOR = 0.97

PARAGRAPHS = " ".join(
    f"<p>Paragraph {i} of the report says the council met on Tuesday and voted to repair "
    f"the old bridge over the river before winter, after a long debate.</p>"
    for i in range(6)
)


def page_names() -> list[str]:
    """Stems of the saved test pages."""
    return sorted(p.stem for p in PAGES.glob("*.html"))


@pytest.mark.parametrize("stem", page_names(), ids=lambda s: s[:8])
def test_real_page_fields_and_body(stem: str) -> None:
    expected = json.loads((PAGES / f"{stem}.json").read_text(encoding="utf-8"))
    result = extract_html((PAGES / f"{stem}.html").read_text(encoding="utf-8"), name=stem)
    got = {name: getattr(result.fields, name) for name in FIELDS}
    got["authors"] = list(got["authors"])
    assert got == {name: expected[name] for name in FIELDS}
    assert body_f1(result.body, expected["body"]) >= BODY_F1_FLOOR.get(stem[:8], DEFAULT_FLOOR)
    assert "\n\n" in result.body


def article_page(head: str, byline: str = "") -> str:
    """A small article page with `head` in <head> and enough body text."""
    return (
        f"<html lang='en'><head>{head}</head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Bridge vote</h1>{byline}{PARAGRAPHS}</article>"
        "<footer>Contact us</footer></body></html>"
    )


def test_jsonld_inside_graph() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "#site", "name": "Ignored Site"},
            {"@type": "Organization", "@id": "#org", "name": "River Gazette"},
            {"@type": "Person", "@id": "#ann", "name": "Ann Lee"},
            {
                "@type": ["NewsArticle"],
                "headline": "Council votes to repair bridge",
                "datePublished": "2022-04-11T20:24:00+05:30",
                "author": {"@id": "#ann"},
                "publisher": {"@id": "#org"},
                "mainEntityOfPage": {"@id": "https://example.org/bridge"},
            },
        ],
    }
    head = f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
    fields = extract_html(article_page(head)).fields
    assert fields.headline == "Council votes to repair bridge"
    assert fields.date == "2022-04-11T20:24:00+05:30"
    assert fields.authors == ("Ann Lee",)
    assert fields.source == "River Gazette"
    assert fields.url == "https://example.org/bridge"
    assert fields.language == "en"


def test_broken_jsonld_is_tolerated() -> None:
    head = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", '
        '"datePublished": "2021-03-02", "headline": "Trailing comma",}</script>'
    )
    fields = extract_html(article_page(head)).fields
    assert fields.date == "2021-03-02"
    assert fields.headline == "Trailing comma"


def test_modified_date_is_not_published_date() -> None:
    head = (
        "<meta property='article:modified_time' content='2023-01-05T10:00:00+00:00'>"
        "<meta property='article:published_time' content='2022-12-24T08:30:00+01:00'>"
    )
    assert extract_html(article_page(head)).fields.date == "2022-12-24T08:30:00+01:00"


def test_only_modified_time_element_gives_no_date_from_it() -> None:
    byline = (
        "<time class='updated' datetime='2023-01-05'>Jan 5</time>"
        "<time class='published' datetime='2022-12-24'>Dec 24</time>"
    )
    assert extract_html(article_page("", byline)).fields.date == "2022-12-24"


def test_date_in_related_list_is_not_the_article_date() -> None:
    byline = (
        "<aside class='related'><ul><li><a href='/x'>Other story</a>"
        "<time datetime='2019-02-02'>Feb 2</time></li></ul></aside>"
    )
    fields = extract_html(article_page("", byline)).fields
    assert fields.date != "2019-02-02"


def test_organisation_is_not_an_author() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "Bridge",
        "author": [
            {"@type": "Organization", "name": "Reuters"},
            {"@type": "Person", "name": "By Bo Chan"},
        ],
    }
    head = f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
    assert extract_html(article_page(head)).fields.authors == ("Bo Chan",)


def test_meta_author_staff_is_dropped() -> None:
    head = "<meta name='author' content='News Staff'><meta property='og:site_name' content='X'>"
    assert extract_html(article_page(head)).fields.authors == ()


def test_non_article_page_raises() -> None:
    links = "".join(f"<li><a href='/s{i}'>Story {i}</a></li>" for i in range(40))
    page = f"<html><head><title>Index</title></head><body><nav><ul>{links}</ul></nav></body></html>"
    with pytest.raises(NotAnArticle):
        extract_html(page, name="index.html")


@pytest.mark.parametrize(
    "garbage",
    ["", "   ", "\x00\x01\x02", "<<<>>>", "<html></html>", "{}", "<p>" * 5000, "a" * 10_000],
    ids=["empty", "blank", "nul", "brackets", "empty-html", "json", "deep", "letters"],
)
def test_garbage_raises_not_an_article(garbage: str) -> None:
    with pytest.raises(NotAnArticle):
        extract_html(garbage, name="junk")


def test_deeply_nested_article_does_not_crash() -> None:
    page = "<html><body>" + "<div>" * 3000 + PARAGRAPHS + "</div>" * 3000 + "</body></html>"
    try:
        result = extract_html(page)
    except NotAnArticle:
        return
    assert "bridge" in result.body


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_arbitrary_text_raises_nothing_but_not_an_article(text: str) -> None:
    with contextlib.suppress(NotAnArticle):
        extract_html(text, name="fuzz")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<script>", "x y z ", "<a>"])))
def test_arbitrary_tag_soup_raises_nothing_but_not_an_article(parts: list[str]) -> None:
    with contextlib.suppress(NotAnArticle):
        extract_html("".join(parts), name="soup")


def test_visible_h1_wins_over_reworded_og_title() -> None:
    head = (
        "<title>Council votes to repair old bridge | River Gazette</title>"
        "<meta property='og:title' content='Council votes to repair old bridge - River Gazette "
        "(PHOTOS)'><meta property='og:site_name' content='River Gazette'>"
    )
    page = article_page(head).replace(
        "<h1>Bridge vote</h1>", "<h1>Council votes to repair old bridge</h1>"
    )
    assert extract_html(page).fields.headline == "Council votes to repair old bridge"


def test_site_logo_h1_does_not_replace_the_headline() -> None:
    head = "<meta property='og:title' content='Council votes to repair old bridge'>"
    page = article_page(head).replace("<h1>Bridge vote</h1>", "<h1>River Gazette</h1>")
    assert extract_html(page).fields.headline == "Council votes to repair old bridge"


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("Tom Krisher, AP Auto Writer", ("Tom Krisher",)),
        ("Jeff FoustMonday, November 18, 2019", ("Jeff Foust",)),
        ("By Ann Lee, Senior Political Correspondent and Bo Chan", ("Ann Lee", "Bo Chan")),
    ],
)
def test_author_job_titles_and_glued_dates_are_stripped(meta: str, expected: tuple[str]) -> None:
    head = f"<meta name='author' content='{meta}'>"
    assert extract_html(article_page(head)).fields.authors == expected


def test_source_from_title_suffix_rather_than_domain() -> None:
    head = (
        "<title>Council votes to repair bridge - River Gazette</title>"
        "<link rel='canonical' href='https://www.rivergazette.example/bridge'>"
    )
    assert extract_html(article_page(head)).fields.source == "River Gazette"


def test_source_from_jsonld_website_over_lowercase_site_handle() -> None:
    ld = {"@type": "WebSite", "name": "River Gazette", "url": "https://rg.example/"}
    head = (
        "<meta property='og:site_name' content='rivergazette'>"
        f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
    )
    assert extract_html(article_page(head)).fields.source == "River Gazette"


def test_source_falls_back_to_domain_when_page_names_no_publisher() -> None:
    head = "<link rel='canonical' href='https://www.rivergazette.example/bridge'>"
    assert extract_html(article_page(head)).fields.source == "rivergazette.example"


def test_shipped_block_model_is_loaded_and_filters_furniture() -> None:
    from newsdex.clean.html import DEFAULT_BLOCK_MODEL, BodyOptions

    assert DEFAULT_BLOCK_MODEL is not None
    promo = (
        "<p><a href='/n'>Sign up for our newsletter</a></p>"
        "<p><a href='/a'>Related: Council approves budget</a></p>"
    )
    page = article_page("").replace("</article>", promo + "</article>")
    body = extract_html(page).body
    assert "newsletter" not in body and "Related" not in body
    assert "Paragraph 5 of the report" in body
    rules = extract_html(page, options=BodyOptions(use_model=False)).body
    assert "Paragraph 5 of the report" in rules


def test_schedule_without_sentences_is_an_article() -> None:
    rows = "".join(
        f"<p>Round {i}: {d} March at the Interlagos circuit in Sao Paulo state</p>"
        for i, d in enumerate(range(3, 30, 3), start=1)
    )
    page = f"<html><body><article><h1>Race calendar</h1>{rows}</article></body></html>"
    assert "Round 9" in extract_html(page).body
