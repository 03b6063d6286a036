"""The list of reviews: every review in reviews/, from the index when it is fresh, from the file when not.

Files are grouped by review id: ``<id>.json`` is the review, ``<id>.json.bakN`` its backups, and
``<id>.json.corrupt-<time>`` a damaged copy moved aside. A review whose file cannot be read, or whose
file was moved aside or lost while backups remain, is listed *damaged*, with the reason and the number of
backups that could restore it, until the family restores or deletes it. A file whose name is not a
review id is not a review and is left alone. A stub (see `reviews`) holds nothing and is removed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from ..controls import show_controls
from ..limits import TITLE_MAX
from . import reviews as files
from .errors import CorruptDatabaseError, NewerSchemaError

if TYPE_CHECKING:
    from ..store import ReviewStore, ReviewSummary


@dataclass
class _Files:
    main: os.DirEntry[str] | None = None
    backups: int = 0
    aside: list[str] = field(default_factory=list)


def _usable(doc: object) -> TypeGuard[dict[str, Any]]:
    """A cached summary with every field of the right type (the index can be edited or damaged by hand)."""
    if type(doc) is not dict:
        return False
    try:
        title, date, updated = doc["title"], doc["intervention_date"], doc["updated"]
        started, steps, mtime = doc["started"], doc["steps"], doc["mtime_ns"]
    except KeyError:
        return False
    return type(title) is type(date) is type(updated) is str and type(started) is type(steps) is type(mtime) is int


def _group(folder: Path) -> dict[str, _Files]:
    groups: dict[str, _Files] = {}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return groups
    for entry in entries:
        review_id, dot_json, rest = entry.name.partition(".json")
        if not dot_json or not files.REVIEW_ID.fullmatch(review_id):
            continue  # a temp file, a lock, or a file that is not one of ours
        if rest == "":
            groups.setdefault(review_id, _Files()).main = entry
        elif rest.startswith(".bak") and rest[4:].isdecimal():
            groups.setdefault(review_id, _Files()).backups += 1
        elif rest.startswith(".corrupt-"):
            groups.setdefault(review_id, _Files()).aside.append(entry.name)
    return groups


def list_reviews(store: ReviewStore) -> list[ReviewSummary]:
    """What `ReviewStore.summaries` returns (kept here so the store stays about one review at a time)."""
    from ..store import ReviewSummary

    cached = store._index.cached()  # this module is the store's own list
    found: list[ReviewSummary] = []
    fresh: dict[str, dict[str, Any]] = {}
    for review_id, group in _group(store.reviews_dir).items():
        damaged, backups = "", 0
        try:
            mtime = group.main.stat(follow_symlinks=False).st_mtime_ns if group.main is not None else 0
        except FileNotFoundError:
            group.main = None  # removed meanwhile
        if group.main is not None:
            doc = cached.get(review_id)
            if _usable(doc) and doc["mtime_ns"] == mtime:
                # An index written before control characters were shown may still hold them raw: show them here too.
                found.append(ReviewSummary(review_id, show_controls(doc["title"][:TITLE_MAX]), doc["intervention_date"], doc["updated"],
                                           doc["started"], doc["steps"]))
                continue
            path = Path(group.main.path)
            try:
                review = files.read_review(path)
            except files.StubFile:
                if not store.read_only and review_id not in store._open:
                    files.remove_stub(path)  # holds nothing: never listed, never in the way of an import
                group.main = None
            except NewerSchemaError:
                damaged = files.NEWER  # not damaged, only newer: no backup is offered over it
            except CorruptDatabaseError as error:
                damaged = files.UNREADABLE if error.reason.startswith(files.UNREADABLE) else files.DAMAGED
                backups = -1
            except FileNotFoundError:
                group.main = None  # removed meanwhile
            else:
                fresh[review_id] = store._summarise(review, mtime)
                found.append(ReviewSummary(review_id, *_fields(fresh[review_id])))
                continue
        if group.main is None:
            if not (group.backups or group.aside):
                continue  # nothing left of it at all
            damaged, backups = (files.DAMAGED if group.aside else files.MISSING), -1
        found.append(_damaged(store, review_id, damaged, backups, cached.get(review_id)))
    listed = {s.id for s in found}
    gone = [review_id for review_id in cached if review_id not in listed]
    if (fresh or gone) and not store.read_only:
        store._index.update(fresh, gone)  # one write for all, however many changed
    return sorted(found, key=lambda s: s.updated, reverse=True)


def _fields(doc: dict[str, Any]) -> tuple[str, str, str, int, int]:
    return doc["title"], doc["intervention_date"], doc["updated"], doc["started"], doc["steps"]


def _damaged(store: ReviewStore, review_id: str, reason: str, backups: int, doc: object) -> ReviewSummary:
    """A damaged review's line: its title from the index or its newest good backup, and how many could restore it."""
    from ..store import ReviewSummary

    good = files.good_backups(store.path_for(review_id)) if backups < 0 else []
    if _usable(doc):
        title, date, updated = doc["title"][:TITLE_MAX], doc["intervention_date"], doc["updated"]
    elif good:
        newest = good[0][1]
        title, date, updated = newest.title[:TITLE_MAX], newest.intervention_date, newest.updated
    else:
        title, date, updated = f"(unreadable review {review_id[:8]})", "", ""
    return ReviewSummary(review_id, show_controls(title), date, updated, 0, 0, reason, len(good))

