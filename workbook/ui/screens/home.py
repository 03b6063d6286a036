"""The first screen: the family's reviews, and a way to start a new one."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from ...prompts import Prompts
from ...storage import StorageError
from ...store import ReviewStore, ReviewSummary
from .base import WorkbookScreen
from .dialogs import AskText, Confirm

FIRST_ROWS = 60
"""Rows shown before the first paint; more than fit on any ordinary terminal."""

INTRO = (
    "Looking back at an intervention that did not go as hoped is hard. This workbook helps your family "
    "understand what happened, without blame, and prepare a revised plan to take to a professional."
)


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
        Binding("w", "welcome", "About", tooltip="What this workbook is, and where your data is kept", id="welcome"),
    ]

    def __init__(self, store: ReviewStore, prompts: Prompts) -> None:
        super().__init__()
        self.store = store
        self.prompts = prompts
        self.summaries: list[ReviewSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(INTRO, id="intro")
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, id="reviews")
        table.add_columns("Review", "Intervention date", "Last edited", "How far along")
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
        table.clear()
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
            table.add_row(Text(s.title), Text(s.intervention_date or "not given yet"), when(s.updated), s.progress_label, key=s.id)

    def _selected(self) -> ReviewSummary | None:
        table = self.query_one("#reviews", DataTable)
        if not self.summaries or table.cursor_row < 0:
            return None
        return self.summaries[table.cursor_row] if table.cursor_row < len(self.summaries) else None

    @work
    async def action_new_review(self) -> None:
        title = await self.app.push_screen_wait(
            AskText(
                "Start a new review",
                'Give this review a name you will recognise, for example: "Looking back at March".',
                placeholder="A name for this review",
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
        if chosen is not None:
            self.app.open_review(chosen.id)  # type: ignore[attr-defined]

    @work
    async def action_rename_review(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        title = await self.app.push_screen_wait(AskText("Rename review", "The new name:", chosen.title))
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
        if chosen is None:
            return
        sure = await self.app.push_screen_wait(
            Confirm(
                "Delete this review?",
                f'"{chosen.title}"\n\nIt will disappear from this list, for every family member. '
                "A copy is kept in the workbook's trash folder in case you change your mind.",
                "Delete review",
            )
        )
        if not sure:
            return
        try:
            where = self.store.delete(chosen.id)
        except (StorageError, OSError) as error:
            self.notify(f"It could not be deleted: {error}", severity="error", timeout=15, markup=False)
            return
        self.notify(f"Deleted. A copy is kept in {where}", timeout=10, markup=False)
        self.reload()

    def action_welcome(self) -> None:
        self.app.show_welcome()  # type: ignore[attr-defined]
