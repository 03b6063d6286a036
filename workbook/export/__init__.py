"""Exports for sharing: the Markdown summary for a professional, the same as a web page, and files.

`render_markdown` builds the summary, `render_html` turns it into one self-contained page, and
`write_export` saves either one atomically, readable only by the user (mode 0600).
`page_title` and `default_file_name` are shared by the app and the command line, so that with
initials neither the page's title nor the file's name carries the review's title, which is
usually the loved one's name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from .html import render_html

if TYPE_CHECKING:
    from ..model import Review
    from ..prompts import Prompts

__all__ = ["default_file_name", "page_title", "render_html", "render_markdown", "slug", "write_export"]

ANONYMOUS_TITLE = "Review summary"
"""The page title (and the summary's first heading) when initials are used instead of names."""


def slug(title: str) -> str:
    """A file-name-safe version of a review title: ASCII letters and digits joined by dashes.

    Accents are kept as their letter ("Zoë" gives "zoe"); a title with no such letter gives "review".
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-") or "review"


def page_title(review: Review, *, initials: bool = False) -> str:
    """The title of the web page: the review's title, or with initials a title that names nobody."""
    return ANONYMOUS_TITLE if initials else f"Review: {review.title}"


def default_file_name(review: Review, suffix: str, *, initials: bool = False) -> str:
    """The file name offered for an export; with initials it is made from the review's id, not its title."""
    stem = f"review-{review.id[:8]}" if initials else slug(review.title)
    return f"{stem}-summary{suffix}"


def render_markdown(review: Review, prompts: Prompts, *, initials: bool = False, suggestions: bool = True) -> str:
    """The summary for the professional as Markdown (see `workbook.export.markdown`)."""
    from .markdown import render_markdown as render

    return render(review, prompts, initials=initials, suggestions=suggestions)


def write_export(path: Path, text: str) -> Path:
    """Write an export atomically with mode 0600 and return the full path written.

    Raises:
        OSError (including StorageError's causes) when the folder is missing or not writable.
    """
    from ..storage import atomic_write_bytes

    path = Path(path).expanduser().absolute()
    atomic_write_bytes(path, text.encode("utf-8", errors="replace"), mode=0o600)
    return path

