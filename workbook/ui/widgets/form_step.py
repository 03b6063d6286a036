"""A step made of questions, each answered separately by every writer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...model import Review
from ...prompts import Step
from ..messages import Edited
from .question import QuestionField


class StepHeader(Static):
    """The step's title, introduction and why-we-ask note."""

    def __init__(self, step: Step) -> None:
        parts = [f"[b]{_escape(step.title)}[/b]"]
        if step.intro:
            parts.append(_escape(step.intro))
        if step.why:
            parts.append(f"[i]Why we ask: {_escape(step.why)}[/i]")
        super().__init__("\n\n".join(parts), classes="step-header")


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


class StepView(VerticalScroll):
    """The open step: one review, one step, one writer."""

    def __init__(self, review: Review, step: Step, writer: str) -> None:
        super().__init__(classes="step-view")
        self.review = review
        self.step = step
        self.writer = writer


class FormStep(StepView):
    """Every question of one step, answered as the current writer."""

    def compose(self) -> ComposeResult:
        yield StepHeader(self.step)
        for question in self.step.questions:
            others = self.review.answers_by_others(self.step.id, question.id, self.writer)
            yield QuestionField(
                question,
                self.review.answer(self.step.id, question.id, self.writer),
                others,
                id=f"q-{question.id}",
            )

    def focus_first(self) -> None:
        """Put the cursor in the first question."""
        fields = self.query(QuestionField)
        if fields:
            # Keep the step's introduction in view; the first field is just below it.
            fields.first().focus_field(scroll_visible=False)

    def on_question_field_changed(self, event: QuestionField.Changed) -> None:
        event.stop()
        if self.review.set_answer(self.step.id, event.question.id, self.writer, event.value):
            self.post_message(Edited(self.step.id))
