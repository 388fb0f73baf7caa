"""The `newsdex` command: each command parses options, makes one library call, prints."""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from newsdex.clean.text import clean_lines
from newsdex.corpus import Corpus, default_index_path
from newsdex.errors import NewsdexError, NotAnArticle
from newsdex.index import DEFAULT_ENGINE, ENGINES
from newsdex.load import STDIN_NAME, document_from_bytes, read_document
from newsdex.models import Article, Hit, LineDecision, RawDocument, SearchResult
from newsdex.pipeline import (
    IndexReport,
    Problem,
    Source,
    build_article,
    collect,
    extract_document,
    index_sources,
)
from newsdex.search import COUNTS, FACETS, INTERVALS, SORTS

F = TypeVar("F", bound=Callable[..., Any])


def index_option(func: F) -> F:
    """--index DIR, defaulting to $NEWSDEX_INDEX or the per-user data folder."""
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Index folder [default: $NEWSDEX_INDEX, else ~/.local/share/newsdex/index].",
    )(func)


def output_options(func: F) -> F:
    """--json: one JSON object per line instead of text for people."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON, one object per line.")(
        func
    )


def _fail_cleanly(func: F) -> F:
    """Turn a NewsdexError into a one-line message with a hint, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsdexError as exc:
            hint = f"\nHint: {exc.hint}" if exc.hint else ""
            raise click.ClickException(f"{exc}{hint}") from exc

    return wrapper  # type: ignore[return-value]


@contextmanager
def _open(
    index_dir: Path | None,
    *,
    create: bool = False,
    engine: str | None = None,
    stories: bool = True,
) -> Iterator[Corpus]:
    with Corpus.open(index_dir, create=create, engine=engine, stories=stories) as corpus:
        yield corpus


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


@click.group()
@click.version_option(package_name="newsdex")
def cli() -> None:
    """newsdex: turn collected news articles into a clean, searchable corpus."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option(
    "--engine",
    type=click.Choice(sorted(ENGINES)),
    default=None,
    help=f"Engine for a new index [default: {DEFAULT_ENGINE}].",
)
@click.option(
    "--batch",
    "batch_size",
    type=click.IntRange(1),
    default=500,
    show_default=True,
    help="Commit every N articles.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Remove articles of files that are gone from PATHS since they were indexed.",
)
@click.option(
    "--no-stories",
    is_flag=True,
    help="For a new index: do not group articles into stories (faster indexing).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Read and extract every file again, changed or not (after upgrading newsdex).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
@output_options
@_fail_cleanly
def index(
    paths: tuple[str, ...],
    index_dir: Path | None,
    engine: str | None,
    batch_size: int,
    prune: bool,
    no_stories: bool,
    force: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Index text (.txt), HTML (.html, .htm, .html.gz) and WARC files and folders ('-' = stdin).

    Run it again to bring the index up to date: unchanged files are not read again."""
    try:
        with _open(index_dir, create=True, engine=engine, stories=not no_stories) as corpus:
            corpus.lock()  # before the walk: a second writer hears at once
            sources = _sources(paths)
            with _progress(len(sources), quiet or as_json) as advance:
                report = index_sources(
                    corpus,
                    sources,
                    batch_size=batch_size,
                    roots=[p for p in paths if p != "-"],
                    prune=prune,
                    force=force,
                    on_problem=_print_problem,
                    on_progress=advance,
                )
            total = len(corpus)
            where = f"{corpus.path} ({corpus.engine_name})"
    except KeyboardInterrupt:
        click.echo("interrupted: the index keeps every batch committed before now", err=True)
        sys.exit(130)
    _print_summary(report, total, where, as_json)
    if report.failed:
        sys.exit(1)


def _sources(paths: tuple[str, ...]) -> list[Source]:
    sources: list[Source] = []
    for path in paths:
        if path == "-":
            data = sys.stdin.buffer.read()
            try:
                sources.append(document_from_bytes(data, name=STDIN_NAME))
            except NewsdexError as exc:
                sources.append(exc)  # type: ignore[arg-type]
        else:
            sources.extend(collect([path]))
    return sources


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal; nothing when piped or quiet."""
    if quiet or total < 2 or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Indexing", file=sys.stderr) as bar:
        yield bar.update


def _print_problem(problem: Problem) -> None:
    label = "error" if problem.failed else "skipped"
    click.echo(f"{label}: {problem.path}: {problem.reason}", err=True)


def _print_summary(report: IndexReport, total: int, where: str, as_json: bool) -> None:
    counts = {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "skipped": report.skipped,
        "failed": report.failed,
    }
    if as_json:
        _echo_json({**counts, "articles": total, "index": where})
        return
    summary = ", ".join(f"{name} {n}" for name, n in counts.items())
    click.echo(f"{summary}; {total} articles in {where}", err=True)


def count_option(func: F) -> F:
    """--count articles|stories: what facets and timelines count."""
    return click.option(
        "--count",
        type=click.Choice(COUNTS),
        default="articles",
        show_default=True,
        help="Count articles, or distinct stories (copies and rewrites once).",
    )(func)


def filter_options(func: F) -> F:
    """--source, --author, --lang, --since, --until: the filters every query takes."""
    options = [
        click.option("--source", multiple=True, help="Only this source (any case); repeatable."),
        click.option("--author", multiple=True, help="Only this author (any case); repeatable."),
        click.option("--lang", multiple=True, help="Only this language code (en, de…)."),
        click.option("--since", help="On or after: YYYY-MM-DD, YYYY-MM, YYYY, or 7d/2w/3m/1y ago."),
        click.option("--until", help="On or before (inclusive); same forms as --since."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The filter options as Corpus.search keyword arguments."""
    return {
        "source": kwargs.pop("source") or None,
        "author": kwargs.pop("author") or None,
        "lang": kwargs.pop("lang") or None,
        "since": kwargs.pop("since"),
        "until": kwargs.pop("until"),
    }


HIT_FIELDS = (
    *(f.name for f in dataclasses.fields(Article)),
    "score",
    "snippet",
    "snippet_text",
    "more",
    "more_sources",
)
CSV_FIELDS = "id,date,source,headline,authors,url,score,snippet_text"


def _fields(value: str | None, default: str | None) -> list[str] | None:
    names = [n.strip() for n in (value or default or "").split(",") if n.strip()]
    unknown = [n for n in names if n not in HIT_FIELDS]
    if unknown:
        raise click.BadParameter(
            f"unknown field {unknown[0]!r}; choose from {', '.join(HIT_FIELDS)}",
            param_hint="--fields",
        )
    return names or None


@cli.command()
@click.argument("query", default="")
@index_option
@filter_options
@click.option("--limit", type=click.IntRange(1, 10_000), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="relevance, date (oldest first) or -date (newest first).",
)
@click.option(
    "--facet",
    "facets",
    multiple=True,
    type=click.Choice(FACETS),
    help="Count matches by this field over all matches; repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="json: one object per hit; csv: a header and a row per hit.",
)
@click.option("--fields", help="Comma-separated fields for json/csv output.")
@click.option("--collapse", is_flag=True, help="One hit per story, with '+N more: sources'.")
@count_option
@output_options
@_fail_cleanly
def search(
    query: str,
    index_dir: Path | None,
    limit: int,
    offset: int,
    sort: str,
    facets: tuple[str, ...],
    fmt: str,
    fields: str | None,
    collapse: bool,
    count: str,
    as_json: bool,
    **filters: Any,
) -> None:
    """Search the index. An empty QUERY with filters lists matches newest first."""
    fmt = "json" if as_json else fmt
    chosen = _fields(fields, CSV_FIELDS if fmt == "csv" else None)
    with _open(index_dir) as corpus:
        result = corpus.search(
            query,
            limit=limit,
            offset=offset,
            sort=sort,
            facets=facets,
            collapse=collapse,
            count=count,
            **_filters(filters),
        )
    if result.suggestion:
        click.echo(f"No matches. Did you mean: {result.suggestion}", err=True)
    if fmt == "json":
        _print_json(result, chosen)
    elif fmt == "csv":
        _print_csv(result, chosen or [])
    else:
        _print_text(result, offset)


def _print_json(result: SearchResult, fields: list[str] | None) -> None:
    for hit in result.hits:
        data = hit.to_dict()
        _echo_json({k: data[k] for k in fields if k in data} if fields else data)
    if result.facets:
        summary: dict[str, Any] = {"total": result.total, "facets": result.facets}
        if result.stories is not None:
            summary["stories"] = result.stories
        _echo_json(summary)


def _print_csv(result: SearchResult, fields: list[str]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for hit in result.hits:
        data = hit.to_dict()
        data["authors"] = "; ".join(data["authors"])
        writer.writerow([data[k] for k in fields])
    click.echo(out.getvalue(), nl=False)


def _print_text(result: SearchResult, offset: int) -> None:
    stories = f" in {result.stories} stor{'ies' if result.stories != 1 else 'y'}"
    click.echo(
        f"{result.total} match{'es' if result.total != 1 else ''}"
        + (stories if result.stories is not None else ""),
        err=True,
    )
    for rank, hit in enumerate(result.hits, start=offset + 1):
        _print_hit(rank, hit)
    for name, counts in result.facets.items():
        click.echo(f"By {name}:")
        ordered = sorted(counts.items(), key=_facet_order(name))
        for value, count in ordered:
            click.echo(f"  {count:>7}  {value}")
        click.echo()


def _facet_order(name: str) -> Callable[[tuple[str, int]], Any]:
    """Dates in time order, everything else most frequent first."""
    if name in ("day", "month", "year"):
        return lambda kv: kv[0]
    return lambda kv: (-kv[1], kv[0])


def _print_hit(rank: int, hit: Hit) -> None:
    article = hit.article
    click.echo(f"{rank}. " + click.style(article.headline, bold=True))
    meta = [article.date or "no date", article.source or "unknown source", f"id {article.id}"]
    click.echo("   " + " · ".join(meta))
    click.echo("   " + _render_marks(hit.snippet))
    if hit.more:
        sources = sorted({a.source for a in hit.collapsed if a.source})
        shown = ", ".join(sources) + (", …" if hit.more > len(hit.collapsed) else "")
        click.echo(f"   +{hit.more} more: {shown}" if shown else f"   +{hit.more} more")
    click.echo()


def _render_marks(snippet: str) -> str:
    """Bold on a terminal; **word** when piped, so marks survive in plain text."""
    if sys.stdout.isatty():
        on, off = "\x1b[1m", "\x1b[22m"
    else:
        on, off = "**", "**"
    return snippet.replace("<mark>", on).replace("</mark>", off)


@cli.command()
@click.argument("query", default="")
@index_option
@filter_options
@click.option("--interval", type=click.Choice(INTERVALS), default="month", show_default=True)
@count_option
@output_options
@_fail_cleanly
def timeline(
    query: str, index_dir: Path | None, interval: str, count: str, as_json: bool, **filters: Any
) -> None:
    """Matches per day, week, month or year as a bar chart: attention over time."""
    with _open(index_dir) as corpus:
        buckets = corpus.timeline(query, interval=interval, count=count, **_filters(filters))
    if as_json:
        for bucket in buckets:
            _echo_json({"period": bucket.period, "count": bucket.count})
        return
    if not buckets:
        click.echo("no dated matches", err=True)
        return
    peak = max(b.count for b in buckets) or 1
    for bucket in buckets:
        bar = "█" * round(BAR_WIDTH * bucket.count / peak)
        click.echo(f"{bucket.period:<10} {bucket.count:>7} {bar}")


BAR_WIDTH = 50


@cli.command()
@click.argument("article_id")
@index_option
@output_options
@_fail_cleanly
def cluster(article_id: str, index_dir: Path | None, as_json: bool) -> None:
    """The articles of one article's story, oldest first, with their sources."""
    with _open(index_dir) as corpus:
        result = corpus.cluster(article_id)
    if as_json:
        _print_json(result, None)
        return
    for hit in result.hits:
        a = hit.article
        via = f" (via {', '.join(a.via)})" if a.via else ""
        click.echo(f"{a.date or 'no date':<25} {a.source or 'unknown source'}{via}")
        click.echo(f"    {a.headline}  [id {a.id}]")


@cli.command()
@click.argument("article_id")
@index_option
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@output_options
@_fail_cleanly
def similar(article_id: str, index_dir: Path | None, limit: int, as_json: bool) -> None:
    """Articles closest to one article (more like this)."""
    with _open(index_dir) as corpus:
        result = corpus.similar(article_id, limit=limit)
    if as_json:
        _print_json(result, None)
    else:
        _print_text(result, 0)


@cli.command()
@click.argument("article_id")
@index_option
@output_options
@_fail_cleanly
def show(article_id: str, index_dir: Path | None, as_json: bool) -> None:
    """Print one article in full."""
    with _open(index_dir) as corpus:
        article = corpus.get(article_id)
    if as_json:
        _echo_json(article.to_dict())
    else:
        _print_article(article)


def _print_article(article: Article) -> None:
    click.echo(click.style(article.headline, bold=True))
    for label, value in (
        ("Date", article.date),
        ("Source", article.source),
        ("Authors", ", ".join(article.authors)),
        ("URL", article.url),
        ("Language", article.language),
        ("Section", article.section),
        ("Credit", article.credit),
        ("Via", ", ".join(article.via)),
        ("Story", article.cluster),
        ("Also at", ", ".join(article.also_at)),
        ("Path", article.path),
        ("Id", article.id),
    ):
        if value:
            click.echo(f"{label}: {value}")
    click.echo()
    click.echo(article.body)


@cli.command()
@index_option
@output_options
@_fail_cleanly
def stats(index_dir: Path | None, as_json: bool) -> None:
    """Count articles by source and by month."""
    with _open(index_dir) as corpus:
        result = corpus.stats()
        where = f"{corpus.path} ({corpus.engine_name})"
    if as_json:
        _echo_json({**result.to_dict(), "index": where})
        return
    click.echo(f"Index: {where}\nArticles: {result.articles}\n\nBy source:")
    for name, count in sorted(result.by_source.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {count:>7}  {name}")
    click.echo("\nBy month:")
    for month, count in result.by_month.items():
        click.echo(f"  {count:>7}  {month}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--explain", is_flag=True, help="Show every input line with its decision and kind.")
@output_options
@_fail_cleanly
def clean(file: str, explain: bool, as_json: bool) -> None:
    """Print what newsdex keeps of FILE and the fields it finds, without indexing.

    With --explain, a copied page that holds no article still shows its lines, so the
    reason printed after them can be checked; the exit code is then 1."""
    doc = _read_one(file)
    try:
        extracted = extract_document(doc)
    except NotAnArticle:
        if explain and doc.kind != "html":
            _print_decisions(clean_lines(doc.text), as_json)
        raise
    if explain and extracted.decisions:
        _print_decisions(extracted.decisions, as_json)
        return
    if explain:  # an HTML page: its cleaner judges blocks of markup, not lines
        click.echo(f"{doc.name}: no line decisions for HTML; the article as extracted:", err=True)
    article = build_article(doc, extracted)
    if as_json:
        _echo_json(article.to_dict())
    else:
        _print_article(article)


def _print_decisions(decisions: tuple[LineDecision, ...], as_json: bool) -> None:
    """One line (or JSON object) per input line: kept or not, its kind, its text."""
    for d in decisions:
        if as_json:
            _echo_json(
                {"line": d.number, "keep": d.keep, "kind": d.kind, "reason": d.reason,
                 "text": d.text}
            )  # fmt: skip
        else:
            mark = "+" if d.keep else "-"
            click.echo(f"{d.number:>4} {mark} {d.kind:<10} {d.text}")


def _read_one(file: str) -> RawDocument:
    if file == "-":
        return document_from_bytes(sys.stdin.buffer.read(), name=STDIN_NAME)
    return read_document(file)


@cli.command()
@index_option
def where(index_dir: Path | None) -> None:
    """Print the index folder newsdex uses."""
    click.echo(str(index_dir or default_index_path()))


@cli.command()
@index_option
@output_options
@_fail_cleanly
def check(index_dir: Path | None, as_json: bool) -> None:
    """Verify the index: it opens, every article reads back, its file state agrees.

    Exits 1 when it finds a problem. Run it when no indexing run is writing."""
    with _open(index_dir) as corpus:
        report = corpus.check()
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(
            f"{report.path} ({report.engine}): {report.articles} articles, "
            f"{report.readable} read back; {report.tracked_files} files tracked, "
            f"{report.untracked_articles} articles from no tracked file"
        )
        for problem in report.problems:
            click.echo(f"problem: {problem}", err=True)
        click.echo("ok" if report.ok else f"{len(report.problems)} problems", err=True)
    if not report.ok:
        if not as_json:
            click.echo(f"Hint: {_CHECK_HINT}", err=True)
        sys.exit(1)


_CHECK_HINT = (
    "Run `newsdex index` again on the same paths to finish an interrupted run; if problems "
    "remain, delete state.sqlite in the index folder and index again, or rebuild the index."
)
