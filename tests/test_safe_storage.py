"""Tests for the crash-safe TinyDB storage (workbook.storage.safe_json).

Every test works in pytest's tmp_path; nothing here touches the real user folders. The bad-file cases are the
ones measured against plain TinyDB in the storage facts document (section 3, "Opening bad files").
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.table import Document

import workbook.storage as storage_pkg
from workbook.storage import (
    CorruptDatabaseError,
    DatabaseLockedError,
    NewerSchemaError,
    SafeJSONStorage,
    StorageError,
    atomic_write_bytes,
    list_backups,
    open_database,
    safe_json,
)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    # A typical desktop umask (022), so the permission checks prove we chmod rather than rely on the umask.
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "review.json"  # "data" does not exist yet: the storage must create it


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def tmp_files(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def seeded(path: Path) -> None:
    """A database with one committed save backed up: .bak1 holds {"a": 1}, the file holds a and b."""
    with open_database(path) as db:
        db.insert({"a": 1})  # creates the file; nothing to back up yet
        db.insert({"b": 2})  # first save over an existing file: rotates it to .bak1
    assert list_backups(path) == [path.with_name("review.json.bak1")]


def test_package_exports_the_public_api() -> None:
    assert sorted(storage_pkg.__all__) == sorted(
        [
            "StorageError",
            "DatabaseLockedError",
            "CorruptDatabaseError",
            "NewerSchemaError",
            "SafeJSONStorage",
            "list_backups",
            "open_database",
            "atomic_write_bytes",
            "FolderError",
            "LinkRefusedError",
        ]
    )
    for name in safe_json.__all__:
        assert getattr(storage_pkg, name) is getattr(safe_json, name)


def test_round_trip(db_path: Path) -> None:
    with open_database(db_path) as db:
        db.insert({"answer": "Wir haben zu früh gehandelt — 早すぎた", "n": 1, "nested": {"list": [1, 2]}})
        db.table("meta").upsert(Document({"schema": 1}, doc_id=1))
    assert db_path.read_bytes().isascii()  # ensure_ascii keeps the file independent of the locale's encoding
    with open_database(db_path) as db:
        assert db.all() == [{"answer": "Wir haben zu früh gehandelt — 早すぎた", "n": 1, "nested": {"list": [1, 2]}}]
        assert db.table("meta").get(doc_id=1) == {"schema": 1}


def test_missing_file_is_an_empty_database_created_on_first_write(db_path: Path) -> None:
    db = open_database(db_path)
    assert db.all() == [] and not db_path.exists()
    db.insert({"x": 1})
    db.close()
    assert db_path.exists()


def test_tinydb_style_construction(db_path: Path) -> None:
    with TinyDB(db_path, storage=SafeJSONStorage, backups=1, backup_interval=0.0) as db:
        db.insert({"x": 1})
        db.insert({"x": 2})
        assert isinstance(db.storage, SafeJSONStorage)
    assert [p.name for p in list_backups(db_path)] == ["review.json.bak1"]


def test_reads_are_served_from_memory(db_path: Path) -> None:
    db = open_database(db_path)
    db.insert({"x": 1})
    first = db.storage.read()
    assert db.storage.read() is first  # no re-parse: the same object comes back
    # Change the file behind the storage's back; a locked writer must not notice (nobody else may write).
    db_path.write_text('{"_default": {"1": {"x": 99}}}')
    assert db.all() == [{"x": 1}]
    db.close()
    with open_database(db_path) as again:  # proves the old answer came from memory, not the file
        assert again.all() == [{"x": 99}]


def test_permissions(db_path: Path) -> None:
    storage = SafeJSONStorage(db_path, backup_interval=0.0)
    storage.write({"_default": {"1": {"x": 1}}})
    storage.write({"_default": {"1": {"x": 2}}})  # rotates: creates .bak1
    storage.close()
    assert mode_of(db_path.parent) == 0o700
    assert mode_of(db_path) == 0o600
    assert mode_of(db_path.with_name("review.json.lock")) == 0o600
    assert mode_of(db_path.with_name("review.json.bak1")) == 0o600


def test_permissions_do_not_depend_on_the_umask(db_path: Path) -> None:
    os.umask(0o277)  # would turn makedirs(0o700) into 0500 and mkstemp's 0600 into 0400
    storage = SafeJSONStorage(db_path)
    storage.write({"_default": {}})
    storage.close()
    assert mode_of(db_path.parent) == 0o700 and mode_of(db_path) == 0o600


def test_existing_world_readable_file_becomes_private(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    path = tmp_path / "old.json"
    path.write_text('{"_default": {"1": {"x": 1}}}')
    os.chmod(path, 0o644)
    backup = tmp_path / "old.json.bak2"
    backup.write_text("{}")
    os.chmod(backup, 0o644)
    with open_database(path) as db:
        assert mode_of(path) == 0o600 and mode_of(backup) == 0o600
        assert db.all() == [{"x": 1}]
    assert mode_of(tmp_path) == 0o755  # a folder we did not create is left alone


def test_second_open_is_refused_until_the_first_closes(db_path: Path) -> None:
    first = open_database(db_path)
    first.insert({"x": 1})
    with pytest.raises(DatabaseLockedError) as caught:
        open_database(db_path)
    assert caught.value.path == db_path
    assert "already open in another window" in str(caught.value) and "nothing has been lost" in str(caught.value)
    with pytest.raises(DatabaseLockedError):
        TinyDB(db_path, storage=SafeJSONStorage)
    first.close()
    with open_database(db_path) as second:
        assert second.all() == [{"x": 1}]


def test_locked_error_supports_subclasses_that_bring_their_own_message(tmp_path: Path) -> None:
    class InUse(DatabaseLockedError):  # the pattern the app's store uses
        def __init__(self, path: Path) -> None:
            self.path = path
            super().__init__("already open elsewhere")

    error = InUse(tmp_path / "x")
    assert error.path == tmp_path / "x" and str(error) == "already open elsewhere"
    assert isinstance(error, StorageError)


def test_read_only_alongside_a_writer_and_refuses_writes(db_path: Path) -> None:
    writer = open_database(db_path)
    writer.insert({"x": 1})
    before = db_path.read_bytes()
    reader = open_database(db_path, read_only=True)
    assert reader.all() == [{"x": 1}]
    with pytest.raises(StorageError, match="read-only"):
        reader.insert({"y": 2})
    with pytest.raises(StorageError):
        reader.storage.write({})
    assert db_path.read_bytes() == before
    writer.insert({"z": 3})
    assert len(reader.all()) == 2  # unlocked reads are not cached, so the writer's save shows
    reader.close()
    writer.close()


def test_read_only_never_creates_anything(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "review.json"
    with open_database(path, read_only=True) as db:
        assert db.all() == []
    assert not path.parent.exists()


BAD_FILES = {
    "empty": b"",
    "null": b"null",
    "whitespace": b"  \n\t ",
    "truncated": b'{"_default": {"1": {"answer": "we should have wai',
    "trailing_garbage": b'{"_default": {"1": {"a": 1}}}ed": 1}}}',
    "not_json": b"hello world",
    "nul_bytes": b"\x00" * 4096,
    "invalid_utf8": b'{"_default": {"1": {"a": "\xff\xfe"}}}',
    "list": b"[]",
    "table_is_list": b'{"_default": []}',
    "document_not_object": b'{"_default": {"1": 5}}',
    "document_id_not_number": b'{"_default": {"one": {}}}',
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_quarantined_never_overwritten_and_restorable(db_path: Path, content: bytes) -> None:
    seeded(db_path)
    db_path.write_bytes(content)
    db = TinyDB(db_path, storage=SafeJSONStorage)
    with pytest.raises(CorruptDatabaseError) as caught:
        db.tables()
    error = caught.value
    assert error.path == db_path and not db_path.exists()
    assert error.quarantined_to is not None and error.quarantined_to.name.startswith("review.json.corrupt-")
    assert error.quarantined_to.read_bytes() == content  # the original bytes, untouched
    assert error.backups == [db_path.with_name("review.json.bak1")]
    message = str(error)
    assert "moved aside" in message and str(error.quarantined_to) in message and "nothing was overwritten" in message
    assert "backup from" in message and error.reason in message
    # Saving is refused, whichever way it is attempted, and nothing appears at the old name.
    with pytest.raises(StorageError):
        db.insert({"new": 1})
    with pytest.raises(StorageError, match="Saving is paused"):
        db.storage.write({"_default": {}})
    assert not db_path.exists()
    db.storage.restore_backup(1)  # type: ignore[attr-defined]
    assert db.all() == [{"a": 1}]
    db.close()
    with open_database(db_path) as again:
        again.insert({"after": 1})
    with open_database(db_path) as again:
        assert again.all() == [{"a": 1}, {"after": 1}]
    assert error.quarantined_to.read_bytes() == content


def test_bad_file_read_only_is_reported_but_left_in_place(db_path: Path) -> None:
    seeded(db_path)
    db_path.write_bytes(b"null")
    with pytest.raises(CorruptDatabaseError) as caught:
        open_database(db_path, read_only=True)
    assert caught.value.quarantined_to is None and "has not been changed" in str(caught.value)
    assert db_path.read_bytes() == b"null"


def test_open_database_releases_the_lock_when_the_file_is_bad(db_path: Path) -> None:
    seeded(db_path)
    db_path.write_bytes(b"")
    with pytest.raises(CorruptDatabaseError):
        open_database(db_path)
    # The store's recovery path: a new storage restores the backup, then the app opens normally.
    fixer = SafeJSONStorage(db_path)
    fixer.restore_backup(1)
    fixer.close()
    with open_database(db_path) as db:
        assert db.all() == [{"a": 1}]


def test_quarantine_names_do_not_collide(db_path: Path) -> None:
    seeded(db_path)
    names = set()
    for _ in range(3):
        db_path.write_bytes(b"null")
        with pytest.raises(CorruptDatabaseError) as caught:
            open_database(db_path)
        assert caught.value.quarantined_to is not None
        names.add(caught.value.quarantined_to.name)
    assert len(names) == 3


def test_start_fresh_after_quarantine(db_path: Path) -> None:
    seeded(db_path)
    db_path.write_bytes(b"[]")
    db = TinyDB(db_path, storage=SafeJSONStorage)
    with pytest.raises(CorruptDatabaseError):
        db.all()
    db.storage.start_fresh()  # type: ignore[attr-defined]
    db.insert({"fresh": 1})
    db.close()
    with open_database(db_path) as again:
        assert again.all() == [{"fresh": 1}]
    assert len(list(db_path.parent.glob("review.json.corrupt-*"))) == 1


def test_restore_backup_refuses_missing_or_bad_backups_and_keeps_a_newer_file(db_path: Path) -> None:
    seeded(db_path)
    storage = SafeJSONStorage(db_path)
    with pytest.raises(StorageError, match="no backup number 2"):
        storage.restore_backup(2)
    db_path.with_name("review.json.bak2").write_bytes(b"null")
    with pytest.raises(StorageError, match="cannot be used"):
        storage.restore_backup(2)
    assert list_backups(db_path) == [db_path.with_name("review.json.bak1")]  # the bad one is not offered
    current = db_path.read_bytes()
    storage.restore_backup(1)
    assert storage.read() == {"_default": {"1": {"a": 1}}}
    kept = list(db_path.parent.glob("review.json.before-restore-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == current
    storage.close()


def test_non_serialisable_value_leaves_the_file_byte_identical(db_path: Path) -> None:
    db = open_database(db_path)
    db.insert({"x": 1})
    before = db_path.read_bytes()
    with pytest.raises(TypeError):
        db.insert({"bad": {1, 2}})
    with pytest.raises(TypeError):
        db.update({"bad": {3}}, doc_ids=[1])  # TinyDB mutates the cached document before write()
    assert db_path.read_bytes() == before
    assert tmp_files(db_path.parent) == []
    assert db.all() == [{"x": 1}]  # the cache was dropped and re-read, so no poisoned state
    db.insert({"y": 2})
    db.close()
    with open_database(db_path) as again:
        assert again.all() == [{"x": 1}, {"y": 2}]


def test_failed_replace_keeps_the_file_and_drops_the_cache(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_database(db_path)
    db.insert({"x": 1})
    before = db_path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(errno.EIO, "simulated I/O error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk reported a fault") as raised:
        db.update({"x": 2}, doc_ids=[1])
    assert raised.value.errno == errno.EIO and isinstance(raised.value, StorageError)  # plain words, errno kept
    monkeypatch.undo()
    assert db_path.read_bytes() == before and tmp_files(db_path.parent) == []
    assert db.get(doc_id=1) == {"x": 1}
    db.update({"x": 3}, doc_ids=[1])
    db.close()
    with open_database(db_path) as again:
        assert again.get(doc_id=1) == {"x": 3}


def test_disk_full_leaves_the_file_byte_identical(db_path: Path) -> None:
    with open_database(db_path) as db:
        db.insert_multiple({"answer": "x" * 1000} for _ in range(20))
    before = db_path.read_bytes()
    # RLIMIT_FSIZE applies to the whole process, so the full disk is simulated in a forked child.
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
            child_db = open_database(db_path)
            soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 100, hard))
            try:
                child_db.update({"answer": "y" * 4000}, doc_ids=[1])  # the file would grow by 3 KB
                code = 2
            except OSError as error:
                code = 3 if error.errno != errno.EFBIG else 4
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            if code == 4:
                failed_state_ok = child_db.get(doc_id=1) == {"answer": "x" * 1000}
                still_identical = db_path.read_bytes() == before and not tmp_files(db_path.parent)
                code = 0 if failed_state_ok and still_identical else 5
            child_db.close()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "child: 2 = no error, 3 = wrong error, 5 = file or state changed"
    assert db_path.read_bytes() == before
    assert tmp_files(db_path.parent) == []
    with open_database(db_path) as db:  # and later writes work
        db.update({"answer": "z"}, doc_ids=[1])
        assert db.get(doc_id=1) == {"answer": "z"}


def test_backup_rotation_keeps_at_most_n(db_path: Path) -> None:
    db_path.parent.mkdir()
    stray = db_path.with_name("review.json.bak7")  # e.g. left from a time when more backups were kept
    stray.write_text("{}")
    storage = SafeJSONStorage(db_path, backups=2, backup_interval=0.0)
    for n in range(6):
        storage.write({"_default": {"1": {"n": n}}})
    storage.close()
    backups = list_backups(db_path)
    assert [p.name for p in backups] == ["review.json.bak1", "review.json.bak2"]
    assert [safe_json._decode(p.read_bytes())["_default"]["1"]["n"] for p in backups] == [4, 3]
    assert not stray.exists()
    assert tmp_files(db_path.parent) == []


def test_backups_span_time_not_every_save(db_path: Path) -> None:
    storage = SafeJSONStorage(db_path)  # default interval: 10 minutes
    for n in range(5):
        storage.write({"_default": {"1": {"n": n}}})
    storage.close()
    backups = list_backups(db_path)
    assert len(backups) == 1 and safe_json._decode(backups[0].read_bytes()) == {"_default": {"1": {"n": 0}}}
    none = SafeJSONStorage(db_path.with_name("other.json"), backups=0, backup_interval=0.0)
    none.write({"a": {}})
    none.write({"b": {}})
    none.close()
    assert list_backups(db_path.with_name("other.json")) == []


def test_leftover_temp_files_are_cleaned_at_open(db_path: Path) -> None:
    db_path.parent.mkdir()
    ours = [db_path.with_name(".review.json.k2j4h1.tmp"), db_path.with_name(".review.json.bak.tmp")]
    theirs = db_path.with_name(".other.json.abc.tmp")
    for path in [*ours, theirs]:
        path.write_text("half a save")
    with open_database(db_path, read_only=True):
        assert all(p.exists() for p in ours)  # a reader has no lock, so it may not tidy a writer's files
    with open_database(db_path):
        assert not any(p.exists() for p in ours)
        assert theirs.exists()


def test_atomic_write_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "export.md"
    atomic_write_bytes(target, b"# Our review\n")
    assert target.read_bytes() == b"# Our review\n" and mode_of(target) == 0o600
    os.chmod(target, 0o644)
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second" and mode_of(target) == 0o600
    atomic_write_bytes(tmp_path / "shared.txt", b"x", mode=0o640)
    assert mode_of(tmp_path / "shared.txt") == 0o640

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"third")
    monkeypatch.undo()
    assert target.read_bytes() == b"second" and tmp_files(tmp_path) == []


def test_closed_storage_refuses_everything(db_path: Path) -> None:
    storage = SafeJSONStorage(db_path)
    storage.close()
    storage.close()  # closing twice is harmless
    for action in (storage.read, lambda: storage.write({}), storage.restore_backup, storage.start_fresh):
        with pytest.raises(StorageError, match="closed"):
            action()


def test_messages_are_plain_language(tmp_path: Path) -> None:
    newer = NewerSchemaError(tmp_path / "r.json", 3, 1)
    assert (newer.found, newer.supported) == (3, 1)
    assert "newer version" in str(newer) and "update" in str(newer)
    no_backup = CorruptDatabaseError(tmp_path / "r.json", None, "the file is empty", [])
    assert "has not been changed" in str(no_backup) and "No backup" in str(no_backup)
    assert "Traceback" not in str(no_backup) and "Error" not in str(no_backup)


def test_folder_that_cannot_be_created_gives_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StorageError, match="could not prepare"):
        SafeJSONStorage(blocker / "review.json")


def test_saving_the_same_content_rotates_no_backup(db_path: Path) -> None:
    with open_database(db_path) as db:
        db.insert({"x": 1})
    for _ in range(3):  # opened, "saved" without a change, closed
        storage = SafeJSONStorage(db_path, backup_interval=0.0)
        storage.write(storage.read() or {})
        storage.close()
    assert list_backups(db_path) == []
    storage = SafeJSONStorage(db_path, backup_interval=0.0)
    storage.write({"_default": {"1": {"x": 2}}})  # a real change: now the old content is kept
    storage.close()
    assert [p.name for p in list_backups(db_path)] == ["review.json.bak1"]


@pytest.mark.parametrize("linked", ["review.json", "review.json.bak1", "review.json.lock"])
def test_a_linked_file_is_refused_and_its_target_untouched(tmp_path: Path, linked: str) -> None:
    folder = tmp_path / "data"
    seeded(folder / "review.json")
    outside = tmp_path / "outside.json"
    outside.write_text('{"_default": {"1": {"x": "not yours"}}}')
    os.chmod(outside, 0o644)
    (folder / linked).unlink()
    (folder / linked).symlink_to(outside)
    with pytest.raises(StorageError, match="link") as raised:
        open_database(folder / "review.json")
    assert str(folder / linked) in str(raised.value)
    assert mode_of(outside) == 0o644 and "not yours" in outside.read_text()
