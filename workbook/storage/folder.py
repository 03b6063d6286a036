"""The data folder as a whole: made private, never followed out of, and left read-only when it was made so.

Checked once when the store opens, before anything is written:

- a link among the workbook's own files (``workbook.lock``, the index, ``reviews/`` and everything in it,
  ``trash/``) is refused with `LinkRefusedError`, naming it: nothing is opened through it, so its target is
  never changed and nothing is created outside the folder;
- the folder, its subfolders and files lose any permission for other people (0700 and 0600), and the family is
  told once (`EXPOSED_NOTICE`), since their reviews were readable by others until then;
- a folder whose owner has no write permission was made read-only on purpose: it is opened for reading only
  (`READ_ONLY_NOTICE`), never made writable. This is decided by the mode bits, not ``os.access``, which says
  "writable" to root whatever the bits.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import LinkRefusedError
from .private import make_private, open_private

EXPOSED_NOTICE = "Your reviews could be read by other people using this computer. They are now private to your account."

READ_ONLY_NOTICE = (
    "This folder is read-only, so the workbook opened it for reading: you can read and export reviews but not change them. "
    "To write, make the folder writable or choose another with --data-dir."
)

OWN_NAMES = ("workbook.lock", "index.json", "reviews", "trash")
"""Names the workbook keeps at the top of its folder (the index also has ``index.json.lock`` and the like)."""


def _own(name: str) -> bool:
    return name in OWN_NAMES or name.startswith(("index.json.", "workbook.lock."))


def _is_dir(path: Path) -> bool:
    """A real folder (not a link to one)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def read_only_on_purpose(root: Path) -> bool:
    """True when the folder (or its reviews/ folder) exists and its owner may not write to it."""
    for folder in (root, root / "reviews"):
        try:
            found = os.stat(folder)  # the data folder itself may be a link the family chose (--data-dir)
        except OSError:
            continue  # missing (made later) or unusable (said plainly when it is used)
        if stat.S_ISDIR(found.st_mode) and not found.st_mode & stat.S_IWUSR:
            return True
    return False


def make_folder(path: Path) -> None:
    """Create ``path`` 0700 if it is missing; a file or a link in its place is an error, never replaced."""
    try:
        if not os.path.lexists(path.parent):
            os.makedirs(path.parent, exist_ok=True)  # a first start: ~/.local/share may not exist yet
        os.mkdir(path, 0o700)
    except FileExistsError:
        found = os.lstat(path)
        if stat.S_ISLNK(found.st_mode) and path.name in OWN_NAMES:
            raise LinkRefusedError(path) from None
        if not stat.S_ISDIR(os.stat(path).st_mode):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(path)) from None
        return
    # mkdir's mode goes through the umask, which could leave even the owner without a permission it needs.
    fd = open_private(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fchmod(fd, 0o700)
    finally:
        os.close(fd)


def _entries(folder: str) -> list[os.DirEntry[str]]:
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return []  # a link in a folder's place is caught by the caller, as one of our own paths
        with os.scandir(folder) as found:
            return list(found)
    except FileNotFoundError:
        return []


def own_entries(root: Path) -> Iterator[os.DirEntry[str]]:
    """Every entry the workbook keeps in ``root``, folders before what they hold (strings, not Paths: this runs
    at every start over every file, and building a Path for each cost more than the checks themselves).

    Raises OSError when a folder cannot be read (the caller words it).
    """
    top = str(root)
    for entry in _entries(top):
        if _own(entry.name):
            yield entry
    yield from _entries(os.path.join(top, "reviews"))
    for entry in _entries(os.path.join(top, "trash")):
        yield entry
        if entry.is_dir(follow_symlinks=False):
            yield from _entries(entry.path)


def refuse_links(root: Path) -> None:
    """Raise LinkRefusedError for the first of the workbook's own files that is a link."""
    for entry in own_entries(root):
        if entry.is_symlink():
            raise LinkRefusedError(Path(entry.path))


def make_all_private(root: Path) -> bool:
    """Refuse links, and take others' permissions off the folder and everything the workbook keeps in it.

    Returns True when any such permission was found (so the family can be told once). Files are looked
    at one by one only when the folder itself was open to others: inside a private folder nobody else
    can reach them, and each file is made private anyway when it is next opened or saved.
    """
    exposed = make_private(root) if not os.path.islink(root) else _make_target_private(root)
    for entry in own_entries(root):
        if entry.is_symlink():  # from the directory listing itself: no extra call per file
            raise LinkRefusedError(Path(entry.path))
        if not exposed:
            continue
        with contextlib.suppress(FileNotFoundError):  # removed meanwhile (a temp file): nothing to protect
            make_private(Path(entry.path))
    return exposed


def _make_target_private(root: Path) -> bool:
    """The data folder itself may be a link the family chose with --data-dir: its target is their folder."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not mode & 0o077:
            return False
        os.fchmod(fd, 0o700)
        return True
    finally:
        os.close(fd)


def remove_leftover_temps(root: Path) -> None:
    """Delete temp files a killed save left behind (call only while holding the folder's lock)."""
    for folder in (str(root), os.path.join(root, "reviews")):
        for entry in _entries(folder):
            if entry.name.startswith(".") and entry.name.endswith(".tmp") and not entry.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
