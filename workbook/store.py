"""The family's reviews on disk: one TinyDB file per review, plus a small index.

Layout of the data folder (created 0700; every file 0600):

    workbook.lock          held while the app has the folder open (one copy at a time)
    index.json             summaries for the list of reviews; a cache, rebuilt when stale
    reviews/<id>.json      one review each, written atomically with rotating backups
    trash/                 deleted reviews, moved here rather than destroyed

One file per review keeps every save the size of that review, however many reviews the family
keeps. The index is only rewritten when a review is created, renamed, deleted or closed; a
summary whose file changed since (say, after a crash) is recomputed from the file itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from .model import SCHEMA_VERSION, Review
from .storage import (
    CorruptDatabaseError,
    DatabaseLockedError,
    NewerSchemaError,
    StorageError,
    open_database,
)

ProgressFn = Callable[[Review], tuple[int, int]]


class WorkbookInUseError(DatabaseLockedError):
    """Another copy of the app already has this data folder open.

    `holder` is the process id written in the lock file by the copy that holds it (None when the file
    does not say, as with a copy from before the id was recorded, or one that is just starting).
    """

    def __init__(self, path: Path, holder: int | None = None) -> None:
        self.path = path
        self.holder = holder
        folder = f"Intervention Workbook is already open on this computer, using the data in\n  {path.parent}\n"
        elsewhere = "To look at a different set of reviews at the same time, start it with --data-dir."
        if holder is None:
            message = (
                f"{folder}Please switch to that window (or close it) and try again. Nothing has been lost.\n"
                "If no such window is open, restart the computer and start again.\n"
                f"{elsewhere}"
            )
        elif _process_running(holder):
            message = (
                f"{folder}It is process {holder}, which is still running.\n"
                "If it is open in another window, please switch to that window, or close it and try again.\n"
                "If you closed that window, the copy may still be running in the background: end it with\n"
                f"  kill {holder}\n"
                "(or restart the computer), then start again. Nothing has been lost.\n"
                f"{elsewhere}"
            )
        else:
            message = (
                f"{folder}It was process {holder}, which no longer seems to be running, so it should be free\n"
                "in a moment: please wait a few seconds and start again (or restart the computer).\n"
                f"Nothing has been lost.\n{elsewhere}"
            )
        super().__init__(message)


def _process_running(pid: int) -> bool:
    """Whether a process with this id seems to exist (one of another user's counts too)."""
    try:
        os.kill(pid, 0)  # signal 0 sends nothing; it only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


class ReviewNotFoundError(StorageError):
    """No review with that id or title."""


@dataclass(frozen=True)
class ReviewSummary:
    """One line of the list of reviews."""

    id: str
    title: str
    intervention_date: str
    updated: str
    started: int
    steps: int

    @property
    def progress_label(self) -> str:
        """ "3 of 8 steps" for the list of reviews."""
        return f"{self.started} of {self.steps} steps" if self.steps else ""


def _default_progress(review: Review) -> tuple[int, int]:
    return len([s for s in review.answers.values() if s]), 0


class ReviewStore:
    """Opens, lists, saves and removes reviews in one data folder."""

    def __init__(self, root: Path, *, read_only: bool = False, progress: ProgressFn | None = None) -> None:
        self.root = root
        self.read_only = read_only
        self._progress = progress or _default_progress
        self._lock_fd: int | None = None
        self._open: dict[str, TinyDB] = {}
        if not read_only:
            self._make_dir(root)
            self._make_dir(self.reviews_dir)
            self._take_lock()
        self._index: TinyDB | None = None

    # -- folders and the one-copy lock ----------------------------------------------------

    @property
    def reviews_dir(self) -> Path:
        return self.root / "reviews"

    @property
    def trash_dir(self) -> Path:
        return self.root / "trash"

    @staticmethod
    def _make_dir(path: Path) -> None:
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(path, 0o700)
        except OSError as error:
            raise StorageError(
                f"The workbook could not use the folder {path} ({error.strerror}).\n"
                "Check that it exists and that you may write to it, or choose another with --data-dir."
            ) from error

    def _take_lock(self) -> None:
        lock_path = self.root / "workbook.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = _read_holder(fd)
            os.close(fd)
            raise WorkbookInUseError(lock_path, holder) from error
        self._lock_fd = fd
        # Our process id, so a second copy can say which process to end if this one is ever left running
        # unseen. The lock itself is the flock, so failing to write the id (a full disk) changes nothing.
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)

    def close(self) -> None:
        """Close every open file and let another copy of the app in."""
        for db in self._open.values():
            db.close()
        self._open.clear()
        if self._index is not None:
            self._index.close()
            self._index = None
        self.release_lock()

    def release_lock(self) -> None:
        """Let another copy of the app in (also called alone, when the app must stop without tidying up)."""
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # an id left behind would name a process that no longer holds the folder
            os.close(fd)

    # -- the index (a cache of summaries, plus small settings) -----------------------------

    @property
    def index(self) -> TinyDB:
        if self._index is None:
            path = self.root / "index.json"
            try:
                self._index = open_database(path, read_only=self.read_only)
            except CorruptDatabaseError:
                # The index only caches what the review files hold, so rebuilding loses nothing.
                self._index = open_database(path, read_only=self.read_only)
        return self._index

    def setting(self, key: str, default: Any = None) -> Any:
        """A small app setting (such as whether the welcome was seen)."""
        found = self.index.table("settings").get(doc_id=1)
        return found.get(key, default) if found else default

    def set_setting(self, key: str, value: Any) -> None:
        table = self.index.table("settings")
        table.upsert(Document({key: value}, doc_id=1))

    def _summarise(self, review: Review, mtime_ns: int) -> dict[str, Any]:
        started, steps = self._progress(review)
        return {
            "title": review.title,
            "intervention_date": review.intervention_date,
            "updated": review.updated,
            "started": started,
            "steps": steps,
            "mtime_ns": mtime_ns,
        }

    def _record(self, review: Review) -> None:
        if self.read_only:
            return
        try:
            mtime = self.path_for(review.id).stat().st_mtime_ns
        except FileNotFoundError:
            return
        self.index.table("reviews").upsert(Document({"id": review.id, **self._summarise(review, mtime)}, doc_id=_doc_id(review.id)))

    def summaries(self) -> list[ReviewSummary]:
        """Every review, most recently edited first."""
        table = self.index.table("reviews")
        # The raw stored dicts: building a TinyDB Document for each of hundreds of rows is measurable at start-up.
        raw = (self.index.storage.read() or {}).get("reviews", {})
        cached = {doc["id"]: doc for doc in raw.values() if isinstance(doc, dict) and "id" in doc}
        found: list[ReviewSummary] = []
        fresh: dict[str, dict[str, Any]] = {}
        for entry in os.scandir(self.reviews_dir) if self.reviews_dir.is_dir() else []:
            if not entry.name.endswith(".json") or entry.name.startswith("."):
                continue
            review_id = entry.name[: -len(".json")]
            doc: dict[str, Any] | None = cached.get(review_id)
            mtime = entry.stat().st_mtime_ns
            if doc is None or doc.get("mtime_ns") != mtime:
                try:
                    review = self._read_file(Path(entry.path))
                except (StorageError, ValueError):
                    doc = {
                        "title": f"(unreadable review {review_id[:8]})",
                        "intervention_date": "",
                        "updated": "",
                        "started": 0,
                        "steps": 0,
                    }
                else:
                    doc = self._summarise(review, mtime)
                    fresh[review_id] = doc
            found.append(ReviewSummary(review_id, doc["title"], doc["intervention_date"], doc["updated"], doc["started"], doc["steps"]))
        if fresh and not self.read_only:
            # One write for all the summaries that changed, not one per review (after a copy, all of them may have).
            ids = [_doc_id(review_id) for review_id in fresh if review_id in cached]
            if ids:
                table.remove(doc_ids=ids)
            table.insert_multiple(Document({"id": rid, **doc}, doc_id=_doc_id(rid)) for rid, doc in fresh.items())
        return sorted(found, key=lambda s: s.updated, reverse=True)

    # -- one review ----------------------------------------------------------------------

    def path_for(self, review_id: str) -> Path:
        if not review_id.isalnum():
            raise ReviewNotFoundError(f"There is no review called {review_id!r}.")
        return self.reviews_dir / f"{review_id}.json"

    def _read_file(self, path: Path) -> Review:
        """Read a review file without locking it (atomic replaces mean it is always whole)."""
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError) as error:
            raise CorruptDatabaseError(path, None, str(error), []) from error
        return _review_from_tables(data, path)

    def create(self, title: str) -> Review:
        """Start a new review and save it straight away."""
        title = title.strip() or "Our review"
        review = Review(title=title)
        self.save(review)
        self._record(review)
        return review

    def _db(self, review_id: str) -> TinyDB:
        db = self._open.get(review_id)
        if db is None:
            db = open_database(self.path_for(review_id), read_only=self.read_only)
            self._open[review_id] = db
        return db

    def load(self, review_id: str) -> Review:
        """Open a review for editing (or reading, in a read-only store).

        Raises:
            ReviewNotFoundError, CorruptDatabaseError, NewerSchemaError, DatabaseLockedError.
        """
        path = self.path_for(review_id)
        if not path.exists():
            raise ReviewNotFoundError(f"There is no review with the id {review_id}.")
        if self.read_only:
            return self._read_file(path)
        db = self._db(review_id)
        data = {name: dict(db.table(name).get(doc_id=1) or {}) for name in ("meta", "review")}
        return _review_from_tables({"meta": {"1": data["meta"]}, "review": {"1": data["review"]}}, path)

    def restore_backup(self, review_id: str, n: int = 1) -> Review:
        """Put a review's backup back in place (after its file was found damaged) and open it."""
        from .storage import SafeJSONStorage

        storage = SafeJSONStorage(self.path_for(review_id))
        try:
            storage.restore_backup(n)
        finally:
            storage.close()
        return self.load(review_id)

    def save(self, review: Review) -> None:
        """Write one review to its own file, atomically. Never touches other reviews."""
        db = self._db(review.id)
        if not db.table("meta").contains(doc_id=1):  # a new file: say which shape it holds, once
            db.table("meta").insert(Document({"schema": SCHEMA_VERSION}, doc_id=1))
        db.table("review").upsert(Document(review.to_dict(), doc_id=1))

    def release(self, review: Review) -> None:
        """Done editing for now: save, refresh the list's summary, and close the file."""
        self.save(review)
        self._record(review)
        db = self._open.pop(review.id, None)
        if db is not None:
            db.close()

    def rename(self, review_id: str, title: str) -> Review:
        title = title.strip()
        if not title:
            raise ValueError("A review needs a title.")
        review = self.load(review_id)
        review.title = title
        review.touch()
        self.release(review)
        return review

    def delete(self, review_id: str) -> Path:
        """Move a review (and its backups) into trash/; returns where it went."""
        self.path_for(review_id)  # refuses ids that are not ours before anything moves
        db = self._open.pop(review_id, None)
        if db is not None:
            db.close()
        self._make_dir(self.trash_dir)
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        target = self.trash_dir / f"{review_id}-{stamp}"
        self._make_dir(target)
        for item in self.reviews_dir.glob(f"{review_id}.json*"):
            shutil.move(str(item), target / item.name)
        reviews = self.index.table("reviews")
        if reviews.contains(doc_id=_doc_id(review_id)):
            reviews.remove(doc_ids=[_doc_id(review_id)])
        return target

    def find(self, key: str) -> ReviewSummary:
        """A review by id, id prefix or title (case-insensitive), for the command line."""
        summaries = self.summaries()
        exact = [s for s in summaries if s.id == key or s.title.casefold() == key.casefold()]
        matches = exact or [s for s in summaries if len(key) >= 4 and s.id.startswith(key)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ReviewNotFoundError(f"No review matches {key!r}. 'intervention-workbook list' shows them all.")
        raise ReviewNotFoundError(f"More than one review matches {key!r}; use its id instead.")


def _read_holder(fd: int) -> int | None:
    """The process id written in a lock file, or None when it holds none (yet)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def _doc_id(review_id: str) -> int:
    """A stable TinyDB document id for a review id (hex), so the index never needs a query."""
    return int(review_id[:15], 16) + 1


def _review_from_tables(data: Any, path: Path) -> Review:
    if not isinstance(data, dict):
        raise CorruptDatabaseError(path, None, "the file does not hold a review", [])
    meta = dict(data.get("meta", {}).get("1", {}))
    schema = meta.get("schema", SCHEMA_VERSION)
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise NewerSchemaError(path, schema if isinstance(schema, int) else -1, SCHEMA_VERSION)
    raw = data.get("review", {}).get("1")
    if raw is None:
        raise CorruptDatabaseError(path, None, "the file holds no review", [])
    try:
        return Review.from_dict(raw)
    except ValueError as error:
        raise CorruptDatabaseError(path, None, str(error), []) from error
