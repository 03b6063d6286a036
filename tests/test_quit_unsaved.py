"""Quitting while saves fail (a full disk): the words on screen are never dropped without asking.

Ctrl+Q must not quit while a review's last changes are only in memory. It shows a dialog that
offers to try again, to save a copy elsewhere (a bundle, 0600, never over an existing file), or to
keep writing, and quits only once the words are on disk in one place or the other. A hang-up, with
nobody to ask, keeps an emergency copy in the data folder instead.
"""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from workbook.model import Review
from workbook.progress import review_progress
from workbook.store import ReviewStore
from workbook.ui.app import WorkbookApp
from workbook.ui.screens.quit import UnsavedQuit
from workbook.ui.screens.review import ReviewScreen

from .appkit import PROMPTS, field, make_app, new_review

WORDS = "He walked out before Uncle Ray had finished reading his letter."


def disk_full(review: Review) -> None:
    raise OSError(28, "No space left on device")


async def write_while_disk_is_full(pilot: Pilot[None], monkeypatch: pytest.MonkeyPatch) -> ReviewScreen:
    """Start a review, then fill the disk and write a sentence the workbook cannot save."""
    screen = await new_review(pilot, "Danny, March", "Maria", "mother")
    monkeypatch.setattr(screen.store, "save", disk_full)
    field(pilot, "consequences").query_one(TextArea).text = WORDS
    await pilot.pause(0.6)  # past the autosave delay: the save has been tried, and failed
    return screen


def shown_text(pilot: Pilot[None]) -> str:
    return " ".join(str(widget.render()) for widget in pilot.app.screen.query(Static))


def bundle_answer(path: Path, review_id: str) -> str:
    bundle: dict[str, Any] = json.loads(path.read_text())
    assert bundle["review"]["id"] == review_id
    return json.dumps(bundle["review"]["answers"])


def saved_answer(data_dir: Path, review_id: str) -> str:
    reader = ReviewStore(data_dir, read_only=True)
    return json.dumps(reader.load(review_id).to_dict()["answers"])


async def test_ctrl_q_with_a_failing_save_asks_instead_of_quitting(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await write_while_disk_is_full(pilot, monkeypatch)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code is None, "the app quit although the last changes were not saved"
        assert isinstance(app.screen, UnsavedQuit)
        text = shown_text(pilot)
        assert "not saved yet" in text
        assert "the disk is full" in text
        assert "Try again (T)" in str(app.screen.query_one("#try-again").render())

        # Ctrl+Q again, while asked, is one more try: still failing, so still asking.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code is None
        assert isinstance(app.screen, UnsavedQuit)
        assert "Still not saved" in shown_text(pilot)

        # Keep writing: back to the review, the words still there.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert field(pilot, "consequences").query_one(TextArea).text == WORDS
        assert app.return_code is None
    app.store.close()


async def test_save_a_copy_elsewhere_then_quit(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    elsewhere = tmp_path / "usb stick"
    elsewhere.mkdir()
    taken = elsewhere / "taken.json"
    taken.write_text("someone else's file")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await write_while_disk_is_full(pilot, monkeypatch)
        await pilot.press("ctrl+q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, UnsavedQuit)

        await pilot.press("c")
        await pilot.pause()
        path_field = dialog.query_one("#copy-path", Input)
        assert path_field.has_focus
        assert path_field.value.endswith(".json")

        # A file that is already there is never replaced.
        path_field.value = str(taken)
        await pilot.press("enter")
        await pilot.pause()
        assert taken.read_text() == "someone else's file"
        assert "already a file" in shown_text(pilot)
        assert app.return_code is None

        # Quit is not offered before a copy exists.
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code is None

        copy = elsewhere / "danny-words.json"
        path_field.value = str(copy)
        await pilot.press("enter")
        await pilot.pause()
        assert copy.is_file()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert WORDS in bundle_answer(copy, screen.review.id)
        assert str(copy) in shown_text(pilot), "the family is told where the copy is"
        assert app.return_code is None, "the family sees where the copy went before the app closes"

        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
    app.store.close()


async def test_try_again_quits_once_the_save_works(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await write_while_disk_is_full(pilot, monkeypatch)
        review_id = screen.review.id
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedQuit)

        await pilot.press("t")
        await pilot.pause()
        assert app.return_code is None
        assert "Still not saved: the disk is full" in shown_text(pilot)

        monkeypatch.undo()  # some space was freed
        await pilot.press("t")
        await pilot.pause()
        assert app.return_code == 0
    app.store.close()
    assert WORDS in saved_answer(data_dir, review_id)


async def test_ctrl_q_quits_at_once_when_everything_is_saved(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Danny, March", "Maria", "mother")
        field(pilot, "consequences").query_one(TextArea).text = WORDS
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0
    app.store.close()
    assert WORDS in saved_answer(data_dir, screen.review.id)


class WatchedApp(WorkbookApp):
    """The app with its last-resort exit recorded instead of ending the test run."""

    HANG_UP_GRACE = 0.2

    def __init__(self, store: ReviewStore) -> None:
        super().__init__(store, PROMPTS)
        self.ended = threading.Event()
        self.end_code: int | None = None

    def _end_process(self, code: int) -> None:
        self.end_code = code
        self.store.release_lock()
        self.ended.set()


async def test_hang_up_with_a_failing_save_keeps_an_emergency_copy(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ReviewStore(data_dir, progress=lambda review: review_progress(review, PROMPTS))
    store.set_setting("welcome_seen", True)
    app = WatchedApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await write_while_disk_is_full(pilot, monkeypatch)
        app._hang_up()
        await pilot.pause()
    copies = sorted(data_dir.glob(f"unsaved-{screen.review.id}-*.json"))
    assert len(copies) == 1, list(data_dir.iterdir())
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    assert WORDS in bundle_answer(copies[0], screen.review.id)
    assert app.emergency_copies == (copies[0],)
    # The watchdog fires even here (the test process lives on): it would have ended a stuck process.
    assert app.ended.wait(3), "the exit watchdog did not fire"
    assert app.end_code == 0
    store.close()
    ReviewStore(data_dir).close()  # the lock was let go
