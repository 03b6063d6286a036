"""The data folder itself: every OS problem said plainly, links never followed, permissions told, read-only kept,
and the trash command. Checked through what the family runs: `list`, the app's start (`run_app`), `trash`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import workbook.ui.app as ui_app
from workbook.__main__ import main, run_app
from workbook.storage import StorageError
from workbook.store import ReviewStore

EXPOSED = "could be read by other people"


class StartedApp:
    """Stands in for the Textual app: run_app's checks happen before it; this lists, as the home screen does."""

    started: list[ReviewStore] = []
    return_code = 0
    emergency_copies = ()
    unsaved_titles = ()

    def __init__(self, store: ReviewStore, prompts: Any) -> None:
        self.store = store

    def run(self) -> None:
        self.titles = [s.title for s in self.store.summaries()]
        self.store.setting("welcome_seen", False)
        StartedApp.started.append(self.store)

    def crash_report(self) -> None:
        return None


@pytest.fixture(autouse=True)
def fake_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    StartedApp.started = []
    monkeypatch.setattr(ui_app, "WorkbookApp", StartedApp)
    yield


def start(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run_app(str(data_dir))
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Errno" not in err and "Error" not in err, err
    return code, err


def listing(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), "list"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Errno" not in err, err
    return code, out, err


def with_a_review(data_dir: Path, title: str = "Our March review") -> str:
    store = ReviewStore(data_dir)
    review = store.create(title)
    store.release(review)
    store.close()
    return review.id


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


# -- 6. every OSError on the data folder gets a plain message ------------------------------------------


def test_a_full_disk_while_creating_a_review_is_said_plainly(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ReviewStore(data_dir)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("workbook.storage.safe_json.tempfile.mkstemp", full)
    with pytest.raises(StorageError) as raised:
        store.create("New")
    assert "disk is full" in str(raised.value) and "Free some space" in str(raised.value)
    monkeypatch.undo()
    assert store.summaries() == []
    store.close()


def test_lock_file_that_is_a_folder(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_a_review(data_dir)
    (data_dir / "workbook.lock").unlink()
    (data_dir / "workbook.lock").mkdir()
    code, err = start(data_dir, capsys)
    assert code == 1 and "workbook.lock" in err and "folder" in err and "Move or rename" in err
    code, out, _ = listing(data_dir, capsys)  # reading needs no lock
    assert code == 0 and "Our March review" in out


def test_index_that_is_a_folder_still_starts(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_a_review(data_dir)
    (data_dir / "index.json").unlink()
    (data_dir / "index.json").mkdir()
    code, _ = start(data_dir, capsys)
    assert code == 0 and StartedApp.started
    assert any("list of reviews" in notice and "index.json" in notice for notice in StartedApp.started[0].notices)
    code, out, _ = listing(data_dir, capsys)
    assert code == 0 and "Our March review" in out


def test_reviews_folder_that_cannot_be_read(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    with_a_review(data_dir)
    real = os.scandir
    reviews = str(data_dir / "reviews")

    def refused(path: Any = ".") -> Any:
        if str(path) == reviews:
            raise PermissionError(errno.EACCES, "Permission denied", reviews)
        return real(path)

    monkeypatch.setattr(os, "scandir", refused)
    code, err = start(data_dir, capsys)
    assert code == 1 and "not allowed" in err and "reviews" in err
    code, _, err = listing(data_dir, capsys)
    assert code == 1 and "not allowed" in err


# -- 7. links are never followed out of the data folder -----------------------------------------------


@pytest.mark.parametrize("name", ["workbook.lock", "index.json", "review", "backup", "dangling lock"])
def test_a_planted_link_is_refused_and_its_target_left_untouched(data_dir: Path, tmp_path: Path, name: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    review_id = with_a_review(data_dir)
    store = ReviewStore(data_dir)  # a second sitting with a change, so the review has a backup
    review = store.load(review_id)
    review.title = "Changed"
    store.release(review)
    store.close()
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "target"
    review_path = data_dir / "reviews" / f"{review_id}.json"
    target.write_bytes(review_path.read_bytes())
    os.chmod(target, 0o644)
    planted = {"workbook.lock": data_dir / "workbook.lock", "index.json": data_dir / "index.json", "review": review_path,
               "backup": review_path.with_name(review_path.name + ".bak1"), "dangling lock": data_dir / "workbook.lock"}[name]
    planted.unlink()
    points_to = outside / "created-by-the-app" if name == "dangling lock" else target
    planted.symlink_to(points_to)
    before = (target.read_bytes(), mode(target))

    code, err = start(data_dir, capsys)
    assert code == 1 and str(planted) in err and "link" in err
    code, _, err = listing(data_dir, capsys)
    assert code == 1 and str(planted) in err
    with pytest.raises(StorageError):
        ReviewStore(data_dir)
    assert (target.read_bytes(), mode(target)) == before, "the link's target is never changed"
    assert sorted(p.name for p in outside.iterdir()) == ["target"], "nothing is created outside the folder"


# -- 8. permissions ----------------------------------------------------------------------------------------


def test_a_folder_open_to_others_is_made_private_and_the_family_told_once(data_dir: Path) -> None:
    review_id = with_a_review(data_dir)
    review_path = data_dir / "reviews" / f"{review_id}.json"
    os.chmod(data_dir, 0o777)
    os.chmod(review_path, 0o666)
    store = ReviewStore(data_dir)
    assert any(EXPOSED in notice for notice in store.notices)
    assert (mode(data_dir), mode(review_path)) == (0o700, 0o600)
    store.close()
    again = ReviewStore(data_dir)
    assert again.notices == [], "told once"
    again.close()


@pytest.mark.parametrize("which", ["folder", "reviews"])
def test_a_folder_made_read_only_is_opened_for_reading(data_dir: Path, which: str, capsys: pytest.CaptureFixture[str]) -> None:
    review_id = with_a_review(data_dir)
    folder = data_dir if which == "folder" else data_dir / "reviews"
    os.chmod(folder, 0o500)
    before = sorted(p.name for p in data_dir.rglob("*"))
    try:
        store = ReviewStore(data_dir)  # as the app asks: to write
        assert store.read_only and any("read-only" in n and "--data-dir" in n for n in store.notices)
        assert [s.title for s in store.summaries()] == ["Our March review"]
        review = store.load(review_id)
        store.release(review)  # opened and closed, nothing changed: fine
        review.title = "Changed"
        with pytest.raises(StorageError, match="read-only"):
            store.save(review)
        with pytest.raises(StorageError, match="read-only"):
            store.create("New")
        store.close()
        assert mode(folder) == 0o500, "never made writable"
        assert sorted(p.name for p in data_dir.rglob("*")) == before
        code, _ = start(data_dir, capsys)
        assert code == 0 and StartedApp.started[0].read_only
    finally:
        os.chmod(folder, 0o700)


# -- 9. the trash command ----------------------------------------------------------------------------------


def trash(data_dir: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), "trash", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


def test_trash_command_lists_asks_and_empties(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert trash(data_dir, capsys)[1] == "The trash is empty.\n"
    review_id = with_a_review(data_dir, "Gone but kept")
    store = ReviewStore(data_dir)
    store.delete(review_id)
    store.close()
    code, out, _ = trash(data_dir, capsys)
    assert code == 0 and "Gone but kept" in out and "deleted 20" in out and "--empty" in out
    monkeypatch.setattr("builtins.input", lambda question: "no")
    code, out, _ = trash(data_dir, capsys, "--empty")
    assert code == 0 and "Nothing was removed" in out and ReviewStore(data_dir, read_only=True).trash_count() == 1

    holder = ReviewStore(data_dir)  # the app is open
    code, _, err = trash(data_dir, capsys, "--empty", "--yes")
    assert code == 1 and "while the workbook is open" in err and "Nothing was removed" in err
    holder.close()

    monkeypatch.setattr("builtins.input", lambda question: "yes")
    code, out, _ = trash(data_dir, capsys, "--empty")
    assert code == 0 and "1 deleted review was removed" in out
    assert list((data_dir / "trash").iterdir()) == []


def test_a_full_disk_at_start_still_opens_the_workbook(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with_a_review(data_dir)
    (data_dir / "index.json").unlink()  # stale: the start wants to write a new one

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("workbook.storage.safe_json.tempfile.mkstemp", full)
    code, _ = start(data_dir, capsys)
    assert code == 0 and StartedApp.started, "the list is only a cache: a full disk does not stop the start"
