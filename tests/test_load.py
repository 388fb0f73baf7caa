"""Loading files, folders and bytes in any encoding; bad input is named, never fatal."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from newsdex import LoadError, UnsupportedFile, read_document
from newsdex.load import discover, document_from_bytes

TEXT = (
    "Le président a annoncé mercredi une réforme des retraites très contestée. "
    "Les syndicats ont appelé à la grève générale — « c’est inacceptable », déclare l’un d’eux. "
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_text_in_any_common_encoding_is_read_correctly(tmp_path: Path, encoding: str) -> None:
    text = TEXT * 3
    if encoding == "latin-1":
        text = text.replace("—", "-").replace("’", "'")
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    doc = read_document(path)
    assert doc.text.lstrip("\ufeff") == text
    assert doc.kind == "text"


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("Ünïcödé news article text.".encode("utf-16"))  # writes a BOM
    assert read_document(path).text == "Ünïcödé news article text."


def test_declared_html_charset_wins(tmp_path: Path) -> None:
    html = '<html><head><meta charset="windows-1251"></head><body>Новости дня</body></html>'
    path = tmp_path / "ru.html"
    path.write_bytes(html.encode("cp1251"))
    doc = read_document(path)
    assert "Новости дня" in doc.text
    assert doc.kind == "html"


def test_binary_and_empty_files_are_unsupported(tmp_path: Path) -> None:
    binary = tmp_path / "img.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UnsupportedFile, match="binary"):
        read_document(binary)
    with pytest.raises(UnsupportedFile, match="empty"):
        read_document(empty)


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no-such.txt"):
        read_document(tmp_path / "no-such.txt")


def test_kind_is_sniffed_when_extension_says_nothing() -> None:
    assert document_from_bytes(b"<!DOCTYPE html><html></html>", name="x").kind == "html"
    assert document_from_bytes(b"Plain words here.", name="x").kind == "text"


def test_discover_walks_folders_and_names_bad_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "sub" / "b.html").write_text("<p>b</p>")
    (tmp_path / "sub" / "c.jpg").write_bytes(b"\xff\xd8")
    found = list(discover([tmp_path, tmp_path / "missing"]))
    paths = [p for p in found if isinstance(p, Path)]
    errors = [e for e in found if isinstance(e, LoadError)]
    assert [p.name for p in paths] == ["a.txt", "b.html"]
    assert len(errors) == 1 and "missing" in str(errors[0])


def test_symlink_loop_is_visited_once(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("a")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    found = [p for p in discover([tmp_path]) if isinstance(p, Path)]
    assert [p.name for p in found] == ["a.txt"]


JAPANESE_PAGE = "f105de6e63ca91ea482f60193f6252092557f969f2fd128ff68c0d4d6b90dd7d"
CHINESE_ARTICLE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    + "<p>国家统计局周一公布的数据显示，今年前三季度国内生产总值同比增长百分之五，"
    "其中第三季度经济增速略有放缓。分析人士表示，消费和投资的恢复仍需要更多政策支持。</p>"
    * 4
    + "</article></body></html>"
)


def _japanese_page(charset: str | None) -> str:
    """The real Japanese page, re-declared (or undeclared) for another encoding."""
    page = (Path(__file__).parent / "data" / "html" / f"{JAPANESE_PAGE}.html").read_text(
        encoding="utf-8"
    )
    page = page.replace("\xbb", "»").replace('<meta charset="UTF-8">', "")
    if charset:
        page = page.replace("<head>", f'<head><meta charset="{charset}">', 1)
    return page


@pytest.mark.parametrize(
    ("encoding", "charset"),
    [("shift_jis", "Shift_JIS"), ("shift_jis", None), ("gb18030", "gb18030"), ("gb18030", None)],
)
def test_east_asian_pages_decode_without_mojibake(
    tmp_path: Path, encoding: str, charset: str | None
) -> None:
    page = _japanese_page(charset)
    data = page.encode(encoding, errors="xmlcharrefreplace")
    path = tmp_path / "page.html"
    path.write_bytes(data)
    doc = read_document(path)
    assert "Kindle for PCをCtrl＋Alt＋Kのショートカットキーで立ち上がらなくする方法" in doc.text


@pytest.mark.parametrize("declared", [True, False])
def test_gb18030_chinese_article_extracts_cleanly(tmp_path: Path, declared: bool) -> None:
    from newsdex import load_article

    title = "前三季度经济同比增长百分之五"
    page = CHINESE_ARTICLE.format(title=title)
    if declared:
        page = page.replace("<head>", '<head><meta charset="gb18030">')
    path = tmp_path / "zh.html"
    path.write_bytes(page.encode("gb18030"))
    article = load_article(path)
    assert article.headline == title
    assert "国家统计局周一公布的数据显示" in article.body
    assert article.language == "zh"


DETROIT_PAGE = "65ce3a4577a0306994efa190a0d96e84014f9d4257ad54753e807ede518f02c0"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("declared", [True, False])
def test_western_pages_decode_without_mojibake(tmp_path: Path, encoding: str, declared: bool):
    from newsdex import load_article

    page = (Path(__file__).parent / "data" / "html" / f"{DETROIT_PAGE}.html").read_text(
        encoding="utf-8"
    )
    page = re.sub(r"<meta[^>]*charset[^>]*>", "", page, flags=re.I)
    page = page.replace("Eastern Michigan", "Éastern Michigan — “Eagles”", 1)
    if declared:
        page = page.replace("<head>", f'<head><meta charset="{encoding}">', 1)
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    doc = read_document(path)
    assert "Éastern Michigan" in doc.text and "Ã" not in doc.text
    article = load_article(path)
    assert article.source == "The Detroit News"
    assert "Ã" not in article.body and "â€" not in article.body
