"""A review whose file could not be read: how it shows in the list, and bringing a backup back.

A damaged review never disappears from the list by itself. It stays there, marked, until the family
chooses: restore a backup copy (B on the list, or Enter and then Enter again), or delete it. Nothing
here overwrites the damaged file: restoring keeps it beside the review's file.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Label, Static

from ...model import Review
from ...storage import StorageError
from ...storage.reviews import DAMAGED, MISSING, NEWER, UNREADABLE, good_backups
from ...store import READ_ONLY_REFUSED, ReviewSummary
from .base import WorkbookModal

if TYPE_CHECKING:
    from ..app import WorkbookApp

SHORT = {DAMAGED: "damaged", MISSING: "file missing", UNREADABLE: "cannot be read", NEWER: "made by a newer app"}
"""Why, in a word or two, for the list (where a long reason would push the other columns off an 80-column screen)."""


def is_newer(summary: ReviewSummary) -> bool:
    """Listed as damaged only because a newer app wrote it: no backup is offered over it, the app needs updating."""
    return summary.damaged == NEWER


def damaged_cell(summary: ReviewSummary) -> Text:
    """The first cell of a damaged review's row: a warning sign, the title, why, and the key that helps."""
    why = SHORT.get(summary.damaged, summary.damaged)
    key = "" if is_newer(summary) else ", press B"
    return Text(f"⚠ {summary.title} ({why}{key})", style="bold")


def damaged_progress(summary: ReviewSummary) -> str:
    """The "How far along" cell of a damaged review: what to do next."""
    if is_newer(summary):
        return "Update the app to open it"
    return "Press B to restore a backup" if summary.backups else "No backup: press B"


def readable_backups(path: Path) -> list[tuple[int, datetime]]:
    """(number, when it was saved) for each backup of a review file that can be restored, newest first."""
    found = []
    for backup, _ in good_backups(path):
        try:
            found.append((int(backup.name.rsplit(".bak", 1)[-1]), datetime.fromtimestamp(backup.stat().st_mtime)))
        except (ValueError, OSError):
            continue  # gone or renamed since it was listed: offer only what is there
    return found


def no_backup_message(title: str, folder: Path) -> str:
    return (
        f'No backup copy of "{title}" was found, so it cannot be restored here. Its file is kept as it is, in {folder}.\n'
        "You can delete it (D), which moves it to the trash folder. If you keep a copy of your reviews in "
        "another folder, start the workbook with --data-dir and that folder."
    )


class DamagedReview(WorkbookModal[bool]):
    """Explain that a review could not be read, and offer its newest backup (focused: restoring loses nothing)."""

    BINDINGS = [Binding("escape", "cancel", "Not now", tooltip="Close without changing anything")]

    def __init__(self, title: str, reason: str, backup: datetime | None, folder: Path) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._reason = reason
        self._backup = backup
        self._folder = folder

    def compose(self) -> ComposeResult:
        missing = self._reason == MISSING
        kept = "Nothing else has been changed." if missing else "Nothing has been overwritten: the damaged file is kept as it is."
        if self._backup is not None:
            offer = f"A backup copy from {self._backup:%d %b %Y, %H:%M} can be restored. Changes made after it may be missing"
            offer += "." if missing else "; the damaged file is kept beside it."
        else:
            offer = no_backup_message(self._title, self._folder)
        with Vertical(classes="dialog"):
            yield Label(f"This review's file is {'missing' if missing else 'damaged'}", classes="dialog-title")
            yield Static(f'"{self._title}" could not be read ({self._reason}).\n{kept}\n\n{offer}', markup=False)
            with Horizontal(classes="dialog-buttons"):
                if self._backup is not None:
                    yield Button("Restore the backup (Enter)", variant="primary", id="restore")
                    yield Button("Not now (Esc)", id="cancel")
                else:
                    yield Button("Close (Esc)", variant="primary", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(".dialog-buttons Button").focus()

    @on(Button.Pressed, "#restore")
    def _restore(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


async def offer_restore(app: WorkbookApp, review_id: str, title: str, reason: str) -> None:
    """Explain a damaged review; restore and open its newest backup if the family chooses to."""
    if app.store.read_only:  # nothing can be restored here: say why it cannot be opened, and why no restore
        app.notify(f'"{title}" could not be read ({reason}).\n{READ_ONLY_REFUSED}', severity="warning", timeout=30, markup=False)
        return
    path = app.store.path_for(review_id)
    backups = readable_backups(path)
    newest = backups[0][1] if backups else None
    if not await app.push_screen_wait(DamagedReview(title, reason, newest, path.parent)):
        if backups:
            app.notify(
                "Nothing was changed. The review stays in the list, marked as damaged: "
                "press B on it to restore the backup whenever you are ready.",
                timeout=8,
                markup=False,
            )
        return
    restore_and_open(app, review_id, title)


def restore_and_open(app: WorkbookApp, review_id: str, title: str) -> None:
    """Put the newest readable backup of a damaged review back, refresh the list, and open the review."""
    review = restore(app, review_id, title)
    if review is not None:
        app.show_review(review)


def restore(app: WorkbookApp, review_id: str, title: str) -> Review | None:
    """Restore the newest readable backup; says what happened either way. None when nothing was restored."""
    from .quit import describe_save_problem

    if app.store.read_only:
        app.notify(READ_ONLY_REFUSED, severity="warning", timeout=20, markup=False)
        return None
    path = app.store.path_for(review_id)
    backups = readable_backups(path)
    if not backups:
        app.notify(no_backup_message(title, path.parent), severity="warning", timeout=30, markup=False)
        return None
    number, saved = backups[0]
    damaged_kept = os.path.lexists(path) or any(path.parent.glob(f"{path.name}.corrupt-*"))
    try:
        review = app.store.restore_backup(review_id, number)
    except (StorageError, OSError) as error:
        why = str(error) if isinstance(error, StorageError) else describe_save_problem(error).capitalize() + "."
        app.notify(f"The backup could not be restored. {why}\nNothing has been changed.", severity="error", timeout=30, markup=False)
        return None
    finally:
        app.refresh_reviews(select=review_id)
    kept = f" The damaged file was kept, in {path.parent}." if damaged_kept else ""
    app.notify(
        f"The backup from {saved:%d %b %Y, %H:%M} was restored. Changes made after it may be missing.{kept}",
        timeout=20,
        markup=False,
    )
    return review
