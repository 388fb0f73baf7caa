"""Field and body extraction from copied page text: the seeds, other real pages, edge cases."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdex.errors import NotAnArticle
from newsdex.evaluate import body_f1
from newsdex.extract.dates import find_date, infer_year, to_iso, weekday_in
from newsdex.extract.people import byline_authors, byline_organisation
from newsdex.extract.source import copyright_holder, title_site, wire_agency
from newsdex.extract.text import extract_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
AEB = DATA / "aeb-text"
SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
REFERENCE = dt.date(2026, 1, 1)


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@pytest.fixture(scope="module")
def truth() -> dict[str, dict]:
    return json.loads((DATA / "seeds-truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def aeb_truth() -> dict[str, dict]:
    return json.loads((AEB / "truth.json").read_text(encoding="utf-8"))


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


# --- the seeds -------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_fields(name: str, truth: dict[str, dict]) -> None:
    expected = truth[name]
    fields = extract_text(_seed(name), name=name, reference_date=REFERENCE).fields
    assert _norm(fields.headline) == _norm(expected["headline"])
    assert fields.date is not None and fields.date[:10] == expected["date"][:10]
    assert fields.source == expected["source"]
    assert list(fields.authors) == expected["authors"]
    assert fields.language == "en"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_body(name: str, truth: dict[str, dict]) -> None:
    body = extract_text(_seed(name), reference_date=REFERENCE).body
    assert body_f1(body, truth[name]["body"]) >= 0.95
    assert "\n\n" in body


def test_hindustan_times_seed_exact_fields(truth: dict[str, dict]) -> None:
    name = "001_b5843ce61b1f26ce.txt"
    fields = extract_text(_seed(name), reference_date=REFERENCE).fields
    assert fields.date == "2022-04-11T20:24:00+05:30"
    assert fields.credit == "With inputs from Reuters"
    assert fields.section == "World News"
    assert _norm(fields.summary) == _norm(truth[name]["summary"])
    assert "Aryan Prakash" not in fields.authors


def test_reuters_seed_year_from_weekday_and_section() -> None:
    fields = extract_text(_seed("000_323cd50c165473e5.txt"), reference_date=REFERENCE).fields
    assert fields.date == "2022-04-11"
    assert fields.section == "Military"
    assert fields.authors == ()


def test_year_inference_respects_reference_date() -> None:
    # 11 April is a Monday in 2016 and 2022: before 2022 the latest such year is 2016.
    text = _seed("000_323cd50c165473e5.txt")
    assert extract_text(text, reference_date=dt.date(2021, 6, 1)).fields.date == "2016-04-11"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_removed_lines_are_nowhere(name: str) -> None:
    result = extract_text(_seed(name), reference_date=REFERENCE)
    fields = result.fields
    texts = [result.body, fields.headline or "", fields.summary or "", fields.credit or ""]
    texts += [fields.source or "", fields.section or "", *fields.authors]
    forbidden = [
        "Neanderthal Chief", "Reply", "read more", "Reporting by", "Our Standards",
        "Comments / 4", "4 days ago", "close_game", "(HT_PRINT)", "Also Read",
        "fastest source", "live updates here", "Unlock a world", "Get Latest World News",
        "SHARE THIS ARTICLE", "Story Saved", "Live Score", "OPEN APP", "Saved Articles",
        "My Reads", "Sign out", "New Delhi 0C", "March 28, 2024", "Free Trial", "Follow Us On",
        "With inputs from",
    ]  # fmt: skip
    credit_phrases = {"With inputs from", "Reporting by"}  # credit lines may fill `credit`
    for text in texts:
        for phrase in forbidden:
            if phrase in credit_phrases and text == fields.credit:
                continue
            assert phrase.lower() not in text.lower(), (phrase, text[:80])


def test_viewed_date_in_footer_is_not_the_publication_date() -> None:
    text = _seed("001_b5843ce61b1f26ce.txt")
    fields = extract_text(text).fields
    assert fields.date is not None and not fields.date.startswith("2024-03-28")


def test_viewed_date_bounds_year_inference() -> None:
    # A wire dateline without a year; the page says it was viewed on Thursday 28 March 2024.
    body = " ".join(["The minister said on Monday that talks would go on as planned."] * 6)
    text = f"News\n\nTalks go on\n\nApril 11 (Reuters) - {body}\n\nHome\nThursday, March 28, 2024\n"
    fields = extract_text(text, reference_date=dt.date(2030, 1, 1)).fields
    assert fields.date == "2022-04-11"
    assert fields.source == "Reuters"


# --- other real pages (general rules) ---------------------------------------------------

AEB_MIN_F1 = {
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34": 0.94,
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f": 0.95,
    "0dd1357045727799a447563fd8851f4ebe79f042073ea16991a9b67aa595f81a": 0.87,
    "70cb2d5bca75ab5a8f6bb378a38a52f882f6bda508de93b12502e74936d86ff2": 0.94,
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856": 0.96,
}


@pytest.mark.parametrize("key", sorted(AEB_MIN_F1))
def test_aeb_pages_body_f1(key: str, aeb_truth: dict[str, dict]) -> None:
    text = (AEB / f"{key}.txt").read_text(encoding="utf-8")
    result = extract_text(text, name=key)
    assert body_f1(result.body, aeb_truth[key]["articleBody"]) >= AEB_MIN_F1[key]
    assert result.fields.language == "en"


def test_aeb_opinion_page_fields() -> None:
    key = "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34"
    fields = extract_text((AEB / f"{key}.txt").read_text(encoding="utf-8")).fields
    assert fields.headline == "Republicans Are Following Trump to Nowhere"
    assert fields.authors == ("Jamelle Bouie",)
    assert fields.summary is not None and fields.summary.startswith("There’s an impeachment")


def test_aeb_standfirst_byline_and_zone_date() -> None:
    key = "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856"
    fields = extract_text((AEB / f"{key}.txt").read_text(encoding="utf-8")).fields
    assert fields.headline is not None and fields.headline.startswith("Google Stadia")
    assert fields.authors == ("Sarah E. Needleman",)
    assert fields.date == "2019-11-19T08:03:00-05:00"  # "8:03 am ET" in November is EST
    assert fields.summary is not None and fields.summary.startswith("There are more devices")


def test_aeb_updated_line_with_zone_before_date() -> None:
    key = "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f"
    result = extract_text((AEB / f"{key}.txt").read_text(encoding="utf-8"))
    assert result.fields.date == "2019-11-20T01:39:00-05:00"
    assert "Photo: Damian Dovarganes" not in result.body
    assert "Image 1 of 23" not in result.body


# --- not an article, robustness ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\r\n\f",
        "Home\nWorld\nBusiness\nSports\nSubscribe\nSign in\n" * 20,
        "\n".join(f"Headline number {i} about something" for i in range(200)),
        "\u200b\u200b\n\u200d",
    ],
)
def test_not_an_article(text: str) -> None:
    with pytest.raises(NotAnArticle) as error:
        extract_text(text, name="x.txt")
    assert error.value.path == "x.txt" and error.value.reason


CHINESE_PAGE = "\n".join(
    [
        *("首页", "新闻", "国际", "财经", "科技", "登录", "注册", ""),
        "国务院常务会议部署进一步推动城市更新工作",
        "",
        "2024-03-15 10:30 来源：新华社",
        "",
        "新华社北京3月15日电 国务院总理主持召开国务院常务会议，"
        "听取关于城市更新工作进展情况的汇报，部署进一步推动城市更新有关工作。",
        "",
        "会议指出，实施城市更新行动是推动城市高质量发展的重要举措。"
        "各地要坚持以人民为中心，统筹城市规划建设管理，加快补齐基础设施短板。",
        "",
        "会议强调，要因地制宜推进老旧小区改造，完善社区养老、托育、医疗等公共服务设施，"
        "让群众住得更安心、更舒心。",
        "",
        "会议要求，有关部门要加强政策协同，创新投融资机制，引导社会资本参与，"
        "同时防范化解地方债务风险，确保城市更新工作稳妥有序推进。",
        "",
        "会议还研究了其他事项。",
        "",
        "分享到：微信 微博",
        "相关新闻",
        "城市更新试点扩大至全国二十个城市",
        "住建部：今年将改造老旧小区五万个",
        "版权所有 © 2024 新华网 保留所有权利",
    ]
)
"""A Xinhua-style copied page: Chinese puts no spaces between words, so counting `\\w+`
runs would find only a handful of "words" in a full article."""


def test_chinese_article_is_not_rejected_for_lacking_spaces() -> None:
    result = extract_text(CHINESE_PAGE, reference_date=REFERENCE)
    assert "国务院总理主持召开国务院常务会议" in result.body
    assert "确保城市更新工作稳妥有序推进" in result.body
    assert "首页" not in result.body and "版权所有" not in result.body
    assert result.fields.headline == "国务院常务会议部署进一步推动城市更新工作"
    assert result.fields.date == "2024-03-15"
    assert result.fields.language == "zh"


def test_crlf_form_feed_and_zero_width() -> None:
    text = _seed("000_323cd50c165473e5.txt")
    mangled = text.replace("\n", "\r\n").replace("Lavrov", "Lav\u200brov")
    result = extract_text(mangled + "\f\fTrailing", reference_date=REFERENCE)
    assert (
        result.fields.headline
        == "Russia will not pause military operation in Ukraine for peace talks"
    )
    assert "Lavrov said" in result.body and "\u200b" not in result.body


def test_huge_single_line_is_linear_and_kept() -> None:
    sentence = "The committee met again today and agreed on the budget, officials said. "
    text = sentence * 140_000  # ~10 MB on one line
    result = extract_text(text)
    assert len(result.body) > 9_000_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_never_raises_anything_but_not_an_article(text: str) -> None:
    try:
        result = extract_text(text)
    except NotAnArticle:
        return
    assert result.body.strip()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["", "By Jane Doe", "Comments / 3", "Share", "April 11 (Reuters) - x", "3d ago",
             "Thursday, March 28, 2024", "Apr 31, 2022 99:99 PM IST", "© 2020 X", "Photo: Y",
             "A long sentence with several words, in a row, that reads like prose text here."]
        ),
        max_size=60,
    )
)  # fmt: skip
def test_structured_noise_never_raises(lines: list[str]) -> None:
    with contextlib.suppress(NotAnArticle):
        extract_text("\n".join(lines))


# --- field helpers ----------------------------------------------------------------------


def test_dates_helpers() -> None:
    parts = find_date("Apr 11, 2022 08:24 PM IST")
    assert parts is not None
    assert to_iso(parts, weekday=None, reference=REFERENCE) == "2022-04-11T20:24:00+05:30"
    assert find_date("3d ago") is None
    assert find_date("4 days ago") is None
    assert weekday_in("Lavrov said on Monday.") == 0
    assert infer_year(4, 11, 0, dt.date(2024, 1, 1)) == 2022
    assert infer_year(2, 29, None, dt.date(2023, 6, 1)) == 2020
    gmt = find_date("Published 20 November 2019 14:05 GMT+1")
    assert gmt is not None and to_iso(gmt, weekday=None, reference=REFERENCE) == (
        "2019-11-20T14:05:00+01:00"
    )


def test_people_and_source_helpers() -> None:
    assert byline_authors("Written by Sharangee Dutta | Edited by Aryan Prakash, New Delhi") == (
        "Sharangee Dutta",
    )
    assert byline_authors("By Reuters") == ()
    assert byline_authors("By Jane Doe and John Roe") == ("Jane Doe", "John Roe")
    assert byline_organisation("By Reuters") == "Reuters"
    assert byline_organisation("By Jane Doe") is None
    assert wire_agency("WASHINGTON, April 11 (Reuters) - The U.S. said") == "Reuters"
    assert wire_agency("He said (quietly) - no") is None
    site = title_site(
        "Lavrov rules out pause | World News - Hindustan Times", "Lavrov rules out pause"
    )
    assert site == ("Hindustan Times", "World News")
    assert copyright_holder("© 2019 Vox Media, LLC. All Rights Reserved") == "Vox Media"
    assert copyright_holder("Copyright Policy") is None


def test_language_of_text_holding_a_lone_surrogate_is_told_not_raised() -> None:
    from newsdex.extract.language import detect_language

    text = "The council approved the budget on Tuesday after a long debate. " * 5
    assert detect_language(text + "\ud800 " + text) == "en"
    assert detect_language("\ud800" * 60) is None
