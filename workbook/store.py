"""The family's reviews on disk: one file per review, plus a small index.

Layout of the data folder (0700; every file 0600):

    workbook.lock          held while the app has the folder open (one copy at a time)
    index.json             summaries for the list of reviews; a cache, rebuilt when stale or damaged
    reviews/<id>.json      one review each, written whole in one atomic save, with rotating backups
    trash/                 deleted reviews, moved here rather than destroyed, until the trash is emptied

One file per review keeps every save the size of that review, however many reviews the family keeps.
The folder's edges are in workbook/storage: `folder` (links refused, permissions, read-only on purpose),
`index` (the cache), `reviews` (reading and checking one file), `trash`. Every problem reaches the caller
as a StorageError whose text is written for the family; a damaged review stays in the list, marked, with
its backups counted, until the family restores or deletes it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .limits import TITLE_MAX
from .model import SCHEMA_VERSION, Review
from .storage import CorruptDatabaseError, NewerSchemaError, SafeJSONStorage, StorageError, trash
from .storage import folder as data_folder
from .storage import reviews as files
from .storage.errors import FolderError
from .storage.index import SummaryIndex
from .storage.lock import WorkbookInUseError, release_folder_lock, take_folder_lock
from .storage.trash import TrashedReview

ProgressFn = Callable[[Review], tuple[int, int]]

TRASH_KEPT = "Deleted reviews are kept in the trash, with their backup copies, until the trash is emptied."
"""How long deleted reviews are kept, for the delete dialog."""

READ_ONLY_REFUSED = (
    "This folder is read-only, so nothing can be changed in it. Nothing has been changed.\n"
    "To make changes, make the folder writable again, or start the workbook with --data-dir and another folder."
)


class ReviewNotFoundError(StorageError):
    """No review with that id or title."""


class ReviewFileMissingError(CorruptDatabaseError, ReviewNotFoundError):
    """A review's file is gone (moved aside as damaged, or lost) while its backups or damaged copy remain.

    Both a CorruptDatabaseError (the app offers its backups) and a ReviewNotFoundError (an import of the
    same review may write it afresh: nothing is overwritten, the remains stay beside it).
    """


class ReadOnlyError(StorageError):
    """A change was asked of a store opened read-only."""

    def __init__(self) -> None:
        super().__init__(READ_ONLY_REFUSED)


@dataclass(frozen=True)
class ReviewSummary:
    """One line of the list of reviews."""

    id: str
    title: str
    intervention_date: str
    updated: str
    started: int
    steps: int
    damaged: str = ""
    """Why the review's file could not be read, in plain words ("its file is damaged"); "" when it is fine."""
    backups: int = 0
    """How many backup copies could restore it (for a damaged review)."""

    @property
    def progress_label(self) -> str:
        """ "3 of 8 steps" for the list of reviews."""
        return f"{self.started} of {self.steps} steps" if self.steps else ""


def _default_progress(review: Review) -> tuple[int, int]:
    return len([s for s in review.answers.values() if s]), 0


class ReviewStore:
    """Opens, lists, saves and removes reviews in one data folder.

    `read_only=True` asks for reading only; a folder whose owner may not write to it is opened that way
    too, whatever was asked, and says so in `notices` (plain sentences for the app to show once).
    """

    def __init__(self, root: Path, *, read_only: bool = False, progress: ProgressFn | None = None) -> None:
        self.root = Path(root)
        self.notices: list[str] = []
        self._progress = progress or _default_progress
        self._lock_fd: int | None = None
        self._open: dict[str, SafeJSONStorage] = {}
        self._as_read: dict[str, dict[str, Any]] = {}  # read-only: each review as loaded, to tell a no-op save
        if not read_only and data_folder.read_only_on_purpose(self.root):
            read_only = True
            self.notices.append(data_folder.READ_ONLY_NOTICE)
        self.read_only = read_only
        try:
            if not read_only:
                data_folder.make_folder(self.root)
                data_folder.make_folder(self.reviews_dir)
            if read_only:
                data_folder.refuse_links(self.root)
            elif data_folder.make_all_private(self.root):  # refuses links too, in the same pass
                self.notices.append(data_folder.EXPOSED_NOTICE)
            if not read_only:
                self._take_lock()
                data_folder.remove_leftover_temps(self.root)  # safe: the lock says no other writer is running
        except BaseException as error:
            self.release_lock()
            if isinstance(error, OSError) and not isinstance(error, StorageError):
                raise FolderError(error, Path(error.filename or self.root), "use", saved_before=False) from error
            raise
        self._index = SummaryIndex(self.root / "index.json", read_only=read_only)
        self._index.cached()  # read now, so a problem with it is told at start, once
        if self._index.problem and not read_only:
            self.notices.append(f"The list of reviews cannot be kept between sessions, so it is rebuilt at each start. "
                                f"Your reviews are safe.\n{self._index.problem}")

    # -- folders and the one-copy lock ----------------------------------------------------

    @property
    def reviews_dir(self) -> Path:
        return self.root / "reviews"

    @property
    def trash_dir(self) -> Path:
        return self.root / "trash"

    def _take_lock(self) -> None:
        self._lock_fd = take_folder_lock(self.root / "workbook.lock")

    def close(self) -> None:
        """Close every open file and let another copy of the app in."""
        for storage in self._open.values():
            storage.close()
        self._open.clear()
        self._index.close()
        self.release_lock()

    def release_lock(self) -> None:
        """Let another copy of the app in (also called alone, when the app must stop without tidying up)."""
        fd, self._lock_fd = self._lock_fd, None
        release_folder_lock(fd)

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyError()

    # -- settings and the list of reviews ------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        """A small app setting (such as whether the welcome was seen)."""
        return self._index.setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        """Remember a setting (in a read-only folder, for this session only)."""
        self._index.set_setting(key, value)

    def _summarise(self, review: Review, mtime_ns: int) -> dict[str, Any]:
        started, steps = self._progress(review)
        return {
            "title": review.title[:TITLE_MAX],  # an old file's huge title must not make every start slow
            "intervention_date": review.intervention_date[:TITLE_MAX],
            "updated": review.updated[:64],
            "started": started,
            "steps": steps,
            "mtime_ns": mtime_ns,
        }

    def _record(self, review: Review) -> None:
        if self.read_only:
            return
        try:
            mtime = os.lstat(self.path_for(review.id)).st_mtime_ns
        except OSError:
            return
        self._index.update({review.id: self._summarise(review, mtime)})

    def summaries(self) -> list[ReviewSummary]:
        """Every review, most recently edited first; a damaged one is listed too, marked, never dropped."""
        from .storage.summaries import list_reviews

        try:
            return list_reviews(self)
        except OSError as error:
            if isinstance(error, StorageError):
                raise
            raise FolderError(error, Path(error.filename or self.reviews_dir), "read") from error

    # -- one review ----------------------------------------------------------------------

    def path_for(self, review_id: str) -> Path:
        if not files.REVIEW_ID.fullmatch(review_id):
            raise ReviewNotFoundError(f"There is no review called {review_id[:80]!r}.")
        return self.reviews_dir / f"{review_id}.json"

    def _missing(self, review_id: str) -> StorageError:
        """The error for a review whose file is not there: its remains (if any) offered, else "not found"."""
        path = self.path_for(review_id)
        aside = sorted(path.parent.glob(f"{path.name}.corrupt-*"))
        backups = [b for b, _ in files.good_backups(path)]
        if aside or files.backup_numbers(path):
            reason = files.DAMAGED if aside else files.MISSING
            return ReviewFileMissingError(path, aside[-1] if aside else None, reason, backups)
        return ReviewNotFoundError(f"There is no review with the id {review_id}.")

    def create(self, title: str) -> Review:
        """Start a new review and save it straight away (one atomic write: never a half-made file)."""
        review = Review(title=title.strip()[:TITLE_MAX] or "Our review")
        try:
            self.save(review)
        except BaseException:
            self._forget(review.id)
            raise
        self._record(review)
        return review

    def _storage(self, review_id: str) -> SafeJSONStorage:
        storage = self._open.get(review_id)
        if storage is None:
            storage = SafeJSONStorage(self.path_for(review_id))
            self._open[review_id] = storage
        return storage

    def _forget(self, review_id: str) -> None:
        storage = self._open.pop(review_id, None)
        if storage is not None:
            storage.close()

    def load(self, review_id: str) -> Review:
        """Open a review for editing (or reading, in a read-only store).

        Raises:
            ReviewNotFoundError (ReviewFileMissingError when backups or a damaged copy remain),
            CorruptDatabaseError (with the backups that could restore it), NewerSchemaError,
            DatabaseLockedError, FolderError.
        """
        path = self.path_for(review_id)
        try:
            if self.read_only:
                review = files.read_review(path)
                self._as_read[review_id] = review.to_dict()
                return review
            if not os.path.lexists(path):
                raise self._missing(review_id)
            data = self._storage(review_id).read()
            return files.review_from_data(data, path)
        except FileNotFoundError:
            raise self._missing(review_id) from None
        except files.StubFile:
            self._forget(review_id)
            if not self.read_only:
                files.remove_stub(path)  # it holds nothing; an import or restore may now write the review
            raise self._missing(review_id) from None
        except ReviewFileMissingError:
            raise
        except CorruptDatabaseError as error:
            self._forget(review_id)  # a damaged file is never saved over; release it so a restore can lock it
            raise files.with_backups(error, path) from None
        except BaseException:
            self._forget(review_id)
            raise

    def restore_backup(self, review_id: str, n: int = 1) -> Review:
        """Put backup number ``n`` (``<id>.json.bak<n>``) back in place of a damaged review, and open it.

        The damaged file, if still there, is kept beside it; nothing is overwritten.
        """
        self._refuse_if_read_only()
        self._forget(review_id)
        storage = SafeJSONStorage(self.path_for(review_id))
        try:
            storage.restore_backup(n)
        finally:
            storage.close()
        review = self.load(review_id)
        self._record(review)
        return review

    def save(self, review: Review) -> None:
        """Write one review to its own file, whole, in one atomic write. Never touches other reviews.

        Nothing is written when nothing changed, so opening and closing a review keeps its backups as they were.
        """
        if self.read_only:
            if self._as_read.get(review.id) == review.to_dict():
                return
            raise ReadOnlyError()
        storage = self._storage(review.id)
        current = storage.read() or {}
        meta = current.get("meta", {}).get("1", {})
        data = dict(current)
        data["meta"] = {"1": {**(meta if isinstance(meta, dict) else {}), "schema": SCHEMA_VERSION}}
        data["review"] = {"1": review.to_dict()}
        storage.write(data)

    def release(self, review: Review) -> None:
        """Done editing for now: save, refresh the list's summary, and close the file."""
        try:
            self.save(review)
            self._record(review)
        finally:
            self._forget(review.id)
            self._as_read.pop(review.id, None)

    def rename(self, review_id: str, title: str) -> Review:
        title = title.strip()
        if not title:
            raise ValueError("A review needs a title.")
        self._refuse_if_read_only()
        review = self.load(review_id)
        review.title = title[:TITLE_MAX]
        review.touch()
        self.release(review)
        return review

    def delete(self, review_id: str) -> Path:
        """Move a review (and its backups) into trash/; returns where it went. Kept until the trash is emptied."""
        path = self.path_for(review_id)  # refuses ids that are not ours before anything moves
        self._refuse_if_read_only()
        self._forget(review_id)
        try:
            data_folder.make_folder(self.trash_dir)
            target = trash.new_folder(self.trash_dir, review_id)
            for item in sorted(self.reviews_dir.glob(f"{path.name}*")):
                os.rename(item, target / item.name)  # the same disk: a rename, never a copy
        except OSError as error:
            if isinstance(error, StorageError):
                raise
            raise FolderError(error, self.trash_dir, "move the review into") from error
        self._index.update({}, [review_id])
        return target

    # -- the trash -------------------------------------------------------------------------

    def trash_items(self) -> list[TrashedReview]:
        """Deleted reviews waiting in the trash, most recently deleted first."""
        try:
            return trash.trashed(self.trash_dir, title_limit=TITLE_MAX)
        except OSError as error:
            raise FolderError(error, self.trash_dir, "read") from error

    def trash_count(self) -> int:
        """How many deleted reviews are in the trash."""
        try:
            return trash.count(self.trash_dir)
        except OSError as error:
            raise FolderError(error, self.trash_dir, "read") from error

    def empty_trash(self) -> int:
        """Remove every deleted review and its backups from the trash for good; returns how many reviews."""
        self._refuse_if_read_only()
        try:
            return trash.empty(self.trash_dir)
        except OSError as error:
            raise FolderError(error, self.trash_dir, "empty") from error

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


__all__ = [
    "TRASH_KEPT",
    "CorruptDatabaseError",
    "NewerSchemaError",
    "ReadOnlyError",
    "ReviewFileMissingError",
    "ReviewNotFoundError",
    "ReviewStore",
    "ReviewSummary",
    "TrashedReview",
    "WorkbookInUseError",
]
