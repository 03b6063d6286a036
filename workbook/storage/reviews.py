"""Reading one review file: decode, check, and say plainly why it cannot be used.

A review file is ``{"meta": {"1": {"schema": N}}, "review": {"1": {...}}}``, always written whole. Older
versions wrote the two parts in two saves, so a crash between them could leave a *stub*, a file with the
meta part and no review: it holds nothing, so the store removes it rather than list it as damaged.

Every check that a hand-edited or damaged file can fail raises `CorruptDatabaseError` carrying the
backups that could restore it, so the family is always offered what exists.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..controls import show_controls_in
from ..limits import ID_MAX
from ..model import SCHEMA_VERSION, Review
from .errors import CorruptDatabaseError, NewerSchemaError, StorageError
from .private import read_private

REVIEW_ID = re.compile(rf"[0-9a-f]{{8,{ID_MAX}}}")
"""The shape of a review id (the app makes 32 hex digits); a file named otherwise is not a review."""

DAMAGED = "its file is damaged"
MISSING = "its file is missing"
NEWER = "it was made by a newer version of the app"
UNREADABLE = "its file could not be read"


class StubFile(Exception):
    """Internal: the file holds no review (a leftover of an interrupted create in an older version)."""


def is_stub(data: object) -> bool:
    """True for a decoded file that holds nothing but its meta part (or nothing at all)."""
    return isinstance(data, dict) and not any(table for name, table in data.items() if name != "meta")


def decode(raw: bytes) -> Any:
    """Parse a review file's bytes; ValueError (with a plain reason) when they are not JSON text."""
    from .safe_json import _BadContent, _decode

    try:
        return _decode(raw)
    except _BadContent as bad:
        raise ValueError(str(bad)) from None


def review_from_data(data: Any, path: Path) -> Review:
    """The review a decoded file holds, checked; raises StubFile, NewerSchemaError or CorruptDatabaseError.

    The CorruptDatabaseError here carries no backups (the caller, who knows the folder, adds them).
    """
    if not isinstance(data, dict):
        raise CorruptDatabaseError(path, None, "the file does not hold a review", [])
    meta = data.get("meta", {}).get("1", {}) if isinstance(data.get("meta"), dict) else {}
    schema = meta.get("schema", SCHEMA_VERSION) if isinstance(meta, dict) else SCHEMA_VERSION
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise NewerSchemaError(path, schema if isinstance(schema, int) else -1, SCHEMA_VERSION)
    if is_stub(data):
        raise StubFile(str(path))
    raw = data.get("review", {}).get("1") if isinstance(data.get("review"), dict) else None
    if not isinstance(raw, dict):
        raise CorruptDatabaseError(path, None, "the file holds no review", [])
    raw = show_controls_in(raw)  # shown, never acted on, on every screen (workbook/controls.py); then checked as kept
    check_review(raw, path)
    try:
        review = Review.from_dict(raw)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise CorruptDatabaseError(path, None, f"part of it is not in the shape the app writes ({error})", []) from None
    # The file's name is the review's identity in this folder: a copy made by hand keeps its own.
    review.id = path.name.removesuffix(".json")
    return review


def check_review(raw: dict[str, Any], path: Path) -> None:
    """Refuse review data the app cannot trust (types, ids, duplicates), naming what is wrong.

    The one place a review read from disk is checked field by field (workbook/validate.py), without
    the prompts, so files stay readable after a counselor edits the questions. A file whose only fault
    is a size limit (written before the limits existed) is accepted: a size never breaks the app, and
    refusing the file would hide the family's words; the index cuts its title, so starts stay quick.
    A missing schema file is a broken installation, not a damaged review, so it never makes a file
    look damaged.
    """
    from ..validate import ReviewDataError, SchemaMissingError, validate_review

    try:
        validate_review(raw)
    except ReviewDataError as error:
        try:
            validate_review(raw, sizes=False)
        except ReviewDataError:
            raise CorruptDatabaseError(path, None, str(error), []) from None
    except SchemaMissingError as error:
        raise StorageError(str(error)) from None


def read_review(path: Path) -> Review:
    """Read and check one review file without locking it (atomic replaces mean it is always whole)."""
    try:
        raw = read_private(path)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise CorruptDatabaseError(path, None, UNREADABLE + f" ({error.strerror or error})", []) from error
    try:
        data = decode(raw)
    except ValueError as error:
        raise CorruptDatabaseError(path, None, str(error), []) from None
    return review_from_data(data, path)


def backup_numbers(path: Path) -> list[int]:
    """The numbers N of every ``<file>.bakN`` beside ``path``, newest (lowest) first."""
    prefix = path.name + ".bak"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return sorted(int(n[len(prefix):]) for n in names if n.startswith(prefix) and n[len(prefix):].isdecimal() and n[len(prefix):].isascii())


def good_backups(path: Path) -> list[tuple[Path, Review]]:
    """The backups of a review file that hold a review the app can open, newest first, with that review."""
    found = []
    for number in backup_numbers(path):
        backup = path.with_name(f"{path.name}.bak{number}")
        try:
            found.append((backup, review_from_data(decode(read_private(backup)), path)))
        except (OSError, ValueError, StubFile, StorageError):
            continue  # offering a backup that cannot be restored would only disappoint
    return found


def with_backups(error: CorruptDatabaseError, path: Path) -> CorruptDatabaseError:
    """The same error, carrying the backups that could restore the file (so restore is offered)."""
    return CorruptDatabaseError(error.path, error.quarantined_to, error.reason, [b for b, _ in good_backups(path)])


def remove_stub(path: Path) -> bool:
    """Delete a stub file (it holds nothing); True when it was one and is gone."""
    try:
        data = decode(read_private(path))
    except (OSError, ValueError, StorageError):
        return False
    if not is_stub(data):
        return False
    os.unlink(path)
    return True
