"""An editable table of small records in the plan (treatment options, consequences, tasks...).

The records are plain dicts inside the review's plan; their fields are questions from a prompt
file, so labels and choices stay editable by a counselor. The first few questions become the
table's columns; the selected row is edited beneath it (see editable_list.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message

from ...model import AnswerValue, new_id, now_iso
from ...prompts import Question, Step
from .editable_list import EditableList
from .question import describe, shorten


class RecordList(EditableList):
    """Add, edit and remove records of one kind."""

    show_remove_button = True

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
        self.records = records
        self.spec = fields
        self.noun = noun
        self.column_questions = fields.questions[:columns]
        self.defaults = defaults or dict
        super().__init__(id=id, classes="record-list")

    @property
    def item_noun(self) -> str:  # type: ignore[override]
        return self.noun

    def intro(self) -> str:
        return self.spec.intro

    def columns(self) -> tuple[str, ...]:
        return tuple(shorten(q.text, 24) for q in self.column_questions)

    def questions(self) -> list[Question]:
        return list(self.spec.questions)

    def _record(self, record_id: str) -> dict[str, Any] | None:
        return next((r for r in self.records if r.get("id") == record_id), None)

    def rows(self) -> list[tuple[str, tuple[str, ...]]]:
        rows = []
        for record in self.records:
            cells = []
            for q in self.column_questions:
                value = record.get(q.id)
                cells.append(shorten(describe(q, value), 24) if value else "")
            rows.append((str(record["id"]), tuple(cells)))
        return rows

    def exists(self, item_id: str) -> bool:
        return self._record(item_id) is not None

    def value(self, item_id: str, question: Question) -> AnswerValue | None:
        record = self._record(item_id) or {}
        found = record.get(question.id)
        return found if isinstance(found, (str, list)) and found else None

    def describe_item(self, item_id: str) -> str:
        record = self._record(item_id) or {}
        first = self.spec.questions[0] if self.spec.questions else None
        value = record.get(first.id) if first else None
        return shorten(describe(first, value), 60) if first and value else f"this {self.noun} (nothing written yet)"

    def apply(self, item_id: str, question: Question, value: AnswerValue) -> bool:
        record = self._record(item_id)
        if record is None or record.get(question.id) == value:
            return False
        record[question.id] = value
        record["updated"] = now_iso()
        return True

    def create_item(self) -> str:
        record: dict[str, Any] = {"id": new_id(), **self.defaults(), "updated": now_iso()}
        self.records.append(record)
        return str(record["id"])

    def take_out(self, item_id: str) -> tuple[int, dict[str, Any]]:
        position = next(i for i, r in enumerate(self.records) if r.get("id") == item_id)
        return position, self.records.pop(position)

    def put_back(self, taken: tuple[int, dict[str, Any]]) -> str:
        position, record = taken
        self.records.insert(min(position, len(self.records)), record)
        return str(record["id"])

    def changed(self) -> None:
        self.post_message(self.Changed())
