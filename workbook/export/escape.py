"""Make a family's words safe to place inside Markdown, so they can never change its structure.

CommonMark lets any ASCII punctuation character be backslash-escaped, and an escaped character
is always literal. So every ASCII punctuation character in user text is escaped: no headings,
lists, quotes, tables, fences, HTML, entities, links or emphasis can come from what a family
wrote, in markdown-it or in any other CommonMark renderer. Line endings are handled per context:

- `escape_inline` for one line (a heading, a list item, emphasis): newlines become spaces.
- `cell` for a table cell: the same, so the row stays one row.
- `escape_block` for a top-level paragraph: blank lines separate paragraphs, other newlines
  become hard line breaks, and leading spaces and tabs are dropped so nothing becomes an
  indented code block. Do not use it inside a list item or a quote (a blank line would end it).
- `fenced` keeps text verbatim in a fenced block whose fence is longer than any backtick run.

Text is never split with `str.splitlines()`: that also splits on U+2028, U+0085 and other
characters that are not Markdown line endings. NUL becomes U+FFFD, as CommonMark requires, and
lone surrogates (which cannot be written as UTF-8) become U+FFFD too.

Control characters are shown, never passed on (`show_controls`, applied to every piece of user
text here and by `render_html` and the command line's `plain`). A summary is often read with
`cat` or `less -R` in a terminal, where ESC, the C1 controls (U+009B is a terminal's CSI on its
own), BEL or backspace would run as terminal commands: set the window title, clear the screen,
hide a line. Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) would reorder
what a reader sees. So C0 controls and DEL become their Unicode pictures (ESC shows as "␛"),
and C1 controls and bidi overrides become "[U+202E]". Tabs and line endings are kept (the
functions below decide what a line ending means in their context). Left-to-right and
right-to-left marks (U+200E, U+200F, U+061C) are kept: they only nudge the direction of
neighbouring punctuation, cannot reorder a passage, and Arabic and Hebrew text uses them. Joiners
(U+200D, in emoji such as a family of four, and U+200C in Persian) are ordinary text and are kept.
"""

from __future__ import annotations

import re
import string

from ..controls import show_controls as show_controls

_ESCAPES: dict[int, str] = {ord(c): "\\" + c for c in string.punctuation}
_BACKTICK_RUNS = re.compile("`+")

def _normalise(text: str) -> str:
    """Markdown line endings only (\\r\\n and \\r become \\n); controls shown; no lone surrogates."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return show_controls(text)


def escape_inline(text: str) -> str:
    """One line of literal text: every ASCII punctuation escaped, line breaks and tabs as spaces.

    Whitespace at the ends (Unicode spaces too) is dropped, so the text can sit inside emphasis.
    """
    text = _normalise(text).replace("\n", " ").replace("\t", " ")
    return text.strip().translate(_ESCAPES)


def cell(text: str) -> str:
    """Literal text for one table cell; newlines become spaces so the row stays whole."""
    return escape_inline(text)


def escape_block(text: str) -> str:
    """Literal text as top-level paragraphs, keeping the writer's line breaks.

    Blank lines (also lines of only Unicode spaces) separate paragraphs; other line breaks become
    hard breaks (a backslash at the end of the line). Leading and trailing spaces and tabs on each
    line are dropped. The result has no leading or trailing blank lines and is "" for blank text.
    """
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in _normalise(text).translate(_ESCAPES).split("\n"):
        line = line.strip(" \t")
        if line.strip():  # a line of only Unicode spaces counts as blank, as a paragraph's ends are trimmed
            lines.append(line)
        elif lines:
            paragraphs.append("\\\n".join(lines))
            lines = []
    if lines:
        paragraphs.append("\\\n".join(lines))
    return "\n\n".join(paragraphs)


def fenced(text: str, info: str = "text") -> str:
    """Text kept exactly, in a fenced code block no line of the text can close."""
    text = _normalise(text)
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    info = re.sub(r"[^A-Za-z0-9_-]", "", info)
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{fence}{info}\n{body}{fence}"
