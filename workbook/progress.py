"""How far along a review is, step by step, for the sidebar and the list of reviews."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Review, is_blank
from .prompts import Prompts, Step


@dataclass(frozen=True)
class StepProgress:
    """Progress through one step."""

    done: int
    total: int
    label: str
    """Short text for the sidebar: "3/7", "4 entries"."""

    @property
    def started(self) -> bool:
        """True once anything has been written in the step."""
        return self.done > 0

    @property
    def complete(self) -> bool:
        """True when every question has at least one answer (or a list has entries)."""
        return self.total > 0 and self.done >= self.total


def _form_progress(review: Review, step: Step, writer: str | None) -> StepProgress:
    answers = review.answers.get(step.id, {})
    done = 0
    for question in step.questions:
        by_member = answers.get(question.id, {})
        if writer is not None:
            found = by_member.get(writer)
            done += found is not None and not is_blank(found.value)
        else:
            done += any(not is_blank(a.value) for a in by_member.values())
    return StepProgress(done, len(step.questions), f"{done}/{len(step.questions)}")


def step_progress(review: Review, step: Step, writer: str | None = None) -> StepProgress:
    """Progress through one step, for one writer or (writer=None) for anyone."""
    if step.kind == "timeline":
        count = len(review.timeline)
        return StepProgress(count, 1, f"{count} entr{'y' if count == 1 else 'ies'}")
    if step.kind == "people":
        count = len(review.people)
        return StepProgress(count, 1, f"{count} {'person' if count == 1 else 'people'}")
    return _form_progress(review, step, writer)


def review_progress(review: Review, prompts: Prompts) -> tuple[int, int]:
    """(steps started, steps in all) for the list of reviews."""
    started = sum(step_progress(review, s).started for s in prompts.steps)
    return started, len(prompts.steps)
