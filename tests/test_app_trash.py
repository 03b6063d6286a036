"""Pilot tests: the delete dialog says how long deleted reviews are kept, and the trash can be emptied (asking first)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Static

from workbook.store import ReviewStore
from workbook.ui.app import WorkbookApp
from workbook.ui.screens.dialogs import Confirm
from workbook.ui.screens.home import HomeScreen

from .appkit import make_app


def dialog_text(app: WorkbookApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static) if not isinstance(s, Button))


def messages(app: WorkbookApp) -> str:
    return "\n".join(n.message for n in app._notifications)


def two_reviews(data_dir: Path) -> None:
    store = ReviewStore(data_dir)
    store.create("Looking back at March")
    store.create("First try, last year")
    store.close()


async def test_delete_dialog_says_how_long_deleted_reviews_are_kept(data_dir: Path) -> None:
    from workbook.store import TRASH_KEPT

    two_reviews(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        text = " ".join(dialog_text(app).split())
        assert " ".join(TRASH_KEPT.split()) in text
        assert "brings it back" in text and str(app.store.trash_dir) in text
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.store.summaries()) == 2
    app.store.close()


async def test_empty_trash_asks_first_says_how_many_and_removes_them(data_dir: Path) -> None:
    two_reviews(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), "nothing to ask about"
        assert "The trash is empty" in messages(app)

        for _ in range(2):  # delete both reviews: "Delete review" is one Tab away from the focused "No, keep it"
            await pilot.press("d", "tab", "enter")
            await pilot.pause()
        assert app.store.summaries() == [] and app.store.trash_count() == 2

        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        text = " ".join(dialog_text(app).split())
        assert "2 deleted reviews" in text and "cannot be undone" in text
        focused = app.screen.focused
        assert isinstance(focused, Button) and focused.id == "cancel", "one stray Enter never empties the trash"
        await pilot.press("enter")
        await pilot.pause()
        assert app.store.trash_count() == 2

        app.clear_notifications()
        await pilot.press("t", "tab", "enter")
        await pilot.pause()
        assert app.store.trash_count() == 0
        assert not any(app.store.trash_dir.iterdir()) if app.store.trash_dir.exists() else True
        assert "2 deleted reviews were removed for good" in messages(app)
    app.store.close()


async def test_empty_trash_is_in_the_footer_and_the_command_palette(data_dir: Path) -> None:
    two_reviews(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = {a.binding.description for a in app.screen.active_bindings.values() if a.binding.show and a.enabled}
        assert "Empty trash" in shown
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Empty trash" in titles
    app.store.close()
