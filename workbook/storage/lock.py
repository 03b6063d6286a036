"""The one-copy lock: ``workbook.lock`` in the data folder, held (flock) while a copy of the app has it open.

The kernel drops an flock when its process dies, so a crash never leaves the folder locked. The holder's
process id is written in the file so a second copy can say which process to end. The file is opened with
O_NOFOLLOW: a planted link is refused, so nothing is ever created or changed outside the folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from .errors import DatabaseLockedError
from .private import open_private


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


def take_folder_lock(lock_path: Path) -> int:
    """Hold the folder's lock; returns its descriptor. Raises WorkbookInUseError when another copy has it."""
    fd = open_private(lock_path, os.O_RDWR | os.O_CREAT, 0o600)  # never through a planted link
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        holder = _read_holder(fd)
        os.close(fd)
        raise WorkbookInUseError(lock_path, holder) from error
    # Our process id, so a second copy can say which process to end if this one is ever left running
    # unseen. The lock itself is the flock, so failing to write the id (a full disk) changes nothing.
    with contextlib.suppress(OSError):
        os.fchmod(fd, 0o600)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def release_folder_lock(fd: int | None) -> None:
    """Let another copy in (closing the descriptor drops the flock)."""
    if fd is not None:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # an id left behind would name a process that no longer holds the folder
        os.close(fd)


def _read_holder(fd: int) -> int | None:
    """The process id written in a lock file, or None when it holds none (yet)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None
