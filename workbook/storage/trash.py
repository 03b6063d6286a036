"""trash/: deleted reviews, each in its own folder ``<id>-<when deleted>`` with its backups, until emptied.

Listing reads only the title from each deleted review (or its newest backup), so it works even when
the review itself was damaged.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import StorageError
from .private import open_private, read_private

STAMP = "%Y%m%dT%H%M%S"


@dataclass(frozen=True)
class TrashedReview:
    """One deleted review waiting in the trash."""

    folder: Path
    review_id: str
    title: str
    deleted: datetime | None


def _folders(trash: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(trash) as entries:
            return [e for e in entries if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def _title(folder: Path, review_id: str, limit: int) -> str:
    names = [f"{review_id}.json", *sorted(n for n in os.listdir(folder) if n.startswith(f"{review_id}.json.bak"))]
    for name in names:
        try:
            data: Any = json.loads(read_private(folder / name))
            title = data["review"]["1"]["title"]
        except (OSError, StorageError, ValueError, LookupError, TypeError, RecursionError):
            continue  # damaged, missing or a link: try the next copy
        if isinstance(title, str):
            return title[:limit]
    return f"(a review whose file could not be read, {review_id[:8]})"


def trashed(trash: Path, *, title_limit: int = 200) -> list[TrashedReview]:
    """Every deleted review in ``trash``, most recently deleted first."""
    found = []
    for entry in _folders(trash):
        review_id, _, stamp = entry.name.partition("-")
        try:
            deleted: datetime | None = datetime.strptime(stamp[: len("20260101T000000")], STAMP)
        except ValueError:
            deleted = None
        found.append(TrashedReview(Path(entry.path), review_id, _title(Path(entry.path), review_id, title_limit), deleted))
    return sorted(found, key=lambda item: item.deleted or datetime.min, reverse=True)


def count(trash: Path) -> int:
    """How many deleted reviews are in ``trash``."""
    return len(_folders(trash))


def empty(trash: Path) -> int:
    """Remove every deleted review (and its backups) for good; returns how many reviews were removed."""
    removed = 0
    for entry in _folders(trash):
        shutil.rmtree(entry.path)  # never follows a link inside (it removes the link itself)
        removed += 1
    return removed


def new_folder(trash: Path, review_id: str) -> Path:
    """A fresh, private folder in ``trash`` for one review being deleted now."""
    base = f"{review_id}-{datetime.now():{STAMP}}"
    candidate, number = trash / base, 1
    while True:
        try:
            os.mkdir(candidate, 0o700)
        except FileExistsError:
            number += 1
            candidate = trash / f"{base}-{number}"
            continue
        fd = open_private(candidate, os.O_RDONLY | os.O_DIRECTORY)  # mkdir's mode went through the umask
        try:
            os.fchmod(fd, 0o700)
        finally:
            os.close(fd)
        return candidate
