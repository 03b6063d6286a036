"""Opening the workbook's own files without ever following a link out of its folder.

A link planted in the data folder (``workbook.lock``, a review, a backup, the index) could otherwise
make the workbook create a file elsewhere, or change the permissions of someone else's file. Every
open here uses O_NOFOLLOW, and permissions are changed through a descriptor opened that way (Linux
cannot change a link's own mode, and ``os.chmod`` on a path follows links). A link is refused with
`LinkRefusedError`, naming it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import LinkRefusedError

NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


def open_private(path: Path, flags: int, mode: int = 0o600) -> int:
    """``os.open`` that refuses a link (``path`` itself; its folders were checked when the store opened)."""
    try:
        return os.open(path, flags | NOFOLLOW, mode)
    except OSError as error:
        if error.errno == errno.ELOOP or (error.errno == errno.EEXIST and os.path.islink(path)):
            raise LinkRefusedError(Path(path)) from None
        raise


def read_private(path: Path) -> bytes:
    """The whole file, read without following a link."""
    fd = open_private(path, os.O_RDONLY)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(errno.EISDIR, "not a regular file", str(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def make_private(path: Path) -> bool:
    """Take away every permission of other people on ``path`` (never through a link).

    Returns True when there was something to take away (so the family can be told once). A file
    becomes 0600 and a folder 0700, as the workbook creates them; one already private is left alone.
    """
    found = os.lstat(path)
    if stat.S_ISLNK(found.st_mode):
        raise LinkRefusedError(Path(path))
    if not found.st_mode & 0o077:
        return False
    folder = stat.S_ISDIR(found.st_mode)
    fd = open_private(path, os.O_RDONLY | (os.O_DIRECTORY if folder else os.O_NONBLOCK))
    try:
        os.fchmod(fd, 0o700 if folder else 0o600)
    finally:
        os.close(fd)
    return True
