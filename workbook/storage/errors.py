"""What can go wrong with the workbook's files, each error worded for the family.

``str(error)`` is always a plain sentence or two: what is wrong, what to do, and whether anything was
lost. `FolderError` turns any OSError met on the data folder (a full disk, a folder where a file
belongs, no permission) into such a sentence, while still being an OSError with its errno, so code that
asks "was the disk full?" keeps working.
"""

from __future__ import annotations

import contextlib
import errno
from datetime import datetime
from pathlib import Path


class StorageError(Exception):
    """Base class for storage problems; ``str(error)`` is written for the family: what is wrong, what to do."""


class DatabaseLockedError(StorageError):
    """Another window or process already has this file open for writing."""

    path: Path

    def __init__(self, message: str | None = None, *, path: Path | None = None) -> None:
        # Message first, so a subclass can set `path` itself and pass only its own text.
        self.path = path if path is not None else getattr(self, "path", Path())
        super().__init__(
            message
            or "This review is already open in another window of Intervention Workbook.\n"
            f"Close it there first (nothing has been lost).\n(File: {self.path})"
        )


class CorruptDatabaseError(StorageError):
    """The file could not be read. If it was moved aside, ``quarantined_to`` says where; ``backups`` newest first."""

    def __init__(self, path: Path, quarantined_to: Path | None, reason: str, backups: list[Path], message: str | None = None) -> None:
        self.path, self.quarantined_to, self.reason, self.backups = path, quarantined_to, reason, backups
        super().__init__(message or self._describe())

    def _describe(self) -> str:
        moved = f"It has been moved aside to {self.quarantined_to}; nothing was overwritten." if self.quarantined_to else ""
        # Only what is true: a backup is offered when one exists, and "none" is said only when none does.
        offer = "A backup copy can be restored." if self.backups else "No backup copy was found."
        with contextlib.suppress(IndexError, OSError):
            offer = f"A backup from {datetime.fromtimestamp(self.backups[0].stat().st_mtime):%d %b %Y %H:%M} can be restored."
        return f"The saved file {self.path.name} could not be read ({self.reason}).\n{moved or 'The file has not been changed.'}\n{offer}"


class NewerSchemaError(StorageError):
    """The file was written by a newer version of the app (raised by callers that check the schema)."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path, self.found, self.supported = path, found, supported
        super().__init__(
            f"{path.name} was saved by a newer version of Intervention Workbook (format {found}; this version "
            f"understands up to {supported}).\nPlease update the app to open it. The file has not been changed."
        )


class LinkRefusedError(StorageError):
    """A file the workbook keeps in its own folder is a link (to somewhere else, or to nothing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} is a link to another place, not one of the workbook's own files.\n"
            "For your privacy the workbook never follows links out of its folder, so it did not open or change it.\n"
            "Move that link out of the folder (or put the real file in its place), then start again. Nothing was changed."
        )


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your share of the disk is full",
    errno.EROFS: "the disk it is on can only be read, not written",
    errno.EACCES: "your account is not allowed to use it",
    errno.EPERM: "your account is not allowed to use it",
    errno.EISDIR: "there is a folder where the workbook keeps a file",
    errno.ENOTDIR: "there is a file where the workbook keeps a folder",
    errno.ELOOP: "it is a link to another place",
    errno.EIO: "the disk reported a fault",
    errno.EFBIG: "the file would be too large for this disk",
    errno.ENAMETOOLONG: "its name is too long for this disk",
}

_ADVICE = {
    errno.ENOSPC: "Free some space on the disk, then try again.",
    errno.EDQUOT: "Free some space, then try again.",
    errno.EACCES: "Check that the folder belongs to you, or choose another with --data-dir.",
    errno.EPERM: "Check that the folder belongs to you, or choose another with --data-dir.",
    errno.EISDIR: "Move or rename that folder and start again, or choose another folder with --data-dir.",
    errno.ENOTDIR: "Move or rename that file and start again, or choose another folder with --data-dir.",
    errno.ELOOP: "Move that link out of the folder and start again, or choose another folder with --data-dir.",
}


def describe_os_error(error: OSError) -> str:
    """Why an operating-system error happened, in a few plain words (no error numbers, no Python)."""
    if isinstance(error, FolderError):
        return error.reason
    return _REASONS.get(error.errno or 0) or (error.strerror or "the computer refused").lower()


class FolderError(StorageError, OSError):
    """An OSError on the data folder, said plainly. Also an OSError, keeping ``errno`` for callers that ask."""

    def __init__(self, error: OSError, path: Path, doing: str, *, saved_before: bool = True) -> None:
        self.path, self.reason = Path(path), describe_os_error(error)
        advice = _ADVICE.get(error.errno or 0, "Check the folder, or choose another with --data-dir.")
        kept = " Everything saved before is still there." if saved_before else ""
        self.message = f"The workbook could not {doing} {self.path} because {self.reason}.\n{advice}{kept}"
        OSError.__init__(self, error.errno or 0, self.message)

    def __str__(self) -> str:
        return self.message
