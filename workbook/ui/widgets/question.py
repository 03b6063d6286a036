"""One question on screen: its wording, the field to answer it, and what others wrote.

The field is chosen from the question's kind (free text, one line, a date, one choice, several
choices). Whatever the kind, a change is reported the same way, as `QuestionField.Changed`, so
the screens above never need to know which widget produced it.

Under a free-text answer, a quiet line may offer a gentler way to look at a blaming phrase (see
workbook/gentle.py). It appears a moment after the writer stops typing and never changes the answer.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
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

from ...gentle import find_hints
from ...model import AnswerValue
from ...prompts import Question

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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


class QuestionField(Vertical):
    """A question with its answer field for the current writer."""

    class Changed(Message):
        """The writer changed their answer."""

        def __init__(self, field: QuestionField, value: AnswerValue) -> None:
            self.field = field
            self.question = field.question
            self.value = value
            super().__init__()

    def __init__(
        self,
        question: Question,
        value: AnswerValue | None,
        others: list[tuple[str, AnswerValue]] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="question")
        self.question = question
        self.value = value
        self.others = others or []
        self._gentle_timer: Timer | None = None

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
        if self.others:
            lines = "\n".join(f"{who}: {describe(q, value)}" for who, value in self.others)
            title = f"What others wrote ({len(self.others)})"
            yield Collapsible(Static(lines, markup=False, classes="q-others"), title=title, collapsed=True)

    def _field(self) -> Widget:
        q, value = self.question, self.value
        if q.kind == "text":
            area = TextArea(value if isinstance(value, str) else "", soft_wrap=True, classes="q-field q-long")
            area.show_line_numbers = False
            area.placeholder = q.placeholder
            return area
        if q.kind in ("line", "date"):
            placeholder = q.placeholder or ("YYYY-MM-DD, for example 2026-03-14" if q.kind == "date" else "")
            return Input(value if isinstance(value, str) else "", placeholder=placeholder, classes="q-field")
        if q.kind == "choice":
            return RadioSet(*(RadioButton(c.label, value=c.id == value) for c in q.choices), classes="q-field")
        chosen = set(value) if isinstance(value, list) else set()
        return SelectionList[str](*((c.label, c.id, c.id in chosen) for c in q.choices), classes="q-field")

    def focus_field(self, scroll_visible: bool = True) -> None:
        """Put the cursor in this question's field."""
        self.query_one(".q-field").focus(scroll_visible=scroll_visible)

    def _report(self, value: AnswerValue) -> None:
        self.value = value
        self.post_message(self.Changed(self, value))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
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
        text = event.value
        if self.question.kind == "date":
            hint = self.query_one(".q-hint", Static)
            ok = not text.strip() or bool(DATE_PATTERN.match(text.strip()))
            hint.update("" if ok else "Kept as you typed it. If you can, write it as YYYY-MM-DD.")
        self._report(text)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._report(self.question.choices[event.index].id)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        chosen = set(event.selection_list.selected)
        self._report([c.id for c in self.question.choices if c.id in chosen])
