"""An editable table of small records (treatment options, commitments, tasks...).

The records are plain dicts inside the review's plan; their fields are questions from a prompt
file, so labels and choices stay editable by a counselor. The first few questions become the
table's columns; the selected row's fields are shown beneath it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from ...model import AnswerValue, new_id, now_iso
from ...prompts import Step
from .question import QuestionField, describe, shorten


class RecordList(Vertical):
    """Add, edit and remove records of one kind."""

    class Changed(Message):
        """A record was added, edited or removed."""

    def __init__(
        self,
        records: list[dict[str, Any]],
        fields: Step,
        *,
        noun: str,
        columns: int = 3,
        defaults: Callable[[], dict[str, Any]] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="record-list")
        self.records = records
        self.fields = fields
        self.noun = noun
        self.column_questions = fields.questions[:columns]
        self.defaults = defaults or dict
        self.selected: str | None = None

    def compose(self) -> ComposeResult:
        if self.fields.intro:
            yield Static(self.fields.intro, classes="q-help", markup=False)
        yield Button(f"Add {self.noun} (F4)", classes="add-record", variant="primary")
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, classes="records")
        table.add_columns(*(shorten(q.text, 24) for q in self.column_questions))
        yield table
        yield Vertical(classes="record-editor")
        yield Button(f"Remove this {self.noun} (F8)", classes="remove-record", variant="error")

    def on_mount(self) -> None:
        self._fill()
        if self.records:
            self.call_after_refresh(self._select, self.records[0]["id"])

    def _cells(self, record: dict[str, Any]) -> tuple[str, ...]:
        cells = []
        for q in self.column_questions:
            value = record.get(q.id)
            cells.append(shorten(describe(q, value), 24) if value else "")
        return tuple(cells)

    def _fill(self) -> None:
        table = self.query_one(".records", DataTable)
        table.clear()
        for record in self.records:
            table.add_row(*(Text(cell) for cell in self._cells(record)), key=record["id"])  # never markup
        self.query_one(".remove-record", Button).display = bool(self.records)

    def _record(self, record_id: str) -> dict[str, Any] | None:
        return next((r for r in self.records if r.get("id") == record_id), None)

    async def _select(self, record_id: str) -> None:
        record = self._record(record_id)
        editor = next(self.query(".record-editor").results(Vertical), None)
        if record is None or editor is None or not self.is_attached:
            return  # closed before this ran
        self.selected = record_id
        await editor.remove_children()
        await editor.mount(*(QuestionField(q, record.get(q.id) or None) for q in self.fields.questions))

    @on(DataTable.RowHighlighted)
    async def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value and event.row_key.value != self.selected:
            await self._select(event.row_key.value)

    @property
    def item_noun(self) -> str:
        return self.noun

    def describe_item(self, item_id: str) -> str:
        """The record as one line, for the question "remove this?"."""
        record = self._record(item_id) or {}
        first = self.fields.questions[0] if self.fields.questions else None
        value = record.get(first.id) if first else None
        return shorten(describe(first, value), 60) if first and value else f"This {self.noun} (nothing written yet)"

    @on(Button.Pressed, ".add-record")
    async def add_item(self) -> None:
        record: dict[str, Any] = {"id": new_id(), **self.defaults(), "updated": now_iso()}
        self.records.append(record)
        self.post_message(self.Changed())
        self._fill()
        table = self.query_one(".records", DataTable)
        table.move_cursor(row=len(self.records) - 1)
        await self._select(record["id"])
        fields = self.query(QuestionField)
        if fields:
            self.call_after_refresh(fields.first().focus_field)  # once laid out, so it scrolls into view

    @on(Button.Pressed, ".remove-record")
    async def _remove_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.screen.run_action("remove_item")  # the screen asks first, as it does for every removal

    def remove_selected(self) -> None:
        """Remove the selected record (the caller has already asked)."""
        if self.selected is None:
            return
        self.records[:] = [r for r in self.records if r.get("id") != self.selected]
        self.selected = None
        self.query_one(".record-editor", Vertical).remove_children()
        self._fill()
        self.post_message(self.Changed())
        if self.records:
            self.call_after_refresh(self._select, self.records[0]["id"])

    def on_question_field_changed(self, event: QuestionField.Changed) -> None:
        event.stop()
        record = self._record(self.selected or "")
        if record is None or record.get(event.question.id) == event.value:
            return
        value: AnswerValue = event.value
        record[event.question.id] = value
        record["updated"] = now_iso()
        table = self.query_one(".records", DataTable)
        for column, cell in zip(table.ordered_columns, self._cells(record), strict=False):
            table.update_cell(record["id"], column.key, Text(cell))
        self.post_message(self.Changed())
