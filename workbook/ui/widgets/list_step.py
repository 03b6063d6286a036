"""Steps that hold a list: the timeline, and the people who were there.

Both show a table of what has been written and, beneath it, the fields of the selected row.
Each row's fields are the step's questions from prompts/, so the wording stays editable.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Static

from ...model import AnswerValue, Person, PersonView, Review, TimelineEntry, now_iso
from ...prompts import Question, Step
from ..messages import Edited
from .form_step import StepHeader
from .question import QuestionField, describe, shorten

SHARED_PERSON_FIELDS = ("name", "relationship", "present", "role")
"""Facts about a person that everyone shares; the other questions are each writer's own view."""



class ListStep(VerticalScroll):
    """Shared behaviour: a table of rows plus an editor for the selected row."""

    item_noun = "entry"

    def __init__(self, review: Review, step: Step, writer: str) -> None:
        super().__init__(classes="step-view")
        self.review = review
        self.step = step
        self.writer = writer
        self.selected: str | None = None

    # subclasses supply these
    def rows(self) -> list[tuple[str, tuple[str, ...]]]:
        raise NotImplementedError

    def columns(self) -> tuple[str, ...]:
        raise NotImplementedError

    def editor_fields(self, item_id: str) -> list[QuestionField]:
        raise NotImplementedError

    def apply(self, item_id: str, question: Question, value: AnswerValue) -> bool:
        raise NotImplementedError

    def create_item(self) -> str:
        raise NotImplementedError

    def delete_item(self, item_id: str) -> None:
        raise NotImplementedError

    def describe_item(self, item_id: str) -> str:
        raise NotImplementedError

    # shared
    def compose(self) -> ComposeResult:
        yield StepHeader(self.step)
        with Vertical(classes="list-buttons"):
            yield Button(f"Add {self.item_noun} (F4)", id="add-item", variant="primary")
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, id="items")
        table.add_columns(*self.columns())
        yield table
        yield Static("", id="empty-note", classes="q-help")
        yield Vertical(id="editor")

    def on_mount(self) -> None:
        self.refresh_table()
        rows = self.rows()
        if rows:
            self.call_after_refresh(self.select, rows[0][0])

    def refresh_table(self) -> None:
        table = self.query_one("#items", DataTable)
        table.clear()
        for key, cells in self.rows():
            table.add_row(*(Text(cell) for cell in cells), key=key)  # Text: user words are never markup
        note = "" if table.row_count else f"Nothing here yet. Press F4 (or the button above) to add the first {self.item_noun}."
        self.query_one("#empty-note", Static).update(note)

    def update_row(self, item_id: str) -> None:
        table = self.query_one("#items", DataTable)
        for key, cells in self.rows():
            if key == item_id:
                for column, cell in zip(table.ordered_columns, cells, strict=False):
                    table.update_cell(key, column.key, Text(cell))

    async def select(self, item_id: str) -> None:
        editors = self.query("#editor").results(Vertical)
        editor = next(editors, None)
        if editor is None or not self.is_attached:
            return  # the step was closed (for example by moving on quickly) before this ran
        self.selected = item_id
        await editor.remove_children()
        await editor.mount(
            Static(f"Editing: {self.describe_item(item_id)}", classes="editing-title", markup=False), *self.editor_fields(item_id)
        )

    @on(DataTable.RowSelected, "#items")
    async def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value and event.row_key.value != self.selected:
            await self.select(event.row_key.value)
        fields = self.query("#editor QuestionField")
        if fields:
            self.call_after_refresh(fields.first(QuestionField).focus_field)  # once laid out, so it scrolls into view

    @on(DataTable.RowHighlighted, "#items")
    async def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value and event.row_key.value != self.selected:
            await self.select(event.row_key.value)

    @on(Button.Pressed, "#add-item")
    async def _add_pressed(self) -> None:
        await self.add_item()

    async def add_item(self) -> None:
        item_id = self.create_item()
        self.post_message(Edited(self.step.id))
        self.refresh_table()
        table = self.query_one("#items", DataTable)
        table.move_cursor(row=table.get_row_index(item_id))
        await self.select(item_id)
        fields = self.query("#editor QuestionField")
        if fields:
            self.call_after_refresh(fields.first(QuestionField).focus_field)  # once laid out, so it scrolls into view

    def remove_selected(self) -> None:
        if self.selected is None:
            return
        self.delete_item(self.selected)
        self.selected = None
        self.post_message(Edited(self.step.id))
        self.refresh_table()
        self.query_one("#editor", Vertical).remove_children()
        rows = self.rows()
        if rows:
            self.call_after_refresh(self.select, rows[0][0])

    def focus_first(self) -> None:
        self.query_one("#items", DataTable).focus()

    def on_question_field_changed(self, event: QuestionField.Changed) -> None:
        event.stop()
        if self.selected is not None and self.apply(self.selected, event.question, event.value):
            self.post_message(Edited(self.step.id))
            self.update_row(self.selected)


class TimelineStep(ListStep):
    """Before, during and after: what happened, who was involved, which cause it touches."""

    item_noun = "entry"

    def columns(self) -> tuple[str, ...]:
        return ("When", "What happened", "Who", "Cause")

    def _q(self, question_id: str) -> Question | None:
        return self.step.question(question_id)

    def _label(self, question_id: str, value: str) -> str:
        q = self._q(question_id)
        return describe(q, value) if q and value else value

    def rows(self) -> list[tuple[str, tuple[str, ...]]]:
        return [
            (e.id, (self._label("phase", e.phase), shorten(e.what), shorten(e.who, 16), shorten(self._label("cause", e.cause), 16)))
            for e in self.review.sorted_timeline()
        ]

    def _entry(self, item_id: str) -> TimelineEntry:
        entry = self.review.timeline_entry(item_id)
        assert entry is not None
        return entry

    def describe_item(self, item_id: str) -> str:
        entry = self._entry(item_id)
        by = self.review.member_name(entry.author) if entry.author else "someone"
        return f"{shorten(entry.what, 40) or 'a new entry'} (written by {by})"

    def editor_fields(self, item_id: str) -> list[QuestionField]:
        entry = self._entry(item_id)
        return [QuestionField(q, getattr(entry, q.id, "") or None) for q in self.step.questions if hasattr(entry, q.id)]

    def apply(self, item_id: str, question: Question, value: AnswerValue) -> bool:
        entry = self._entry(item_id)
        if not isinstance(value, str) or getattr(entry, question.id, None) == value:
            return False
        setattr(entry, question.id, value)
        entry.updated = now_iso()
        self.review.touch()
        return True

    def create_item(self) -> str:
        entry = TimelineEntry(author=self.writer)
        self.review.timeline.append(entry)
        self.review.touch()
        return entry.id

    def delete_item(self, item_id: str) -> None:
        self.review.timeline = [e for e in self.review.timeline if e.id != item_id]
        self.review.touch()


class PeopleStep(ListStep):
    """Everyone who was there or invited, and each writer's view of them."""

    item_noun = "person"

    def columns(self) -> tuple[str, ...]:
        return ("Name", "Relationship", "Was there?", "Views")

    def rows(self) -> list[tuple[str, tuple[str, ...]]]:
        present = self.step.question("present")
        return [
            (
                p.id,
                (
                    shorten(p.name, 20) or "(no name yet)",
                    shorten(p.relationship, 16),
                    describe(present, p.present) if present and p.present else "",
                    str(len(p.views)),
                ),
            )
            for p in self.review.people
        ]

    def _person(self, item_id: str) -> Person:
        person = self.review.person(item_id)
        assert person is not None
        return person

    def describe_item(self, item_id: str) -> str:
        return self._person(item_id).name or "a new person"

    def editor_fields(self, item_id: str) -> list[QuestionField]:
        person = self._person(item_id)
        mine = person.views.get(self.writer, PersonView())
        fields: list[QuestionField] = []
        for q in self.step.questions:
            if q.id in SHARED_PERSON_FIELDS:
                fields.append(QuestionField(q, getattr(person, q.id) or None))
            else:
                others = [
                    (self.review.member_name(mid), getattr(v, q.id))
                    for mid, v in person.views.items()
                    if mid != self.writer and getattr(v, q.id, None)
                ]
                fields.append(QuestionField(q, getattr(mine, q.id, None) or None, others))
        return fields

    def apply(self, item_id: str, question: Question, value: AnswerValue) -> bool:
        person = self._person(item_id)
        if question.id in SHARED_PERSON_FIELDS:
            if not isinstance(value, str) or getattr(person, question.id) == value:
                return False
            setattr(person, question.id, value)
        else:
            view = person.views.setdefault(self.writer, PersonView())
            if not hasattr(view, question.id) or getattr(view, question.id) == value:
                return False
            setattr(view, question.id, value)
            view.updated = now_iso()
        person.updated = now_iso()
        self.review.touch()
        return True

    def create_item(self) -> str:
        person = Person(added_by=self.writer)
        self.review.people.append(person)
        self.review.touch()
        return person.id

    def delete_item(self, item_id: str) -> None:
        self.review.people = [p for p in self.review.people if p.id != item_id]
        self.review.touch()
