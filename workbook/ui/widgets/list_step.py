"""Steps that hold a list: the timeline, and the people who were there.

Both show a table of what has been written and, beneath it, one editor for the selected row
(see editable_list.py). Each row's fields are the step's questions from prompts/, so the wording
stays editable by a counselor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult

from ...model import AnswerValue, Person, PersonView, Review, TimelineEntry, now_iso
from ...prompts import Question, Step
from ..messages import Edited
from .editable_list import EditableList
from .form_step import StepHeader, StepView
from .question import describe, shorten

SHARED_PERSON_FIELDS = ("name", "relationship", "present", "role")
"""Facts about a person that everyone shares; the other questions are each writer's own view."""


@dataclass
class _Taken:
    """A removed record and where it stood, so Undo remove puts it back in the same place."""

    record: Any
    position: int


def _take_out(records: list[Any], item_id: str) -> _Taken:
    position = next(i for i, record in enumerate(records) if record.id == item_id)
    return _Taken(records.pop(position), position)


def _put_back(records: list[Any], taken: _Taken) -> str:
    records.insert(min(taken.position, len(records)), taken.record)
    return str(taken.record.id)


class StepList(EditableList):
    """A list that edits records of the open review as one writer."""

    def __init__(self, review: Review, step: Step, writer: str) -> None:
        super().__init__(classes="step-list")
        self.review = review
        self.step = step
        self.writer = writer

    def changed(self) -> None:
        self.review.touch()
        self.post_message(Edited(self.step.id))


class TimelineList(StepList):
    """Before, during and after: what happened, who was involved, which cause it touches."""

    item_noun = "entry"

    def columns(self) -> tuple[str, ...]:
        return ("When", "What happened", "Who", "Factor")

    def questions(self) -> list[Question]:
        return [q for q in self.step.questions if q.id in TimelineEntry.__dataclass_fields__]

    def _label(self, question_id: str, value: str) -> str:
        q = self.step.question(question_id)
        return describe(q, value) if q and value else value

    def rows(self) -> list[tuple[str, tuple[str, ...]]]:
        return [
            (e.id, (self._label("phase", e.phase), shorten(e.what), shorten(e.who, 16), shorten(self._label("cause", e.cause), 16)))
            for e in self.review.sorted_timeline()
        ]

    def exists(self, item_id: str) -> bool:
        return self.review.timeline_entry(item_id) is not None

    def _entry(self, item_id: str) -> TimelineEntry:
        entry = self.review.timeline_entry(item_id)
        assert entry is not None
        return entry

    def value(self, item_id: str, question: Question) -> AnswerValue | None:
        return getattr(self._entry(item_id), question.id, "") or None

    def describe_item(self, item_id: str) -> str:
        entry = self._entry(item_id)
        by = self.review.member_name(entry.author) if entry.author else "someone"
        return f"{shorten(entry.what, 40) or 'a new entry'} (written by {by})"

    def apply(self, item_id: str, question: Question, value: AnswerValue) -> bool:
        entry = self._entry(item_id)
        if not isinstance(value, str) or getattr(entry, question.id, None) == value:
            return False
        setattr(entry, question.id, value)
        entry.updated = now_iso()
        return True

    def create_item(self) -> str:
        entry = TimelineEntry(author=self.writer)
        self.review.timeline.append(entry)
        return entry.id

    def take_out(self, item_id: str) -> _Taken:
        return _take_out(self.review.timeline, item_id)

    def put_back(self, taken: _Taken) -> str:
        return _put_back(self.review.timeline, taken)


class PeopleList(StepList):
    """Everyone who was there or invited, and each writer's view of them."""

    item_noun = "person"

    def columns(self) -> tuple[str, ...]:
        return ("Name", "Relationship", "Was there?", "Views")

    def questions(self) -> list[Question]:
        return list(self.step.questions)

    def wants_others(self) -> bool:
        return True

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

    def exists(self, item_id: str) -> bool:
        return self.review.person(item_id) is not None

    def _person(self, item_id: str) -> Person:
        person = self.review.person(item_id)
        assert person is not None
        return person

    def describe_item(self, item_id: str) -> str:
        return self._person(item_id).name or "a new person"

    def value(self, item_id: str, question: Question) -> AnswerValue | None:
        person = self._person(item_id)
        if question.id in SHARED_PERSON_FIELDS:
            return getattr(person, question.id) or None
        mine = person.views.get(self.writer)
        return (getattr(mine, question.id, None) or None) if mine else None

    def others(self, item_id: str, question: Question) -> list[tuple[str, AnswerValue]]:
        if question.id in SHARED_PERSON_FIELDS:
            return []
        return [
            (self.review.member_name(mid), getattr(view, question.id))
            for mid, view in self._person(item_id).views.items()
            if mid != self.writer and getattr(view, question.id, None)
        ]

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
        return True

    def create_item(self) -> str:
        person = Person(added_by=self.writer)
        self.review.people.append(person)
        return person.id

    def take_out(self, item_id: str) -> _Taken:
        return _take_out(self.review.people, item_id)

    def put_back(self, taken: _Taken) -> str:
        return _put_back(self.review.people, taken)


class ListStep(StepView):
    """A step whose answers are a list: its header, then the list and its editor."""

    list_class: type[StepList] = StepList

    def compose(self) -> ComposeResult:
        yield StepHeader(self.step)
        yield self.list_class(self.review, self.step, self.writer)

    @property
    def items(self) -> StepList:
        return self.query_one(StepList)

    def focus_first(self) -> None:
        lists = self.query(StepList)
        if lists:
            lists.first().focus_first()
        else:
            self.call_after_refresh(self.focus_first)  # not composed yet (the key gate waits for this)


class TimelineStep(ListStep):
    list_class = TimelineList


class PeopleStep(ListStep):
    list_class = PeopleList
