"""The line cleaner for copied page text: one decision per line, with the right kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdex.clean.text import body_text, clean_lines, trim_link_tail
from newsdex.models import LineDecision

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DATA = Path(__file__).resolve().parent / "data"
REUTERS = (SEEDS / "000_323cd50c165473e5.txt").read_text(encoding="utf-8")
HT = (SEEDS / "001_b5843ce61b1f26ce.txt").read_text(encoding="utf-8")
KINDS = {
    "body", "headline", "byline", "dateline", "summary", "credit", "navigation", "promo",
    "share", "related", "caption", "footer", "comments", "blank", "other",
}  # fmt: skip


def _kind_of(decisions: tuple[LineDecision, ...], text: str) -> str:
    return next(d.kind for d in decisions if d.text == text)


@pytest.mark.parametrize("text", [REUTERS, HT])
def test_one_decision_per_line_numbered_from_one(text: str) -> None:
    decisions = clean_lines(text)
    assert [d.number for d in decisions] == list(range(1, len(text.splitlines()) + 1))
    assert {d.kind for d in decisions} <= KINDS
    assert all(d.keep == (d.kind == "body") for d in decisions)
    assert all(d.reason for d in decisions)


def test_reuters_seed_kinds() -> None:
    decisions = clean_lines(REUTERS)
    assert (
        _kind_of(decisions, "Russia will not pause military operation in Ukraine for peace talks")
        == "headline"
    )
    assert _kind_of(decisions, "By Reuters") == "byline"
    assert _kind_of(decisions, "4 days ago") == "dateline"
    assert _kind_of(decisions, "Reporting by Reuters; Editing by Guy Faulconbridge") == "credit"
    assert _kind_of(decisions, "Our Standards: The Thomson Reuters Trust Principles.") == "footer"
    assert _kind_of(decisions, "Comments / 4") == "comments"
    assert _kind_of(decisions, "Neanderthal Chief") == "comments"
    assert _kind_of(decisions, "Reply") == "comments"
    comment = next(d for d in decisions if d.text.startswith("The only reason Russia"))
    assert comment.kind == "comments" and not comment.keep
    assert sum(d.keep for d in decisions) == 9


def test_hindustan_times_seed_kinds() -> None:
    decisions = clean_lines(HT)
    assert (
        _kind_of(decisions, "Written by Sharangee Dutta | Edited by Aryan Prakash, New Delhi")
        == "byline"
    )
    assert _kind_of(decisions, "Apr 11, 2022 08:24 PM IST") == "dateline"
    assert _kind_of(decisions, "Russian foreign minister Sergey Lavrov.(HT_PRINT)") == "caption"
    also_read = next(d for d in decisions if d.text.startswith("Also Read | Zelenskyy"))
    assert also_read.kind == "related"
    assert _kind_of(decisions, "Russia-Ukraine war live updates here") == "promo"
    assert _kind_of(decisions, "(With inputs from Reuters)") == "credit"
    assert _kind_of(decisions, "SHARE THIS ARTICLE ON") == "share"
    assert _kind_of(decisions, "Story Saved") == "share"
    assert _kind_of(decisions, "OPEN APP") == "promo"
    summary = [d for d in decisions if d.kind == "summary"]
    assert len(summary) == 1 and summary[0].text.startswith(
        "Russian foreign minister Sergey Lavrov said"
    )
    assert sum(d.keep for d in decisions) == 9


def test_read_more_tail_trimmed_from_body() -> None:
    body = body_text(clean_lines(REUTERS))
    assert "read more" not in body
    assert "war crime accusations against Russian troops.\n\n" in body
    assert trim_link_tail("He left. Read more »") == "He left."
    assert trim_link_tail("They wanted more") == "They wanted more"


def test_comments_button_among_share_buttons_does_not_cut_the_article() -> None:
    prose = [
        f"The council approved plan number {i} on Tuesday after a long debate, officials said "
        f"in a statement that ran to {i + 3} pages and named every member who voted."
        for i in range(6)
    ]
    lines = ["Home", "By Ann Lee", *prose[:3], "Facebook", "Comments", "Print", *prose[3:]]
    decisions = clean_lines("\n".join(lines))
    kept = {d.text for d in decisions if d.keep}
    assert set(prose[3:]) <= kept  # the article goes on after the share row
    assert _kind_of(decisions, "Comments") == "comments"  # the button itself is not body


def test_subheading_between_paragraphs_is_body() -> None:
    prose = [
        f"The company reported higher sales in region {i}, the chief executive said."
        for i in range(4)
    ]
    text = "\n\n".join([*prose[:2], "Outlook for next year", *prose[2:]])
    decisions = clean_lines(text)
    assert _kind_of(decisions, "Outlook for next year") == "body"


def test_menu_only_keeps_nothing() -> None:
    decisions = clean_lines("Home\nWorld\nSports\nSubscribe\nSign in\n")
    assert not any(d.keep for d in decisions)
    assert _kind_of(decisions, "Subscribe") == "promo"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_clean_lines_total_on_arbitrary_text(text: str) -> None:
    decisions = clean_lines(text)
    assert len(decisions) == len(text.splitlines())
    assert all(d.kind in KINDS for d in decisions)


def _article_page(menu_above: int) -> str:
    """A page with `menu_above` long menu-like lines, then a headline and an article."""
    menu = [f"Section {n} of the site with several words in every link here" for n in range(40)]
    paragraph = (
        "The city council approved the new budget on Tuesday after a long debate, and "
        "the mayor said the plan would fund schools, roads and parks for the next year."
    )
    lines = [*menu[:menu_above], "Council Approves Budget", "By Jane Doe", *[paragraph] * 6]
    return "\n".join(lines)


def test_line_features_match_feature_names() -> None:
    from newsdex.clean.text import FEATURE_NAMES, line_features, rule_pass

    index, rows = line_features(rule_pass(_article_page(10)))
    assert index
    assert all(len(row) == len(FEATURE_NAMES) for row in rows)


def test_lines_far_above_the_article_are_not_candidates() -> None:
    from newsdex.clean.text import _CANDIDATE_REACH, candidates, rule_pass

    found = rule_pass(_article_page(40))
    chosen = candidates(found)
    assert chosen
    assert min(chosen) >= found.start - _CANDIDATE_REACH
    assert all(found.lines[i].text.startswith("Section") for i in chosen if i < found.start)


def _region_keep(probs_at: dict[int, float], size: int, words: int = 30) -> list[bool]:
    """`choose_region` on a page of `size` lines of `words` words, probabilities by line."""
    from newsdex.clean.text import choose_region, describe_all

    lines = describe_all([" ".join(["word"] * words)] * size)
    index = sorted(probs_at)
    return choose_region(lines, index, [probs_at[i] for i in index], 0.5)


def test_weak_far_region_is_dropped() -> None:
    article = {i: 0.9 for i in range(40, 60)}
    keep = _region_keep({0: 0.8, 1: 0.8, **article}, 80)
    assert keep[:2] == [False, False]
    assert all(keep[2:])


def test_near_or_strong_regions_are_kept() -> None:
    near = {i: 0.9 for i in range(10, 30)} | {35: 0.7}
    assert all(_region_keep(near, 80))
    strong = {i: 0.9 for i in range(10, 30)} | {i: 0.9 for i in range(60, 70)}
    assert all(_region_keep(strong, 80))


def test_unbelieved_lines_stay_dropped() -> None:
    assert _region_keep({3: 0.2, 4: 0.9}, 10) == [False, True]


def _story(paragraphs: int, topic: str = "budget") -> list[str]:
    """Distinct article paragraphs about one topic."""
    return [
        f"The council debated the {topic} for the {n + 1}th time on Tuesday, and members said "
        f"the plan would change how the city pays for schools, roads and parks next year."
        for n in range(paragraphs)
    ]


def test_list_announced_by_a_colon_is_kept() -> None:
    items = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach", "June 10 -- Arena, Tampa"]
    story = _story(4)
    lines = ["Home", "News", "", "Council Tour Announced", "", *story[:3]]
    lines += ["The tour dates are as follows:", *items, "", story[3], "", "Facebook", "Twitter"]
    decisions = clean_lines("\n".join(lines))
    assert all(_kind_of(decisions, item) == "body" for item in items)
    assert _kind_of(decisions, "Facebook") == "share"


def test_table_next_to_the_article_is_kept() -> None:
    rows = ["Pos.\tDriver\tPoints", "1\tKyle Busch\t5040", "2\tMartin Truex Jr.\t5035"]
    lines = ["Home", "Standings", "", *_story(3), "", "Final standings after 36 races:", ""]
    lines += [*rows, "", "Subscribe to our newsletter", "Copyright 2019 Example Media"]
    decisions = clean_lines("\n".join(lines))
    assert all(_kind_of(decisions, " ".join(row.split("\t"))) == "body" for row in rows)
    assert _kind_of(decisions, "Final standings after 36 races:") == "body"
    assert _kind_of(decisions, "Copyright 2019 Example Media") == "footer"


def test_tab_separated_menu_far_from_the_article_stays_out() -> None:
    menu = ["News\tSport\tWeather", "Video\tAudio\tShop"]
    lines = [*menu, "", "Headline Of The Day", "", *_story(4), "", "Facebook", "Twitter"]
    decisions = clean_lines("\n".join(lines))
    menu_lines = {"News Sport Weather", "Video Audio Shop"}
    assert not any(d.keep for d in decisions if d.text in menu_lines)


def test_author_bio_after_the_article_is_dropped() -> None:
    bio = "Jane Doe is a reporter covering city hall, and has written about budgets since 2010."
    lines = ["Home", "", "Council Approves Budget", "", *_story(4), "", "About Jane Doe", bio]
    decisions = clean_lines("\n".join(lines))
    assert _kind_of(decisions, "About Jane Doe") == "footer"
    assert _kind_of(decisions, bio) == "footer"
    assert _kind_of(decisions, _story(4)[3]) == "body"


def test_signature_of_an_embedded_post_stays_with_it() -> None:
    story = _story(4)
    post = "Great result for the city tonight, thanks to everyone who voted for the plan."
    signature = "\u2014 Jane Doe (@janedoe) November 18, 2019"
    lines = ["Home", "", "Council Approves Budget", "", *story[:2], "", post, signature, ""]
    lines += [*story[2:], "", "Facebook", "Twitter"]
    decisions = clean_lines("\n".join(lines))
    assert _kind_of(decisions, signature) == "body"
    assert _kind_of(decisions, post) == "body"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Leia também", "related"),
        ("Lesen Sie auch:", "related"),
        ("Leggi anche", "related"),
        ("Lascia un commento", "comments"),
        ("Kommentare", "comments"),
        ("Comentários", "comments"),
    ],
)
def test_related_and_comments_labels_in_other_languages(line: str, kind: str) -> None:
    from newsdex.clean.text import vocab_kind

    assert vocab_kind(line, len(line.split()))[0] == kind


def test_teasers_with_the_headline_run_into_the_text_are_related_links() -> None:
    from newsdex.clean.text import describe

    teaser = (
        "Customers Leave Without Paying $690 Bill At Troy SteakhouseA party of six left "
        "Ruth's Chris Steakhouse in Troy without paying."
    )
    assert describe(teaser).vocab == "related"
    for prose in (
        "Singer-guitarists Tom Johnston and Patrick Simmons, singer-keyboardist McDonald, "
        "and the rest of the band played on.",
        "HONOLULU, Hawaii (HawaiiNewsNow) - NASA scientists using a telescope atop Mauna "
        "Kea have confirmed the find.",
        "Apple plans to release a new 13-inch MacBook Pro with a scissor switch keyboard.",
    ):
        assert describe(prose).vocab == ""


def test_vocabulary_rules_skipped_by_word_count_could_not_have_fired() -> None:
    """`vocab_kind` tries only the rules whose word limit a line is within; trying every
    rule in order gives the same kind on every line of the sample pages, and on each
    line cut to every length (so each limit is crossed)."""
    from newsdex.clean import text as cleaner

    def every_rule(line: str) -> tuple[str, str]:
        low = line[: cleaner._CAP].lower()
        tokens = cleaner._WORD.findall(low)
        seen = cleaner._Seen(low, tokens, frozenset(tokens))
        for kind, reason, test, _ in cleaner._VOCAB_RULE_LIMITS:
            if test(line, seen, len(tokens)):
                return kind, reason
        return "", ""

    pages = sorted((DATA / "aeb-text").glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
    lines = {line for page in pages for line in cleaner.split_lines(page.read_text())}
    lines |= {  # a digit is their only vocabulary, or "(c)" is
        "(c) 2022 Example Media Group", "Updated 12:30 pm", "March 4, 2021 at 9:15",
        "The council voted 7 to 2 on Tuesday.", "Page 2 of 3", "(c) Example Media Group",
    }  # fmt: skip
    cuts = {" ".join(line.split()[:n]) for line in lines for n in range(1, 64, 3)}
    checked = 0
    for line in sorted(lines | cuts):
        words = len(cleaner._WORD.findall(line.lower()))
        if not line or words > cleaner._VOCAB_MAX_WORDS or not line.isascii():
            continue
        assert cleaner.vocab_kind(line, words) == every_rule(line), line
        checked += 1
    assert checked > 2_000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ09 |/.·»é\u0416x"), max_size=40) | st.text(max_size=40))
def test_line_marks_count_like_the_regexes(head: str) -> None:
    """The byte-deleting count of capitals, digits and separators equals the regexes'."""
    from newsdex.clean import text as cleaner

    expected = (
        len(cleaner._UPPER.findall(head)),
        len(cleaner._DIGIT.findall(head)),
        bool(cleaner._SEPARATOR.search(head)),
    )
    assert cleaner._marks(head) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("aZ09_ .,;:!?'-\t\u00e9\u2019\u0416"), max_size=60)
    | st.text(max_size=60)
)
def test_line_tokens_and_punctuation_count_like_the_regexes(line: str) -> None:
    """An ASCII line's tokens and punctuation, counted on its bytes, equal the regexes'."""
    from newsdex.clean import text as cleaner

    described = cleaner.describe(line)
    assert described.tokens == tuple(cleaner._WORD.findall(line.lower()))
    assert described.punct == len(cleaner._PUNCT.findall(line))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["about", "ABOUT", "\u00dcber", "Sobre", "\u00c0 propos de", "Acerca de", "Abou",
         "A proposito di", "\u041e\u0431 \u0430\u0432\u0442\u043e\u0440\u0435"]
    ),
    st.sampled_from([" ", "  ", "\t", ""]),
    st.sampled_from(["the author", "Me", "Jane Doe", "JANE DOE", "the writers", "x"]),
)  # fmt: skip
def test_bio_header_needs_its_first_word(phrase: str, space: str, rest: str) -> None:
    """Lines whose first token is not one a bio header starts with skip the regex: every
    line it matches has one."""
    from newsdex.clean import text as cleaner

    line = phrase + space + rest
    if cleaner._BIO_HEADER.match(line):
        assert cleaner.describe(line).tokens[0] in cleaner._BIO_FIRST_WORDS


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["copyright", "all rights reserved", "privacy policy", "terms of use", "about us",
             "site map", "sitemap", "adchoices", "careers", "(c) 2021", "\u00a9", "x", "_",
             "1", "\u00e9", "-", "a", "our standards", "do not sell", "cookie policy"]
        ),
        max_size=5,
    ),
    st.sampled_from(["", " ", "_", "x", "1", "-"]),
)  # fmt: skip
def test_footer_regex_matches_like_the_plain_word_boundary_form(
    parts: list[str], glue: str
) -> None:
    """`_at_word_starts` moves each phrase's word-boundary test after its first letter,
    for speed; it finds the same matches as `\\b` in front of every phrase."""
    import re

    from newsdex.clean import text as cleaner

    plain = re.compile(
        r"\u00a9|\(c\)\s*\d{4}|" + "|".join(rf"\b{phrase}" for phrase in cleaner._FOOTER_PHRASES)
    )
    line = glue.join(parts)
    expected = plain.search(line)
    found = cleaner._FOOTER.search(line)
    assert (found and found.span()) == (expected and expected.span())
