"""User text placed in Markdown keeps the document's structure and reads back unchanged."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from workbook.export.escape import cell, escape_block, escape_inline, fenced, show_controls

HOSTILE = [
    "# Heading",
    "## Also a heading ##",
    "| a | b |",
    "| a | b |\n|---|---|\n| c | d |",
    "---",
    "***",
    "===",
    "Line one\n===",
    "Line one\n---",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src='https://example.com'></iframe>",
    "<!-- comment -->",
    "&copy; &amp; &#65; &#x41;",
    "[x](javascript:alert(1))",
    "![x](data:image/png;base64,AAAA)",
    "<https://example.com>",
    "[ref]: https://example.com",
    "```\ncode\n```",
    "~~~\ncode\n~~~",
    "`inline code`",
    "> quoted",
    "- a list",
    "+ a list",
    "* a list",
    "1986. A year",
    "1) first",
    "    four-space indent",
    "\tleading tab",
    "a\ttab inside",
    "windows\r\nline\r\nends",
    "old mac\rline ends",
    "nul\x00byte",
    "line\u2028separator and\u0085next line",
    "vertical\x0btab and\x0cform feed",
    "trailing backslash\\",
    "a\\|b",
    "a\\\\|b",
    "**bold** _em_ ~~strike~~",
    "\\# escaped already",
    "   ",
    "",
    "naloxone\n\n\nthen more\n  indented second line",
    "ends with two spaces  \nnext",
]

md = MarkdownIt("js-default")


def normalised(text: str) -> str:
    """What a reader should see: Markdown line endings, controls shown (tested on their own below), runs of spaces, tabs
    and newlines as one space."""
    text = show_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub(r"[ \t\n]+", " ", text).strip(" ")  # CommonMark trims spaces at the ends of cells and headings


def visible(text: str) -> str:
    """Every character that is not whitespace, in order (paragraph ends may trim Unicode spaces)."""
    return "".join(normalised(text).split())


def inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "text_special"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        else:
            raise AssertionError(f"unexpected inline token {child.type}")
    return "".join(parts)


def check_cell(text: str, exact: bool = True) -> None:
    tokens = md.parse(f"| Question | Answer |\n|---|---|\n| {cell(text) or ' '} | after |\n| before | {cell(text) or ' '} |")
    assert [t.type for t in tokens].count("table_open") == 1
    assert [t.type for t in tokens].count("tr_open") == 3
    cells = [t for i, t in enumerate(tokens) if t.type == "inline" and tokens[i - 1].type in ("th_open", "td_open")]
    assert len(cells) == 6
    texts = [inline_text(c) for c in cells]
    same = normalised if exact else visible
    assert [same(t) for t in texts] == ["Question", "Answer", same(text), "after", "before", same(text)]
    assert "\\" in text or not any("\\" in t for t in texts)


def check_heading(text: str, exact: bool = True) -> None:
    tokens = md.parse(f"## Before {escape_inline(text)}\n\nA paragraph.")
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close", "paragraph_open", "inline", "paragraph_close"]
    assert tokens[0].tag == "h2"
    same = normalised if exact else visible
    assert same(inline_text(tokens[1])) == same(f"Before {text}")
    assert "\\" in text or "\\" not in inline_text(tokens[1])


def check_paragraph(text: str) -> None:
    source = f"# Title\n\n{escape_block(text)}\n\nAfter."
    tokens = md.parse(source)
    kinds = {t.type for t in tokens}
    assert kinds <= {"heading_open", "heading_close", "inline", "paragraph_open", "paragraph_close"}
    assert [t.type for t in tokens].count("heading_open") == 1
    body = "\n".join(inline_text(t) for t in tokens[3:-3] if t.type == "inline")
    assert visible(body) == visible(text)
    assert "\\" in text or "\\" not in body
    html = md.render(source)
    for tag in ("<script", "<img", "<a ", "<h2", "<table", "<hr", "<pre", "<li", "<blockquote", "<iframe", "<code"):
        assert tag not in html


@pytest.mark.parametrize("text", HOSTILE)
def test_cell_keeps_table_and_text(text: str) -> None:
    check_cell(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_heading_keeps_one_heading(text: str) -> None:
    check_heading(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_paragraph_stays_paragraphs(text: str) -> None:
    check_paragraph(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_fenced_keeps_text_exactly(text: str) -> None:
    tokens = md.parse(f"# Title\n\n{fenced(text)}\n\nAfter.")
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close", "fence", "paragraph_open", "inline", "paragraph_close"]
    expected = show_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    assert tokens[3].content == (expected if expected.endswith("\n") or not expected else expected + "\n")


def test_every_ascii_punctuation_is_escaped() -> None:
    import string

    assert escape_inline(string.punctuation) == "".join("\\" + c for c in string.punctuation)


def test_line_endings_and_indents() -> None:
    assert escape_block("one\r\ntwo\rthree") == "one\\\ntwo\\\nthree"
    assert escape_block("  a\n\n\n\t b  \n") == "a\n\nb"
    assert escape_block(" \n\t\n") == ""
    assert cell("a\nb\r\nc") == "a b c"
    assert escape_inline("x\x00y") == "x\ufffdy"
    assert escape_inline("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert "\u2028" in escape_block("keep\u2028this")


def test_fence_is_longer_than_any_backtick_run() -> None:
    assert fenced("a ````` b").startswith("``````text\n")
    assert fenced("plain").startswith("```text\n")


def test_preset_refuses_raw_html_and_javascript_links() -> None:
    assert "<script>" not in md.render("<script>alert(1)</script>")
    assert "href" not in md.render("[x](javascript:alert(1))")


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_random_cells_and_headings(text: str) -> None:
    # Which Unicode spaces a cell or heading loses at its ends is markdown-it's business; every other character stays.
    check_cell(text, exact=False)
    check_heading(text, exact=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(), st.sampled_from(HOSTILE)), max_size=6).map("\n".join))
def test_random_paragraphs(text: str) -> None:
    check_paragraph(text)


@pytest.mark.parametrize("text", ["0\n\xa0", "\xa0\nword", "a\n\u2028\nb", "x\n\x1f"])
def test_lines_of_unicode_spaces_leave_no_stray_backslash(text: str) -> None:
    html = md.render(escape_block(text))
    assert "\\" not in html


CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What a terminal or a bidi-aware reader acts on: none of it may leave the escape functions."""


def test_controls_are_shown_not_passed_on() -> None:
    assert show_controls("\x1b]0;pwned\x07 \x1b[2J") == "\u241b]0;pwned\u2407 \u241b[2J"
    assert show_controls("del\x7f bs\x08 nul\x00 vt\x0b ff\x0c us\x1f") == "del\u2421 bs\u2408 nul\ufffd vt\u240b ff\u240c us\u241f"
    assert show_controls("csi\x9b1m nel\x85") == "csi[U+009B]1m nel[U+0085]"
    assert show_controls("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") == (
        "[U+202A][U+202B][U+202C][U+202D][U+202E][U+2066][U+2067][U+2068][U+2069]")
    assert show_controls("tab\tline\nreturn\r") == "tab\tline\nreturn\r"  # line endings are for each context to decide


@pytest.mark.parametrize("text", ["Zoë, José, Ja\u0301n", "👨\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈", "\u05e9\u05dc\u05d5\u05dd \u200f!",
                                  "\u0645\u0631\u062d\u0628\u0627 \u061c\u200e", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"])
def test_real_text_is_kept_as_written(text: str) -> None:
    assert show_controls(text) == text
    assert escape_inline(text) == text.translate({ord("!"): "\\!", ord(","): "\\,"})


def test_every_context_shows_an_escape_sequence() -> None:
    text = "a\x1b]0;pwned\x07b \u202eevil"
    for out in (escape_inline(text), cell(text), escape_block(text), fenced(text)):
        assert not CONTROLS.search(out)
        assert "a\u241b]0;pwned\u2407b [U+202E]evil" in out.replace("\\", "")
    assert escape_inline(text) == "a\u241b\\]0\\;pwned\u2407b \\[U\\+202E\\]evil"
    assert md.render(escape_block(text)) == "<p>a\u241b]0;pwned\u2407b [U+202E]evil</p>\n"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_control_ever_leaves_the_escapes(text: str) -> None:
    for out in (escape_inline(text), cell(text), escape_block(text), fenced(text), show_controls(text)):
        assert not CONTROLS.search(out)
    assert show_controls(show_controls(text)) == show_controls(text)
