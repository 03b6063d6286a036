"""Crash-safe, single-writer JSON storage for TinyDB.

TinyDB's ``JSONStorage`` rewrites the file in place, so a crash or a full disk can leave a file nobody can open; two
app windows on one file corrupt it; and an empty file or ``null`` is silently taken for a new database and overwritten.
Here: one writer (an ``flock`` on ``<file>.lock``, which the kernel drops if the process dies, so no stale locks);
every save goes to a fsynced temp file renamed over the real one, so the file is always one whole save; rotating
``.bak1..N`` backups by hard link; a damaged file is moved aside to ``<file>.corrupt-<time>``, never overwritten; and
folder 0700, files 0600, because this is a family's private writing. No file is ever opened through a link
(``private.py``), and a save whose bytes equal the file's is skipped, so backups rotate only when something changed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from tinydb import TinyDB
from tinydb.storages import Storage

from .errors import CorruptDatabaseError, DatabaseLockedError, FolderError, NewerSchemaError, StorageError
from .private import make_private, open_private, read_private

__all__ = [
    "CorruptDatabaseError",
    "DatabaseLockedError",
    "NewerSchemaError",
    "SafeJSONStorage",
    "StorageError",
    "atomic_write_bytes",
    "list_backups",
    "open_database",
]

Data = dict[str, dict[str, Any]]


class _BadContent(ValueError):
    """Internal: the bytes are not a TinyDB database; ``str(error)`` says why, in plain words."""


def _kind(value: object) -> str:
    return {list: "a list", str: "text", type(None): "nothing"}.get(type(value), "a single value")


def _decode(raw: bytes) -> Data:
    """Parse and check the shape TinyDB relies on, ``{table: {"<id>": {document}}}``, or raise _BadContent."""
    if not raw.strip():
        raise _BadContent("the file is empty")
    try:
        text = raw.decode("utf-8")  # strict; json.loads(bytes) would also guess at UTF-16/32
    except UnicodeDecodeError as error:
        raise _BadContent(f"it contains bytes that are not text, at byte {error.start}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        # Where, not the parser's words ("Expecting property name enclosed in double quotes"): whoever helps
        # the family can look there.
        raise _BadContent(f"it is damaged at line {error.lineno}, column {error.colno}") from None
    except (ValueError, RecursionError):
        raise _BadContent("it is damaged: it is nested too deeply or holds a number too large to read") from None
    if not isinstance(data, dict):
        raise _BadContent(f"it holds {_kind(data)} instead of a workbook")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise _BadContent(f"its part {name!r} holds {_kind(table)} instead of entries")
        for doc_id, doc in table.items():
            if not (doc_id.isascii() and doc_id.isdecimal() and isinstance(doc, dict)):
                raise _BadContent(f"its part {name!r} has a damaged entry {doc_id!r}")
    return data


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable: the new directory entry lives in the directory's own blocks."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _write_temp(path: Path, payload: bytes, mode: int) -> str:
    """Write ``payload`` to a fsynced temp file next to ``path`` and return its name; the caller renames it."""
    # The same folder, so os.replace is an atomic rename; mkstemp creates the file 0600 from the start.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # an unusual umask could have taken bits off even 0600
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def atomic_write_bytes(path: Path, payload: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``payload``: readers see the old file or the new one, never half (also for exports).

    On failure the temp file is removed, ``path`` is untouched and the error is re-raised.
    """
    path = Path(path)
    tmp = _write_temp(path, payload, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(path.parent)


def _numbered_backups(path: Path) -> list[tuple[int, Path]]:
    """Every ``<name>.bak<N>`` beside ``path``, lowest (newest) number first, readable or not."""
    prefix = path.name + ".bak"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    found = []
    for name in names:
        number = name[len(prefix) :]
        if name.startswith(prefix) and number.isascii() and number.isdecimal() and int(number) > 0:
            found.append((int(number), path.with_name(name)))
    return sorted(found)


def list_backups(path: Path) -> list[Path]:
    """The backups of ``path`` that hold a readable workbook, newest first."""
    good = []
    for _, candidate in _numbered_backups(Path(path)):
        try:
            _decode(read_private(candidate))
        except (OSError, StorageError, _BadContent):
            continue  # offering a backup that cannot be restored would only disappoint
        good.append(candidate)
    return good


class SafeJSONStorage(Storage):
    """A TinyDB storage that locks, writes atomically, keeps backups and never overwrites a damaged file.

    After a ``CorruptDatabaseError`` the instance refuses to save until ``restore_backup()`` or ``start_fresh()``.
    Prefer a new TinyDB afterwards: TinyDB tables cache their next document id.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, lock: bool = True, read_only: bool = False, backups: int = 3, backup_interval: float = 600.0
    ) -> None:
        self.path, self.read_only, self.backups, self.backup_interval = Path(path), read_only, max(0, backups), backup_interval
        self._lock_fd: int | None = None
        self._cache: Data | None = None  # the parsed file, once read (only trusted while we hold the lock)
        self._raw: bytes | None = None  # the file's bytes as last read or written: a save of the same bytes is skipped
        self._loaded = self._closed = False
        self._last_backup: float | None = None  # time.monotonic() of the last rotation
        self._quarantine: CorruptDatabaseError | None = None
        if read_only:
            return  # read-only never creates, chmods or deletes anything
        try:
            if not self.path.parent.is_dir():
                os.makedirs(self.path.parent, 0o700, exist_ok=True)
                os.chmod(self.path.parent, 0o700)  # makedirs' mode is filtered through the umask
            if lock:
                self._take_lock()
            self._tidy()
        except OSError as error:
            self.close()
            raise StorageError(
                f"Intervention Workbook could not prepare {self.path} ({error.strerror}).\n"
                "Check that the folder exists and that you may write to it."
            ) from error
        except BaseException:
            self.close()
            raise

    def _take_lock(self) -> None:
        fd = open_private(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise DatabaseLockedError(path=self.path) from None
            raise
        self._lock_fd = fd

    def _tidy(self) -> None:
        # Files written before this storage existed (or copied in) may be 0644: readable by every local user.
        # Never through a link: make_private refuses one (LinkRefusedError) rather than change its target.
        for existing in [self.path, *(p for _, p in _numbered_backups(self.path))]:
            if os.path.lexists(existing):
                make_private(existing)
        if self._lock_fd is None:
            return  # without the lock, a temp file may belong to a writer that is still running
        prefix = f".{self.path.name}."
        for name in os.listdir(self.path.parent):
            if name.startswith(prefix) and name.endswith(".tmp"):
                _unlink_quietly(self.path.with_name(name))  # left behind by a crash mid-save

    def _check_writable(self, doing: str) -> None:
        self._check_open()
        if self.read_only:
            raise StorageError(f"{self.path.name} was opened read-only, so it cannot be {doing}.")
        if self._quarantine is not None and doing == "saved":
            raise StorageError(
                f"Saving is paused: {self.path.name} could not be read and was moved aside.\n"
                "Restore a backup or start a new, empty file first."
            )

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"{self.path.name} has already been closed; please open it again.")

    def read(self) -> Data | None:
        self._check_open()
        if (q := self._quarantine) is not None:
            raise CorruptDatabaseError(q.path, q.quarantined_to, q.reason, q.backups)
        # With the lock nobody else can change the file, so the parsed copy stays true and reads cost nothing.
        # Without it (read-only, lock=False) another process may save at any time, so parse every read.
        if self._loaded and self._lock_fd is not None:
            return self._cache
        try:
            raw = read_private(self.path)
        except FileNotFoundError:
            self._cache, self._loaded, self._raw = None, True, None
            return None  # an empty workbook; the first save creates the file
        except OSError as error:
            raise FolderError(error, self.path, "read") from error
        try:
            data = _decode(raw)
        except _BadContent as bad:
            self._quarantine_file(str(bad))
        self._cache, self._loaded, self._raw = data, True, raw
        return data

    def _free_name(self, label: str) -> Path:
        base = f"{self.path.name}.{label}-{datetime.now():%Y%m%dT%H%M%S}"
        candidate, counter = self.path.with_name(base), 1
        while os.path.lexists(candidate):
            counter += 1
            candidate = self.path.with_name(f"{base}-{counter}")
        return candidate

    def _quarantine_file(self, reason: str) -> NoReturn:
        backups = list_backups(self.path)
        if self.read_only:
            raise CorruptDatabaseError(self.path, None, reason, backups)
        target = self._free_name("corrupt")
        moved: Path | None = target
        try:
            os.rename(self.path, target)
        except OSError:
            moved = None  # could not move it; saving stays refused, so it is still never overwritten
        else:
            with contextlib.suppress(OSError):  # the rename has happened; this only adds durability
                _fsync_dir(self.path.parent)
        self._cache, self._loaded, self._raw = None, False, None
        self._quarantine = CorruptDatabaseError(self.path, moved, reason, backups)
        raise self._quarantine

    def write(self, data: Data) -> None:
        self._check_writable("saved")
        try:
            payload = json.dumps(data).encode()  # first: a value JSON cannot hold fails before any file is touched
            if payload == self._raw:
                return  # nothing changed (a review opened and closed): no write, and above all no backup rotated
            tmp = _write_temp(self.path, payload, 0o600)
            try:
                if self._backup_due():
                    self._rotate_backups()
                os.replace(tmp, self.path)
            except BaseException:
                _unlink_quietly(tmp)
                raise
            _fsync_dir(self.path.parent)
        except BaseException as error:
            # TinyDB changed our cached dict before calling write(); forget it, so the next read shows what is
            # really on disk rather than a change that was never saved.
            self._cache, self._loaded, self._raw = None, False, None
            if isinstance(error, OSError) and not isinstance(error, StorageError):
                raise FolderError(error, self.path, "save") from error
            raise
        self._cache, self._loaded, self._raw = data, True, payload

    def _backup_due(self) -> bool:
        # The first save of a session, then at most once per interval, so the backups span time rather than the
        # last few keystrokes.
        if not self.backups or not os.path.lexists(self.path):
            return False
        return self._last_backup is None or time.monotonic() - self._last_backup >= self.backup_interval

    def _backup_path(self, number: int) -> Path:
        return self.path.with_name(f"{self.path.name}.bak{number}")

    def _rotate_backups(self) -> None:
        # Stage the current file under a temp name first (a hard link is free and keeps the old inode alive), so a
        # failure part-way leaves the existing backups as they were.
        staged = self.path.with_name(f".{self.path.name}.bak.tmp")
        _unlink_quietly(staged)
        try:
            try:
                os.link(self.path, staged, follow_symlinks=False)
            except OSError:  # a filesystem without hard links
                shutil.copy2(self.path, staged, follow_symlinks=False)
            for number, extra in _numbered_backups(self.path):
                if number > self.backups:
                    _unlink_quietly(extra)
            for number in range(self.backups - 1, 0, -1):
                if os.path.lexists(self._backup_path(number)):
                    os.replace(self._backup_path(number), self._backup_path(number + 1))
            os.replace(staged, self._backup_path(1))
        except BaseException:
            _unlink_quietly(staged)
            raise
        self._last_backup = time.monotonic()

    def restore_backup(self, n: int = 1) -> None:
        """Put backup ``n`` (1 is the newest) back in place of the file; a readable current file is kept aside."""
        self._check_writable("restored")
        source = self._backup_path(n)
        try:
            raw = read_private(source)
            data = _decode(raw)
        except OSError:
            raise StorageError(f"There is no backup number {n} of {self.path.name}.") from None
        except _BadContent as bad:
            raise StorageError(f"Backup {n} of {self.path.name} cannot be used either ({bad}).\nTry an older backup.") from None
        try:
            if os.path.lexists(self.path):  # restoring must never destroy a newer file
                os.link(self.path, self._free_name("before-restore"), follow_symlinks=False)
            atomic_write_bytes(self.path, raw)
        except BaseException as error:
            self._cache, self._loaded, self._raw = None, False, None
            if isinstance(error, OSError) and not isinstance(error, StorageError):
                raise FolderError(error, self.path, "restore") from error
            raise
        self._cache, self._loaded, self._quarantine, self._raw = data, True, None, raw
        self._last_backup = time.monotonic()  # the restored state is already a backup; do not rotate it out next save

    def start_fresh(self) -> None:
        """After a quarantine, allow saving again, starting from an empty workbook (created by the next save)."""
        self._check_writable("reset")
        self._quarantine, self._cache, self._loaded, self._raw = None, None, False, None

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None
        self._cache, self._loaded, self._closed = None, False, True


def open_database(path: Path, *, read_only: bool = False, lock: bool = True) -> TinyDB:
    """Open ``path`` through SafeJSONStorage and read it once, so a damaged file is reported at open.

    If that read fails the storage is closed (releasing its lock) before the error propagates, so the caller can
    restore a backup through a new ``SafeJSONStorage(path)`` or simply open the file again.
    """
    db = TinyDB(path, storage=SafeJSONStorage, read_only=read_only, lock=lock)
    try:
        db.tables()
    except BaseException:
        db.close()
        raise
    return db
