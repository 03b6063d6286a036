"""One question on screen: its wording, the field to answer it, and what others wrote.

The field is chosen from the question's kind (free text, one line, a date, one choice, several
choices). Whatever the kind, a change is reported the same way, as `QuestionField.Changed`, so
the screens above never need to know which widget produced it.

A field edits one answer: either the writer's own answer to a question, or one field of one record
(a timeline entry, a person, a plan record). A record editor keeps its fields and *loads* another
record into them (`load`), so each field always knows which record it is bound to, and every change
it reports names that record: a change can never land in another entry.

Ctrl+Z undoes the last change of any field (free text has its own, finer, undo); Esc leaves the field.

Typing stops at the workbook's size limits (see limited.py: an answer keeps 50,000 characters, a
person's name or relationship 100, a date 64), and the family is told once, in plain words, when a
field is full; a paste keeps what fits. What the app saves can therefore always be imported again.

Under a free-text answer, a quiet line may offer a gentler way to look at a blaming phrase (see
workbook/gentle.py). It appears a moment after the writer stops typing and never changes the answer.
"""

from __future__ import annotations

import re
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Collapsible,
    Input,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets._collapsible import CollapsibleTitle

from ...gentle import find_hints
from ...model import AnswerValue
from ...prompts import Question
from ..screens.base import SAFETY
from .limited import LimitedInput, LimitedTextArea, field_limit

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UNDO_PAUSE = 1.0
"""Seconds of pause that end one run of typing: Ctrl+Z takes back one run, not one letter."""
GENTLE_DELAY = 1.0
"""Seconds after the last change to a free-text answer before looking for blaming phrases."""


def describe(question: Question, value: AnswerValue) -> str:
    """An answer as a family member would read it: choice labels, not ids."""
    if isinstance(value, list):
        return ", ".join(question.choice_label(v) for v in value)
    if question.kind == "choice":
        return question.choice_label(value)
    return value


def shorten(text: str, width: int = 28) -> str:
    """One line of at most `width` characters, for table cells."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class ChoiceSet(RadioSet):
    """Radio buttons whose keyboard highlight starts on the chosen option, not the first."""

    def set_choice(self, index: int) -> None:
        """Press option `index` (or none when -1) without reporting it as the writer's change."""
        buttons = list(self.query(RadioButton))
        with self.prevent(RadioButton.Changed, RadioSet.Changed):
            for number, button in enumerate(buttons):
                button.value = number == index
        self._pressed_button = buttons[index] if 0 <= index < len(buttons) else None
        self._selected = index if index >= 0 else None

    def on_focus(self) -> None:
        # Moving up or down starts from the chosen option; pressing keys never changes it by itself.
        if self.pressed_index >= 0:
            self._selected = self.pressed_index


class QuestionField(Vertical):
    """A question with its answer field for the current writer."""

    BINDINGS = [
        SAFETY,  # repeated here so that, while writing, Safety is still the first key in the footer
        Binding("ctrl+z", "undo", "Undo", tooltip="Take back the last change to this answer", id="undo-field"),
        Binding("escape", "leave_field", "Leave field", tooltip="Leave this answer (a second Esc goes back to the list)"),
    ]

    class Changed(Message):
        """The writer changed their answer (of the record `record_id`, when the field edits a record)."""

        def __init__(self, field: QuestionField, value: AnswerValue) -> None:
            self.field = field
            self.question = field.question
            self.record_id = field.record_id
            self.value = value
            super().__init__()

    def __init__(
        self,
        question: Question,
        value: AnswerValue | None,
        others: list[tuple[str, AnswerValue]] | None = None,
        *,
        id: str | None = None,
        record_id: str | None = None,
        show_others: bool = False,
    ) -> None:
        super().__init__(id=id, classes="question")
        self.question = question
        self.value = value
        self.others = others or []
        self.record_id = record_id
        self._show_others = show_others or bool(self.others)
        self._gentle_timer: Timer | None = None
        self._history: list[AnswerValue] = []
        self._last_change = 0.0
        self._loading = False
        self._focus_on_mount: bool | None = None

    def compose(self) -> ComposeResult:
        q = self.question
        # The question and its help share one widget: every widget on screen adds to each layout pass.
        heading = Text(q.text, style="bold")
        if q.help:
            heading.append("\n" + q.help, style="dim")
        yield Static(heading, classes="q-text")
        yield self._field()
        if q.kind == "text":
            yield Static("", classes="q-gentle", markup=False)
        if q.kind == "date":
            yield Static("", classes="q-hint")
        if q.why:
            yield Static(f"Why we ask: {q.why}", classes="q-why", markup=False)
        if self._show_others:
            others = Static(self._others_text(), markup=False, classes="q-others")
            collapsible = Collapsible(others, title=self._others_title(), collapsed=True)
            collapsible.display = bool(self.others)
            yield collapsible

    def on_mount(self) -> None:
        # Others' answers open with F6 for the whole step: their title is not a Tab stop on every question.
        for title in self.query(CollapsibleTitle):
            title.can_focus = False
        for area in self.query(TextArea):
            area.move_cursor(area.document.end)  # go on writing after what is there, never before it
        if self._focus_on_mount is not None:
            self.focus_field(self._focus_on_mount)
            self._focus_on_mount = None

    def _others_text(self) -> str:
        return "\n".join(f"{who}: {describe(self.question, value)}" for who, value in self.others)

    def _others_title(self) -> str:
        return f"What others wrote ({len(self.others)}) - F6 opens"

    def _field(self) -> Widget:
        q, value = self.question, self.value
        limit, notice = field_limit(q)
        if q.kind == "text":
            area = LimitedTextArea(value if isinstance(value, str) else "", soft_wrap=True, classes="q-field q-long",
                                   max_length=limit, notice=notice)
            area.show_line_numbers = False
            area.placeholder = q.placeholder
            return area
        if q.kind in ("line", "date"):
            placeholder = q.placeholder or ("YYYY-MM-DD, for example 2026-03-14" if q.kind == "date" else "")
            # Never select a saved answer on focus: the first key typed would replace it.
            return LimitedInput(value if isinstance(value, str) else "", placeholder=placeholder, classes="q-field",
                                select_on_focus=False, max_length=limit, notice=notice)
        if q.kind == "choice":
            return ChoiceSet(*(RadioButton(c.label, value=c.id == value) for c in q.choices), classes="q-field")
        chosen = set(value) if isinstance(value, list) else set()
        return SelectionList[str](*((c.label, c.id, c.id in chosen) for c in q.choices), classes="q-field")

    def focus_field(self, scroll_visible: bool = True) -> None:
        """Put the cursor in this question's field, now or, if it is not built yet, as soon as it is."""
        for found in self.query(".q-field"):
            found.focus(scroll_visible=scroll_visible)
            return
        # A step that has just been mounted may not have composed its fields yet: focus them on mount.
        self._focus_on_mount = scroll_visible

    # -- loading another record into the same field ---------------------------------------------

    def load(self, value: AnswerValue | None, record_id: str | None, others: list[tuple[str, AnswerValue]] | None = None) -> None:
        """Show `value` (the answer of record `record_id`) without reporting it as a change."""
        self.record_id = record_id
        self.value = value
        self.others = others or []
        self._history.clear()
        self._set_widget_value(value)
        for note in self.query(".q-gentle, .q-hint").results(Static):
            note.update("")
            note.remove_class("-shown")
        for collapsible in self.query(Collapsible):
            collapsible.display = bool(self.others)
            collapsible.title = self._others_title()
            collapsible.query_one(".q-others", Static).update(self._others_text())

    def _set_widget_value(self, value: AnswerValue | None) -> None:
        q = self.question
        widget = self.query_one(".q-field")
        self._loading = True
        try:
            if isinstance(widget, TextArea):
                with widget.prevent(TextArea.Changed):
                    widget.load_text(value if isinstance(value, str) else "")
                widget.move_cursor(widget.document.end)  # go on writing after what is there
            elif isinstance(widget, Input):
                with widget.prevent(Input.Changed):
                    widget.value = value if isinstance(value, str) else ""
                    widget.cursor_position = len(widget.value)
            elif isinstance(widget, ChoiceSet):
                ids = [c.id for c in q.choices]
                widget.set_choice(ids.index(value) if isinstance(value, str) and value in ids else -1)
            elif isinstance(widget, SelectionList):
                chosen = set(value) if isinstance(value, list) else set()
                with widget.prevent(SelectionList.SelectedChanged):
                    widget.deselect_all()
                    for c in q.choices:
                        if c.id in chosen:
                            widget.select(c.id)
        finally:
            self._loading = False

    # -- reporting and undoing changes ------------------------------------------------------------

    def _report(self, value: AnswerValue) -> None:
        if self._loading or value == self.value:
            return
        now = time.monotonic()
        # One run of typing is one undo step; a choice is always its own step.
        if self.question.kind not in ("line", "date") or now - self._last_change > UNDO_PAUSE or not self._history:
            self._history.append(self.value if self.value is not None else ([] if self.question.kind == "multi" else ""))
        self._last_change = now
        self.value = value
        self.post_message(self.Changed(self, value))

    def action_undo(self) -> None:
        """Take back the last run of changes to this field."""
        if not self._history:
            self.notify("Nothing to undo in this answer.", timeout=3)
            return
        previous = self._history.pop()
        self._set_widget_value(previous)
        self.value = previous
        self._last_change = 0.0
        self.post_message(self.Changed(self, previous))

    def action_leave_field(self) -> None:
        """Leave the field for the step around it, so a second Esc (not the first) leaves the review."""
        owner = next((a for a in self.ancestors if a.has_class("editable-list")), None)
        if isinstance(owner, Widget):
            owner.query_one(".items").focus(scroll_visible=False)  # back to the list the entry is in
            return
        step = next((a for a in self.ancestors if a.has_class("step-view")), None)
        if isinstance(step, Widget) and step.can_focus:
            step.focus(scroll_visible=False)
        else:
            self.screen.set_focus(None)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._loading:
            return
        self._report(event.text_area.text)
        if self.question.kind == "text":
            if self._gentle_timer is None:
                self._gentle_timer = self.set_timer(GENTLE_DELAY, self._show_gentle)
            else:
                self._gentle_timer.reset()  # one timer per field, restarted, not a new one per keystroke

    def _show_gentle(self) -> None:
        """Offer a gentler way to look at any blaming phrase in the answer, or clear the note if there is none."""
        self._gentle_timer = None
        prompts = getattr(self.app, "prompts", None)
        hints = getattr(prompts, "hints", ())
        thoughts = find_hints(self.query_one(".q-field", TextArea).text, hints)
        note = self.query_one(".q-gentle", Static)
        note.update("\n".join(f"A thought: {thought}" for thought in thoughts))
        note.set_class(bool(thoughts), "-shown")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._loading:
            return
        text = event.value
        if self.question.kind == "date":
            hint = self.query_one(".q-hint", Static)
            ok = not text.strip() or bool(DATE_PATTERN.match(text.strip()))
            hint.update("" if ok else "Kept as you typed it. If you can, write it as YYYY-MM-DD.")
        self._report(text)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        if not self._loading:
            self._report(self.question.choices[event.index].id)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        if self._loading:
            return
        chosen = set(event.selection_list.selected)
        self._report([c.id for c in self.question.choices if c.id in chosen])
