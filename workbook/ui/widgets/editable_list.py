"""A table of records with one editor beneath it: the timeline, the people, and the plan's lists.

One editor per list, built once. Choosing a row does not rebuild it: the row's record is *loaded*
into the same fields, each of which then names that record in every change it reports. A change is
applied to the record the field was bound to when it was made, never to "whatever row is selected
now", so words cannot land in another entry.

Selecting, adding and removing are plain synchronous methods (no mounting, no awaiting), so two of
them can never interleave; the app's key gate (ui/keygate.py) delivers each key only after the one
before it has been handled, so keys typed after F4 land in the new entry.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, DataTable, Static

from ...model import AnswerValue
from ...prompts import Question
from .question import QuestionField


class EditableList(Vertical):
    """Add, choose, edit and remove records of one kind; subclasses say where the records live."""

    item_noun = "entry"
    show_remove_button = False

    def __init__(self, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=f"editable-list {classes}".strip())
        self.selected: str | None = None
        self._removed: tuple[Any, str] | None = None
        """What the last removal took out (for Undo remove) and how to describe it."""

    # -- what subclasses supply -------------------------------------------------------------------

    def columns(self) -> tuple[str, ...]:
        raise NotImplementedError

    def questions(self) -> list[Question]:
        raise NotImplementedError

    def rows(self) -> list[tuple[str, tuple[str, ...]]]:
        """(record id, table cells) in display order."""
        raise NotImplementedError

    def exists(self, item_id: str) -> bool:
        raise NotImplementedError

    def value(self, item_id: str, question: Question) -> AnswerValue | None:
        raise NotImplementedError

    def others(self, item_id: str, question: Question) -> list[tuple[str, AnswerValue]]:
        """What other writers wrote for this record and question (nothing, unless views are per writer)."""
        return []

    def apply(self, item_id: str, question: Question, value: AnswerValue) -> bool:
        """Store a change; False when nothing changed."""
        raise NotImplementedError

    def create_item(self) -> str:
        raise NotImplementedError

    def take_out(self, item_id: str) -> Any:
        """Remove a record and return what `put_back` needs to restore it where it was."""
        raise NotImplementedError

    def put_back(self, taken: Any) -> str:
        raise NotImplementedError

    def describe_item(self, item_id: str) -> str:
        """The record as one line, for "remove this?" and the editor's title."""
        raise NotImplementedError

    def changed(self) -> None:
        """Tell the step that the records changed (so it is saved)."""
        raise NotImplementedError

    def intro(self) -> str:
        return ""

    def wants_others(self) -> bool:
        return False

    # -- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        if intro := self.intro():
            yield Static(intro, classes="q-help", markup=False)
        yield Button(f"Add {self.item_noun} (F4)", classes="add-item", variant="primary")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, classes="items")
        table.add_columns(*self.columns())
        yield table
        yield Static("", classes="empty-note q-help")
        with Vertical(classes="editor"):
            yield Static("", classes="editing-title", markup=False)
            show_others = self.wants_others()
            for question in self.questions():
                yield QuestionField(question, None, record_id=None, show_others=show_others, id=f"field-{question.id}")
            if self.show_remove_button:
                yield Button(f"Remove this {self.item_noun} (F8)", classes="remove-item", variant="error")

    def on_mount(self) -> None:
        rows = self.rows()
        self._fill(rows[0][0] if rows else None)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(".items", DataTable)

    def fields(self) -> list[QuestionField]:
        return list(self.query_one(".editor").query(QuestionField))

    # -- the one path that changes what is shown ------------------------------------------------

    def _fill(self, keep: str | None) -> None:
        """Rebuild the table's rows, put the cursor on `keep` (if it is there) and show that record."""
        table = self.table
        rows = self.rows()
        table.clear()
        for key, cells in rows:
            table.add_row(*(Text(cell) for cell in cells), key=key)  # Text: user words are never markup
        keys = [key for key, _ in rows]
        if keep in keys:
            table.move_cursor(row=keys.index(keep), animate=False)
        note = "" if rows else f"Nothing here yet. Press F4 (or the button above) to add the first {self.item_noun}."
        self.query_one(".empty-note", Static).update(note)
        self.show(keep if keep in keys else None)

    def show(self, item_id: str | None) -> None:
        """Load a record into the editor (or hide the editor when there is none)."""
        editor = self.query_one(".editor")
        if item_id is None or not self.exists(item_id):
            self.selected = None
            editor.display = False
            for field in self.fields():
                field.load(None, None)
            return
        editor.display = True
        if item_id == self.selected:
            return
        self.selected = item_id
        self._show_title(item_id)
        for field in self.fields():
            field.load(self.value(item_id, field.question), item_id, self.others(item_id, field.question))

    def _show_title(self, item_id: str) -> None:
        # One line (see the stylesheet): repaint it without a layout pass, as it changes while typing.
        self.query_one(".editing-title", Static).update(f"Editing: {self.describe_item(item_id)}", layout=False)

    def _cursor_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # the cursor is between a clear and a refill
            return None
        return key

    @on(DataTable.RowHighlighted, ".items")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # Follow where the cursor is *now*: a highlight reported before a refill may be stale.
        key = self._cursor_key()
        if key is not None and key != self.selected:
            self.show(key)

    @on(DataTable.RowSelected, ".items")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = self._cursor_key()
        if key is not None:
            self.show(key)
            self.focus_editor()

    def focus_editor(self, *, writing: bool = False) -> None:
        """Put the cursor in the editor: its first field, or with `writing` its first field for words."""
        fields = self.fields()
        if not fields or self.selected is None:
            return
        words = [f for f in fields if f.question.kind in ("text", "line")] if writing else []
        target = (words or fields)[0]
        target.focus_field()
        # The editor may have only just been shown: scroll to the field once it has been laid out.
        self.call_after_refresh(target.scroll_visible, animate=False)

    def focus_first(self) -> None:
        tables = self.query(".items")
        if tables:
            tables.first().focus()
        else:
            self.call_after_refresh(self.focus_first)  # not composed yet (the key gate waits for this)

    # -- add, remove, undo remove ----------------------------------------------------------------

    @on(Button.Pressed, ".add-item")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.add_item()

    def add_item(self) -> None:
        """Add a blank record, select it and put the cursor in its first field."""
        item_id = self.create_item()
        self.changed()
        self._fill(item_id)
        self.focus_editor(writing=True)  # a person adds an entry to write it: start where the words go

    @on(Button.Pressed, ".remove-item")
    async def _remove_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.screen.run_action("remove_item")  # the screen asks first, as it does for every removal

    def remove_selected(self) -> str | None:
        """Remove the selected record (the caller has already asked); returns how it was described."""
        if self.selected is None:
            return None
        item_id = self.selected
        keys = [key for key, _ in self.rows()]
        position = keys.index(item_id) if item_id in keys else 0
        what = self.describe_item(item_id)
        self._removed = (self.take_out(item_id), what)
        self.selected = None
        self.changed()
        keys = [key for key, _ in self.rows()]
        self._fill(keys[min(position, len(keys) - 1)] if keys else None)
        return what

    @property
    def can_undo_remove(self) -> bool:
        return self._removed is not None

    def undo_remove(self) -> bool:
        """Put the last removed record back where it was and select it."""
        if self._removed is None:
            return False
        taken, _ = self._removed
        self._removed = None
        item_id = self.put_back(taken)
        self.changed()
        self._fill(item_id)
        return True

    # -- edits --------------------------------------------------------------------------------------

    def on_question_field_changed(self, event: QuestionField.Changed) -> None:
        event.stop()
        item_id = event.record_id
        if item_id is None or not self.exists(item_id):
            return  # the record was removed before this change arrived: nothing to attach it to
        if not self.apply(item_id, event.question, event.value):
            return
        self.changed()
        self._update_row(item_id)
        if item_id == self.selected:
            self._show_title(item_id)

    def _update_row(self, item_id: str) -> None:
        rows = self.rows()
        keys = [key for key, _ in rows]
        table = self.table
        if keys != [row.key.value for row in table.ordered_rows]:
            # The order changed (a timeline entry moved to another phase): refill, keeping this record.
            self._fill(item_id)
            return
        cells = dict(rows)[item_id]
        for column, cell in zip(table.ordered_columns, cells, strict=False):
            table.update_cell(item_id, column.key, Text(cell))
