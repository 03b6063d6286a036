"""The first screen: the family's reviews, and a way to start a new one."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from ...limits import TITLE_MAX
from ...prompts import Prompts
from ...storage import StorageError
from ...store import READ_ONLY_REFUSED, TRASH_KEPT, ReviewStore, ReviewSummary
from .base import WorkbookScreen
from .damaged import damaged_cell, damaged_progress, is_newer
from .dialogs import AskText, Confirm

COLUMNS = ("Review", "Intervention date", "Last edited", "How far along")

FIRST_ROWS = 60
"""Rows shown before the first paint; more than fit on any ordinary terminal."""

INTRO = (
    "Looking back at an intervention that did not go as hoped is hard. This workbook helps your family "
    "understand what happened, without blame, and prepare a revised plan to take to a professional."
)

READ_ONLY_NOTE = "This folder is read-only: you can read your reviews and save summaries, but nothing can be changed here."
"""Under the intro when the data folder was made read-only on purpose."""

READ_ONLY_OPEN = (
    "This folder is read-only, so the review is shown as its summary: every word is there to read, "
    "and you can save it as a file elsewhere (Ctrl+S). It cannot be changed here."
)


def plain(error: Exception) -> str:
    """Why a change to the folder failed, in the family's words (a storage error already is)."""
    if isinstance(error, StorageError):
        return str(error)
    from .quit import describe_save_problem

    return describe_save_problem(error).capitalize() + "."


def when(stamp: str) -> str:
    """A saved timestamp as a family member reads it: "24 Nov 2026, 19:05"."""
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return moment.strftime("%d %b %Y, %H:%M")


class HomeScreen(WorkbookScreen[None]):
    """List, start, open, rename and remove reviews."""

    BINDINGS = [
        Binding("n", "new_review", "New", tooltip="Start a new review", id="new-review"),
        Binding("enter", "open_review", "Open", tooltip="Open the selected review", id="open-review", priority=True),
        Binding("r", "rename_review", "Rename", tooltip="Rename the selected review", id="rename-review"),
        Binding("d,delete", "delete_review", "Delete", tooltip="Delete the selected review (asks first)", id="delete-review"),
        Binding("b", "restore_backup", "Restore backup", tooltip="Bring back the backup copy of a damaged review", id="restore-backup"),
        Binding("t", "empty_trash", "Empty trash", tooltip="Remove deleted reviews for good (asks first)", id="empty-trash"),
        # Not in the footer, so Quit still fits at 80 columns: the same page is under F9 (Guides), and in Ctrl+P.
        Binding("w", "welcome", "About", tooltip="What this workbook is, and where your data is kept", id="welcome", show=False),
    ]

    def __init__(self, store: ReviewStore, prompts: Prompts) -> None:
        super().__init__()
        self.store = store
        self.prompts = prompts
        self.summaries: list[ReviewSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(INTRO, id="intro")
        if self.store.read_only:
            yield Static(READ_ONLY_NOTE, id="read-only-note")
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, id="reviews")
        table.add_columns(*COLUMNS)
        yield table
        yield Static("", id="empty-note")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Intervention Workbook"
        self.sub_title = "Your reviews"
        # The list itself is filled by on_screen_resume, which also runs when the screen first shows.

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the list of reviews again and show it."""
        table = self.query_one("#reviews", DataTable)
        try:
            self.summaries = self.store.summaries()
        except StorageError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            self.summaries = []
        # Columns too: a long row that is gone (a damaged review, now restored) must not keep its column wide.
        table.clear(columns=True)
        table.add_columns(*COLUMNS)
        # A screenful first, the rest just after the first paint: a long list never delays the start.
        first = FIRST_ROWS
        if select is not None:
            first = max(first, next((i + 1 for i, s in enumerate(self.summaries) if s.id == select), 0))
        self._add_rows(self.summaries[:first])
        if len(self.summaries) > first:
            self.call_after_refresh(self._add_rows, self.summaries[first:])
        note = self.query_one("#empty-note", Static)
        if self.summaries:
            note.update("")
            if select is not None:
                table.move_cursor(row=table.get_row_index(select))
            table.focus()
        else:
            note.update("There are no reviews yet. Press N to start one: you can stop at any point and come back.")

    def _add_rows(self, summaries: list[ReviewSummary]) -> None:
        table = self.query_one("#reviews", DataTable)
        for s in summaries:
            # Text, not str: a DataTable reads a plain string as markup, and a title is the family's own words.
            if s.damaged:
                table.add_row(damaged_cell(s), Text(s.intervention_date), when(s.updated), damaged_progress(s), key=s.id)
            else:
                table.add_row(Text(s.title), Text(s.intervention_date or "not given yet"), when(s.updated), s.progress_label, key=s.id)
        self.refresh_bindings()

    def _selected(self) -> ReviewSummary | None:
        table = self.query_one("#reviews", DataTable)
        if not self.summaries or table.cursor_row < 0:
            return None
        return self.summaries[table.cursor_row] if table.cursor_row < len(self.summaries) else None

    @on(DataTable.RowHighlighted, "#reviews")
    def _row_changed(self) -> None:
        self.refresh_bindings()  # B (restore) is offered only on a damaged review

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore_backup":
            chosen = self._selected()
            return chosen is not None and bool(chosen.damaged) and not is_newer(chosen)
        return True

    def _refuse_if_read_only(self) -> bool:
        """Say so and return True when the folder cannot be changed (rather than fail part-way)."""
        if self.store.read_only:
            self.notify(READ_ONLY_REFUSED, severity="warning", timeout=20, markup=False)
        return self.store.read_only

    @work
    async def action_new_review(self) -> None:
        if self._refuse_if_read_only():
            return
        title = await self.app.push_screen_wait(
            AskText(
                "Start a new review",
                'Give this review a name you will recognise, for example: "Looking back at March".',
                placeholder="A name for this review",
                max_length=TITLE_MAX,
            )
        )
        if title is None:
            return
        try:
            review = self.store.create(title)
        except StorageError as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
            return
        self.reload(select=review.id)
        self.app.open_review(review.id)  # type: ignore[attr-defined]

    @on(DataTable.RowSelected, "#reviews")
    def action_open_review(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        if chosen.damaged and not is_newer(chosen):  # reading it again would only fail again: explain, offer the backup
            self.app.open_damaged(chosen.id, chosen.title, chosen.damaged)  # type: ignore[attr-defined]
        else:
            self.app.open_review(chosen.id)  # type: ignore[attr-defined]

    def action_restore_backup(self) -> None:
        chosen = self._selected()
        if chosen is not None and chosen.damaged and not is_newer(chosen):
            from .damaged import restore_and_open

            restore_and_open(self.app, chosen.id, chosen.title)  # type: ignore[arg-type]

    @work
    async def action_rename_review(self) -> None:
        chosen = self._selected()
        if chosen is None or self._refuse_if_read_only():
            return
        if chosen.damaged:
            self.notify(
                f"This review cannot be renamed while it cannot be read ({chosen.damaged}). Nothing has been changed."
                + ("" if is_newer(chosen) else " Press B to restore a backup first."),
                severity="warning",
                timeout=15,
                markup=False,
            )
            return
        title = await self.app.push_screen_wait(AskText("Rename review", "The new name:", chosen.title, max_length=TITLE_MAX))
        if title is None:
            return
        try:
            self.store.rename(chosen.id, title)
        except (StorageError, ValueError) as error:
            self.notify(str(error), severity="error", timeout=15, markup=False)
        self.reload(select=chosen.id)

    @work
    async def action_delete_review(self) -> None:
        chosen = self._selected()
        if chosen is None or self._refuse_if_read_only():
            return
        sure = await self.app.push_screen_wait(
            Confirm(
                "Delete this review?",
                f'"{chosen.title}"\n\nIt will disappear from this list, for every family member. '
                f"It is kept in the workbook's trash folder, {self.store.trash_dir}, in case you change your mind: "
                f"moving its files back into {self.store.reviews_dir} brings it back. {TRASH_KEPT}",
                "Delete review",
            )
        )
        if not sure:
            return
        try:
            where = self.store.delete(chosen.id)
        except (StorageError, OSError) as error:
            self.notify(f"It could not be deleted. {plain(error)}", severity="error", timeout=15, markup=False)
            return
        self.notify(f"Deleted. A copy is kept in {where}", timeout=10, markup=False)
        self.reload()

    @work
    async def action_empty_trash(self) -> None:
        if self._refuse_if_read_only():
            return
        try:
            count = self.store.trash_count()
        except (StorageError, OSError) as error:
            self.notify(f"The trash could not be looked at. {plain(error)}", severity="error", timeout=15, markup=False)
            return
        if not count:
            self.notify("The trash is empty: there are no deleted reviews to remove.", timeout=10, markup=False)
            return
        reviews = "1 deleted review in the trash, with its" if count == 1 else f"{count} deleted reviews in the trash, with their"
        sure = await self.app.push_screen_wait(
            Confirm(
                "Empty the trash?",
                f"{reviews} backup copies, will be removed for good. This cannot be undone.\n\n"
                "The reviews in your list are not touched.",
                "Empty the trash",
            )
        )
        if not sure:
            return
        try:
            removed = self.store.empty_trash()
        except (StorageError, OSError) as error:
            self.notify(f"The trash could not be emptied. {plain(error)}", severity="error", timeout=15, markup=False)
            return
        gone = "1 deleted review was" if removed == 1 else f"{removed} deleted reviews were"
        self.notify(f"The trash is empty now: {gone} removed for good.", timeout=10, markup=False)

    def action_welcome(self) -> None:
        self.app.show_welcome()  # type: ignore[attr-defined]
