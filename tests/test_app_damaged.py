"""Pilot tests: a damaged review stays in the list with its backup one key away; notices; a read-only folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Label, Static, TextArea

from tests.factories import saved_over_two_sittings
from workbook.store import ReviewStore
from workbook.ui.app import WorkbookApp
from workbook.ui.screens.export import ExportScreen
from workbook.ui.screens.home import HomeScreen
from workbook.ui.screens.review import ReviewScreen
from workbook.ui.screens.writer import WriterPicker

from .appkit import PROMPTS, field, make_app


def messages(app: WorkbookApp) -> str:
    """Every notification shown so far, as one text."""
    return "\n".join(n.message for n in app._notifications)


def dialog_title(app: WorkbookApp) -> str:
    """The title of the dialog on top ("" when none is)."""
    titles = app.screen.query(".dialog-title").results(Label)
    return " ".join(str(label.render()) for label in titles)


def cells(app: WorkbookApp) -> list[list[str]]:
    """The list of reviews as the family sees it, cell by cell (also while a dialog is over it)."""
    home = next(screen for screen in app.screen_stack if isinstance(screen, HomeScreen))
    table = home.query_one("#reviews", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def precious(data_dir: Path, *, backups: bool = True, damage: bool = True) -> Path:
    """A review written over two sittings (so backup 1 holds the first), then torn as by a power cut."""
    _, path = saved_over_two_sittings(data_dir, "Precious")
    if not backups:
        for backup in path.parent.glob(f"{path.name}.bak*"):
            backup.unlink()
    if damage:
        path.write_bytes(b'{"meta": {"1": {"schema": 1}}, "review": {"1": {"ti')
    return path


async def test_damaged_review_stays_listed_marked_and_b_restores_it(data_dir: Path) -> None:
    path = precious(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        [row] = cells(app)
        assert row[0].startswith("⚠") and "damaged" in row[0]
        assert "Press B" in row[3]
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Restore backup" in titles, "restore is one key away, and in the command palette"
        await pilot.press("b")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, WriterPicker), "the restored review opens"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert field(pilot, "since").query_one(TextArea).text == "He called twice"
        assert "was restored" in messages(app)
        await pilot.press("ctrl+q")
    app.store.close()
    kept = [p for p in path.parent.iterdir() if p.name.startswith(path.name + ".") and ".bak" not in p.name and ".lock" not in p.name]
    assert kept, "the damaged file is kept beside the restored one"


async def test_not_now_keeps_the_damaged_review_listed_with_its_backups(data_dir: Path) -> None:
    path = precious(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert "damaged" in dialog_title(app), "opening a damaged review explains instead of failing"
        focused = app.screen.focused
        assert isinstance(focused, Button) and focused.id == "restore", "the focused choice is the one that loses nothing"
        await pilot.press("escape")  # not now
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        [row] = cells(app)
        assert row[0].startswith("⚠"), "the damaged review stays in the list until the family chooses"
        assert list(path.parent.glob(f"{path.name}.bak*")), "its backups are still there"
        await pilot.press("enter")  # changed their mind: Enter, then Enter on "Restore the backup"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, WriterPicker)
        await pilot.press("ctrl+q")
    app.store.close()


async def test_damaged_review_without_a_backup_says_so_truthfully(data_dir: Path) -> None:
    precious(data_dir, backups=False)
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        [row] = cells(app)
        assert row[0].startswith("⚠") and "No backup" in row[3]
        await pilot.press("b")
        await pilot.pause()
        said = messages(app)
        assert "No backup copy" in said and "--data-dir" in said and "(D)" in said
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert "damaged" in dialog_title(app)
        assert [b.id for b in app.screen.query(Button)] == ["cancel"], "no restore is offered when there is nothing to restore"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(cells(app)) == 1
        await pilot.press("r")  # renaming would need reading it first
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and "cannot be renamed" in messages(app)
    app.store.close()


async def test_review_whose_file_went_missing_is_restored_from_its_backup(data_dir: Path) -> None:
    path = precious(data_dir, damage=False)
    path.unlink()  # lost (say, removed by hand), while its backups remain
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        [row] = cells(app)
        assert row[0].startswith("⚠") and "missing" in row[0]
        await pilot.press("enter")
        await pilot.pause()
        assert "damaged file is kept" not in " ".join(str(s.render()) for s in app.screen.query(Static))
        await pilot.press("enter")  # restore
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, WriterPicker)
        assert "was restored" in messages(app) and "damaged file was kept" not in messages(app)
        await pilot.press("ctrl+q")
    app.store.close()


async def test_restore_key_is_offered_only_on_a_damaged_row(data_dir: Path) -> None:
    precious(data_dir)
    store = ReviewStore(data_dir)
    store.create("Healthy")
    store.close()
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#reviews", DataTable)
        assert sum(row[0].startswith("⚠") for row in cells(app)) == 1, "one damaged review, one whole"
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await pilot.pause()
            damaged = cells(app)[row][0].startswith("⚠")
            offered = any(a.binding.action == "restore_backup" and a.enabled for a in app.screen.active_bindings.values())
            assert offered == damaged
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert ("Restore backup" in titles) == damaged
    app.store.close()


@pytest.mark.parametrize("backups", [True, False], ids=["with-backups", "without-backups"])
async def test_list_is_refreshed_when_a_file_is_moved_aside(data_dir: Path, backups: bool) -> None:
    path = precious(data_dir, backups=backups, damage=False)
    # Damaged without its time changing, so the list still takes it for whole until it is opened.
    stamp = path.stat()
    path.write_bytes(path.read_bytes()[:40])
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not cells(app)[0][0].startswith("⚠"), "taken for whole until it is opened"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert list(path.parent.glob(f"{path.name}.corrupt-*")), "it was moved aside on opening"
        # Already behind the dialog, the list shows what is in the folder now: the review, marked damaged.
        [summary] = app.store.summaries()
        [row] = cells(app)
        assert summary.damaged and row[0].startswith("⚠")
        assert "damaged" in dialog_title(app), "and the dialog explains"
        await pilot.press("escape")  # not now
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and cells(app) == [row]
    app.store.close()


async def test_review_from_a_newer_app_is_not_offered_a_backup(data_dir: Path) -> None:
    store = ReviewStore(data_dir)
    review = store.create("From the new laptop")
    path = store.path_for(review.id)
    store.close()
    path.write_text(path.read_text().replace('"schema": ', '"schema": 9', 1))
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        [row] = cells(app)
        assert row[0].startswith("⚠") and "newer app" in row[0] and "Update the app" in row[3]
        assert not any(a.binding.action == "restore_backup" for a in app.screen.active_bindings.values())
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "update the app" in messages(app).lower() and "not been changed" in messages(app)
    app.store.close()
    assert '"schema": 9' in path.read_text(), "a newer file is never touched"


async def test_notices_are_shown_once_after_start_as_typed(data_dir: Path) -> None:
    app = make_app(data_dir)
    notice = "Your reviews could be read by other people on this computer [they were in /tmp/[x]]. That is fixed now."
    app.store.notices = [notice]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert [n.message for n in app._notifications].count(notice) == 1
        assert all(n.markup is False for n in app._notifications if n.message == notice)
        await pilot.press("w", "escape")
        await pilot.pause()
        assert [n.message for n in app._notifications].count(notice) == 1
    app.store.close()


async def test_read_only_folder_says_so_and_shows_every_word(data_dir: Path) -> None:
    store = ReviewStore(data_dir)
    review = store.create("Our March review")
    member = review.add_member("Maria", "mother")
    review.set_answer("what-happened", "since", member.id, "He called twice and then not at all")
    store.release(review)
    store.set_setting("welcome_seen", True)
    store.close()

    app = WorkbookApp(ReviewStore(data_dir, read_only=True), PROMPTS)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        note = app.screen.query_one("#read-only-note")
        assert "read-only" in str(note.render())
        for key in ("n", "r", "d", "t"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen), f"{key} asks nothing it could not do"
            assert "read-only" in messages(app)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen), "no place to type words that could not be saved"
        assert isinstance(app.screen, ExportScreen)
        assert any("He called twice and then not at all" in text for _, text in app.screen.pages), "every word is there to read"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.return_code is None
    app.store.close()
    assert ReviewStore(data_dir, read_only=True).summaries()[0].title == "Our March review"


async def test_folder_made_read_only_on_purpose_opens_for_reading(data_dir: Path) -> None:
    store = ReviewStore(data_dir)
    store.create("Our March review")
    store.set_setting("welcome_seen", True)
    store.close()
    data_dir.chmod(0o500)
    try:
        app = make_app(data_dir)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.store.read_only
            assert app.screen.query("#read-only-note")
            assert sum("read-only" in n.message for n in app._notifications) == 1, "told once, at start"
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen) and app.return_code is None
        app.store.close()
    finally:
        data_dir.chmod(0o700)
