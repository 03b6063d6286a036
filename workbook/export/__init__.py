"""Exports for sharing: the Markdown summary for a professional, the same as a web page, and files.

`render_markdown` builds the summary, `render_html` turns it into one self-contained page, and
`write_export` saves either one atomically, readable only by the user (mode 0600).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .html import render_html

if TYPE_CHECKING:
    from ..model import Review
    from ..prompts import Prompts

__all__ = ["render_html", "render_markdown", "write_export"]


def render_markdown(review: Review, prompts: Prompts, *, initials: bool = False) -> str:
    """The summary for the professional as Markdown (see `workbook.export.markdown`)."""
    from .markdown import render_markdown as render

    return render(review, prompts, initials=initials)


def write_export(path: Path, text: str) -> Path:
    """Write an export atomically with mode 0600 and return the full path written.

    Raises:
        OSError (including StorageError's causes) when the folder is missing or not writable.
    """
    from ..storage import atomic_write_bytes

    path = Path(path).expanduser().absolute()
    atomic_write_bytes(path, text.encode("utf-8", errors="replace"), mode=0o600)
    return path

