"""The command line, end to end on real files and real indexes (click's CliRunner)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, SEEDS

from newsdex.cli import cli

REUTERS = "000_323cd50c165473e5.txt"
HT = "001_b5843ce61b1f26ce.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seeded(runner: CliRunner, tmp_path: Path, engine_name: str) -> Path:
    index = tmp_path / "index"
    result = runner.invoke(
        cli, ["index", str(SEEDS), "--index", str(index), "--engine", engine_name]
    )
    assert result.exit_code == 0, result.output
    summary = "added 2, updated 0, unchanged 0, removed 0, skipped 0, failed 0"
    assert f"{summary}; 2 articles in {index} ({engine_name})" in result.stderr
    return index


def search_json(runner: CliRunner, index: Path, *args: str) -> list[dict]:
    result = runner.invoke(cli, ["search", *args, "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_search_prints_headline_date_source_snippet_and_id(runner: CliRunner, seeded: Path):
    result = runner.invoke(cli, ["search", "ceasefire", "--index", str(seeded)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "1. Won't halt military operation in Ukraine for peace talks: Russian FM Sergey Lavrov"
    )
    assert lines[1].startswith("   2022-04-11T20:24:00+05:30 · Hindustan Times · id ")
    assert "**ceasefire**" in lines[2]
    assert result.stderr.strip() == "1 match"


def test_json_hits_have_every_field(runner: CliRunner, seeded: Path) -> None:
    hits = search_json(runner, seeded, "lavrov")
    assert len(hits) == 2
    for hit in hits:
        assert {
            "id",
            "headline",
            "date",
            "source",
            "authors",
            "url",
            "language",
            "body",
            "path",
            "score",
            "snippet",
        } <= set(hit)
        assert "<mark>" in hit["snippet"]
        assert hit["language"] == "en"


def test_filters(runner: CliRunner, seeded: Path) -> None:
    assert [h["source"] for h in search_json(runner, seeded, "lavrov", "--source", "REUTERS")] == [
        "Reuters"
    ]
    assert search_json(runner, seeded, "lavrov", "--since", "2022-04-12") == []
    dated = search_json(runner, seeded, "--since", "2022-04-11", "--until", "2022-04-11")
    assert len(dated) == 2
    assert len(search_json(runner, seeded, "lavrov", "--limit", "1")) == 1


def test_show_and_stats(runner: CliRunner, seeded: Path) -> None:
    hit = search_json(runner, seeded, "lavrov", "--source", "reuters")[0]
    shown = runner.invoke(cli, ["show", hit["id"], "--index", str(seeded), "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["body"] == hit["body"]
    text = runner.invoke(cli, ["show", hit["id"], "--index", str(seeded)])
    assert text.stdout.startswith("Russia will not pause military operation in Ukraine")
    stats = runner.invoke(cli, ["stats", "--index", str(seeded), "--json"])
    data = json.loads(stats.stdout)
    assert data["articles"] == 2
    assert data["by_source"] == {"Hindustan Times": 1, "Reuters": 1}
    assert data["by_month"] == {"2022-04": 2}


def test_unknown_id(runner: CliRunner, seeded: Path) -> None:
    result = runner.invoke(cli, ["show", "0000", "--index", str(seeded)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no article with id '0000'")


def test_malformed_query_is_one_line_not_a_traceback(runner: CliRunner, seeded: Path) -> None:
    result = runner.invoke(cli, ["search", '"peace talks', "--index", str(seeded)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "Error: bad query at position 0: unterminated quote (in '\"peace talks')"
    )
    assert "Traceback" not in result.output


def test_bad_date_is_a_clear_error(runner: CliRunner, seeded: Path) -> None:
    result = runner.invoke(cli, ["search", "x", "--since", "yesterday", "--index", str(seeded)])
    assert result.exit_code == 1
    assert "not a date: 'yesterday'" in result.stderr


def test_search_without_index_says_how_to_make_one(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["search", "x", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no newsdex index in" in result.stderr
    assert "newsdex index PATH" in result.stderr


def test_index_default_location_from_environment(runner: CliRunner, tmp_path: Path) -> None:
    env = {"NEWSDEX_INDEX": str(tmp_path / "env-index")}
    result = runner.invoke(cli, ["index", str(SEEDS / REUTERS)], env=env)
    assert result.exit_code == 0
    assert (tmp_path / "env-index" / "newsdex.json").exists()
    assert runner.invoke(cli, ["where"], env=env).stdout.strip() == str(tmp_path / "env-index")


def test_bad_inputs_are_reported_and_the_run_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEEDS / REUTERS, docs / "good.txt")
    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (docs / "menu.txt").write_text("Home\nNews\nSport\nWeather\nContact us\n")
    text = (SEEDS / HT).read_text(encoding="utf-8")
    (docs / "utf16.txt").write_bytes(text.encode("utf-16"))
    (docs / "cp1252.txt").write_bytes(
        text.replace("Sharangee", "Sharangée").encode("cp1252", errors="replace")
    )
    index = tmp_path / "index"
    result = runner.invoke(
        cli, ["index", str(docs), str(tmp_path / "missing.txt"), "--index", str(index)]
    )
    errors = result.stderr.splitlines()
    assert f"skipped: {docs / 'empty.txt'}: empty file" in errors
    assert f"skipped: {docs / 'binary.txt'}: binary file (contains NUL bytes)" in errors
    assert any(line.startswith(f"skipped: {docs / 'menu.txt'}: ") for line in errors)
    assert f"error: {tmp_path / 'missing.txt'}: no such file or directory" in errors
    counts = "added 3, updated 0, unchanged 0, removed 0, skipped 3, failed 1"
    assert errors[-1] == f"{counts}; 2 articles in {index} (tantivy)"
    assert result.exit_code == 1  # utf16.txt and cp1252.txt hold one article: stored once
    cleaned = runner.invoke(cli, ["clean", str(docs / "cp1252.txt"), "--json"])
    assert json.loads(cleaned.stdout)["authors"] == ["Sharangée Dutta"]


def test_index_from_stdin(runner: CliRunner, tmp_path: Path) -> None:
    data = (SEEDS / REUTERS).read_bytes()
    result = runner.invoke(cli, ["index", "-", "--index", str(tmp_path / "i")], input=data)
    assert result.exit_code == 0, result.output
    hits = search_json(runner, tmp_path / "i", "lavrov")
    assert hits[0]["path"] is None and hits[0]["source"] == "Reuters"


def test_clean_prints_fields_without_indexing(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["clean", str(SEEDS / HT), "--json"])
    assert result.exit_code == 0
    article = json.loads(result.stdout)
    assert article["source"] == "Hindustan Times"
    assert article["authors"] == ["Sharangee Dutta"]
    assert "Neanderthal" not in result.stdout


def test_clean_explain_shows_each_line(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["clean", str(SEEDS / REUTERS), "--explain"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len((SEEDS / REUTERS).read_text(encoding="utf-8").splitlines())
    assert any(" - comments " in line and "Neanderthal Chief" in line for line in lines)


def test_clean_explain_shows_why_a_page_is_not_an_article(runner: CliRunner) -> None:
    menu = "Home\nWorld\nSports\n\nContact us\nPrivacy Policy\n"
    result = runner.invoke(cli, ["clean", "-", "--explain"], input=menu)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == len(menu.splitlines())
    assert lines[0].split()[:3] == ["1", "-", "navigation"]
    assert "too little running prose" in result.stderr


def test_clean_explain_on_html_says_so_and_shows_the_article(runner: CliRunner) -> None:
    page = next((DATA / "html").glob("*.html"))
    result = runner.invoke(cli, ["clean", str(page), "--explain", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["body"]
    assert "no line decisions for HTML" in result.stderr


def test_usage_error_exits_non_zero(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["search", "x", "--sort", "size"])
    assert result.exit_code == 2


def test_facets_csv_fields_and_spelling(runner: CliRunner, seeded: Path) -> None:
    lines = search_json(runner, seeded, "lavrov", "--facet", "source", "--fields", "id,source")
    assert [sorted(line) for line in lines[:2]] == [["id", "source"], ["id", "source"]]
    assert lines[2] == {"total": 2, "facets": {"source": {"Hindustan Times": 1, "Reuters": 1}}}
    csv_out = runner.invoke(cli, ["search", "ceasefire", "--index", str(seeded), "--format", "csv"])
    rows = csv_out.stdout.splitlines()
    assert rows[0] == "id,date,source,headline,authors,url,score,snippet_text"
    assert ",Hindustan Times," in rows[1] and ",Sharangee Dutta," in rows[1]
    text = runner.invoke(cli, ["search", "lavrov", "--index", str(seeded), "--facet", "month"])
    assert "By month:\n        2  2022-04\n" in text.stdout
    missed = runner.invoke(cli, ["search", "lavorv", "--index", str(seeded)])
    assert missed.exit_code == 0
    assert "No matches. Did you mean: lavrov" in missed.stderr
    bad = runner.invoke(cli, ["search", "x", "--fields", "colour", "--index", str(seeded)])
    assert bad.exit_code == 2 and "unknown field 'colour'" in bad.stderr


def test_query_language_from_the_command_line(runner: CliRunner, seeded: Path) -> None:
    assert len(search_json(runner, seeded, "negotiat* date:2022-04")) == 2
    assert [h["source"] for h in search_json(runner, seeded, "author:dutta")] == ["Hindustan Times"]
    assert len(search_json(runner, seeded, "lavrov", "--author", "sharangee dutta")) == 1
    assert len(search_json(runner, seeded, "lavrov", "--lang", "en")) == 2
    assert search_json(runner, seeded, "lavrov", "--since", "30d") == []  # seeds are from 2022
    bad = runner.invoke(cli, ["search", "date:[2022-04-01 TO", "--index", str(seeded)])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: bad query at position 0: unterminated date range")


def test_timeline_and_similar(runner: CliRunner, seeded: Path) -> None:
    chart = runner.invoke(cli, ["timeline", "lavrov", "--index", str(seeded), "--interval", "day"])
    assert chart.exit_code == 0
    assert chart.stdout == "2022-04-11       2 " + "█" * 50 + "\n"
    as_json = runner.invoke(cli, ["timeline", "--index", str(seeded), "--json"])
    assert as_json.stdout.splitlines() == ['{"period": "2022-04", "count": 2}']
    reuters = search_json(runner, seeded, "lavrov", "--source", "reuters")[0]
    near = runner.invoke(cli, ["similar", reuters["id"], "--index", str(seeded), "--json"])
    assert near.exit_code == 0
    assert [json.loads(line)["source"] for line in near.stdout.splitlines()] == ["Hindustan Times"]
