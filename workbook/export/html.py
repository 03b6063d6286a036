"""The summary as one self-contained web page, ready to open in a browser or print to PDF.

The Markdown is rendered with markdown-it's "js-default" preset, which has raw HTML switched off
(so anything that looks like a tag is shown as text) and refuses javascript:, vbscript:, file:
and data: links. On top of that, every rule the summary does not use is switched off (links,
images, autolinks, inline HTML, entities, code, quotes, rules, setext headings...): the summary is
only headings, paragraphs, lists, tables, emphasis, escapes and line breaks, so even text that was
somehow not escaped cannot make a link or an image. It also makes large summaries render faster.

The page loads nothing from anywhere: the styles are inline, there are no scripts, and a
Content-Security-Policy tells the browser to allow nothing else either.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from ..controls import show_controls

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

CSS = """
:root { color-scheme: light; }
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; color: #1d1d1d; background: #fff;
       max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; }
h1, h2, h3 { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.25; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #444; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #bbb; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
p, li { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0 1.2rem; font-size: .95rem; }
th, td { border: 1px solid #999; padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; }
tbody tr:nth-child(even) td { background: #f7f7f7; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; }
pre { white-space: pre-wrap; border: 1px solid #ccc; padding: .5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  table, tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  tbody tr:nth-child(even) td, th { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""

UNUSED_BLOCK_RULES = ["code", "fence", "blockquote", "hr", "reference", "html_block", "lheading"]
UNUSED_INLINE_RULES = ["backticks", "strikethrough", "link", "image", "autolink", "html_inline", "entity"]
POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("js-default")
    parser.disable(UNUSED_BLOCK_RULES).disable(UNUSED_INLINE_RULES)
    return parser


def render_html(markdown_text: str, title: str) -> str:
    """One complete HTML page for the summary; `title` is plain text (it is escaped here).

    Control characters are shown, not passed on (`show_controls`), in the title and, as a second
    guard after the Markdown's own escaping, in the body: a page read with `cat` runs nothing.
    """
    body = _parser().render(show_controls(markdown_text))
    return "".join(
        (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n',
            '<meta name="referrer" content="no-referrer">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{escape(show_controls(title))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
            body,
            "</main>\n</body>\n</html>\n",
        )
    )
