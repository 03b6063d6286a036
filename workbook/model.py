"""The review a family writes, as plain data.

Everything here is plain Python: no Textual, no storage. A `Review` converts to and from a
JSON-ready dict (`to_dict` / `from_dict`) so that storage, export and the bundle format all
share one shape. Every piece of writing is attributed to the `Member` who wrote it, and answers
are keyed by writer so that two people answering the same question keep two answers.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 1
"""Version of the saved review shape; bump it (and add a migration) when the shape changes."""

AnswerValue = str | list[str]
"""Free text, a date ("YYYY-MM-DD"), one choice id, or a list of choice ids."""


def now_iso() -> str:
    """The current time as an ISO-8601 string in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def new_id() -> str:
    """A fresh identifier that is unique across machines (so bundles merge safely)."""
    return uuid.uuid4().hex


def is_blank(value: AnswerValue | None) -> bool:
    """True when an answer holds nothing worth keeping or counting."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return not value


@dataclass
class Member:
    """A family member who writes in the review."""

    name: str
    relationship: str = ""
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)

    @property
    def label(self) -> str:
        """Name with relationship, as shown to the family: "Maria (mother)"."""
        return f"{self.name} ({self.relationship})" if self.relationship else self.name


@dataclass
class Answer:
    """One writer's answer to one question."""

    value: AnswerValue
    updated: str = field(default_factory=now_iso)


@dataclass
class TimelineEntry:
    """Something that happened before, during or after the intervention."""

    phase: str = "during"
    what: str = ""
    who: str = ""
    cause: str = ""
    """Optional tag naming one of the four causes (a choice id from the timeline prompts)."""
    author: str = ""
    """Member id of whoever wrote the entry."""
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)


@dataclass
class PersonView:
    """One writer's view of one person who was there or was invited."""

    helped: str = ""
    next_time: str = ""
    why: str = ""
    concerns: list[str] = field(default_factory=list)
    updated: str = field(default_factory=now_iso)


@dataclass
class Person:
    """Someone who was at the intervention, or was invited to it."""

    name: str = ""
    relationship: str = ""
    role: str = ""
    present: str = ""
    added_by: str = ""
    views: dict[str, PersonView] = field(default_factory=dict)
    """Each writer's view, keyed by member id."""
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)


@dataclass
class Review:
    """One family's look back at one intervention."""

    title: str
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)
    members: list[Member] = field(default_factory=list)
    answers: dict[str, dict[str, dict[str, Answer]]] = field(default_factory=dict)
    """step id -> question id -> member id -> answer."""
    timeline: list[TimelineEntry] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)
    """The revised plan: a JSON-ready dict owned by `workbook.plan`."""
    last_step: str = ""
    last_writer: str = ""

    # -- members -------------------------------------------------------------------------

    def member(self, member_id: str) -> Member | None:
        """The member with this id, if there is one."""
        return next((m for m in self.members if m.id == member_id), None)

    def add_member(self, name: str, relationship: str = "") -> Member:
        """Add a writer and return them; names are trimmed, never empty."""
        name = name.strip()
        if not name:
            raise ValueError("A name is needed, even just a first name or initial.")
        member = Member(name=name, relationship=relationship.strip())
        self.members.append(member)
        self.touch()
        return member

    def member_name(self, member_id: str) -> str:
        """A printable name for a member id, even one that is not (or no longer) known."""
        member = self.member(member_id)
        return member.label if member else "someone not in this review"

    # -- answers -------------------------------------------------------------------------

    def answer(self, step: str, question: str, member_id: str) -> AnswerValue | None:
        """This writer's answer, or None if they have not answered."""
        found = self.answers.get(step, {}).get(question, {}).get(member_id)
        return found.value if found else None

    def answers_to(self, step: str, question: str) -> dict[str, AnswerValue]:
        """Every writer's non-blank answer to one question, keyed by member id."""
        found = self.answers.get(step, {}).get(question, {})
        return {mid: a.value for mid, a in found.items() if not is_blank(a.value)}

    def answers_by_others(self, step: str, question: str, writer: str) -> list[tuple[str, AnswerValue]]:
        """(name, answer) for everyone but `writer` who answered, to show beside their own answer."""
        return [(self.member_name(mid), value) for mid, value in self.answers_to(step, question).items() if mid != writer]

    def set_answer(self, step: str, question: str, member_id: str, value: AnswerValue) -> bool:
        """Record a writer's answer; returns False when nothing changed."""
        by_member = self.answers.setdefault(step, {}).setdefault(question, {})
        current = by_member.get(member_id)
        if current is not None and current.value == value:
            return False
        if current is None and is_blank(value):
            return False
        by_member[member_id] = Answer(value=value)
        self.touch()
        return True

    # -- timeline and people -------------------------------------------------------------

    def timeline_entry(self, entry_id: str) -> TimelineEntry | None:
        """The timeline entry with this id, if there is one."""
        return next((e for e in self.timeline if e.id == entry_id), None)

    def person(self, person_id: str) -> Person | None:
        """The person with this id, if there is one."""
        return next((p for p in self.people if p.id == person_id), None)

    def sorted_timeline(self) -> list[TimelineEntry]:
        """Entries in before / during / after order, each phase in the order written."""
        order = {"before": 0, "during": 1, "after": 2}
        return sorted(self.timeline, key=lambda e: (order.get(e.phase, 3), e.created))

    def touch(self) -> None:
        """Mark the review as just edited."""
        self.updated = now_iso()

    # -- facts derived for lists and exports ---------------------------------------------

    def first_answer(self, step: str, question: str) -> AnswerValue | None:
        """The earliest-written non-blank answer to a question, by anyone."""
        found = self.answers.get(step, {}).get(question, {})
        filled = [a for a in found.values() if not is_blank(a.value)]
        return min(filled, key=lambda a: a.updated).value if filled else None

    @property
    def intervention_date(self) -> str:
        """The date of the intervention as the family gave it, or "" if not yet given."""
        value = self.first_answer("what-happened", "date")
        return value if isinstance(value, str) else ""

    # -- serialisation -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole review (the same as `dataclasses.asdict`, several times faster).

        Autosave calls this on every save, so it copies containers by hand instead of letting
        `asdict` deep-copy every string; the result shares nothing mutable with the review.
        """
        return {
            "title": self.title,
            "id": self.id,
            "created": self.created,
            "updated": self.updated,
            "members": [dict(vars(m)) for m in self.members],
            "answers": {
                step: {
                    question: {mid: {"value": _copy_value(a.value), "updated": a.updated} for mid, a in by_member.items()}
                    for question, by_member in questions.items()
                }
                for step, questions in self.answers.items()
            },
            "timeline": [dict(vars(e)) for e in self.timeline],
            "people": [
                {
                    **vars(p),
                    "views": {mid: {**vars(v), "concerns": list(v.concerns)} for mid, v in p.views.items()},
                }
                for p in self.people
            ],
            "plan": copy.deepcopy(self.plan),
            "last_step": self.last_step,
            "last_writer": self.last_writer,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Review:
        """Build a review from `to_dict` output; unknown keys are ignored, missing ones defaulted.

        Raises:
            ValueError: when the data is not shaped like a review.
        """
        if not isinstance(data, dict) or not isinstance(data.get("title"), str):
            raise ValueError("this is not a saved review (it has no title)")
        try:
            answers = {
                step: {
                    question: {mid: Answer(**_known(Answer, a)) for mid, a in by_member.items()}
                    for question, by_member in questions.items()
                }
                for step, questions in dict(data.get("answers", {})).items()
            }
            people = []
            for raw in data.get("people", []):
                views = {mid: PersonView(**_known(PersonView, v)) for mid, v in raw.get("views", {}).items()}
                people.append(Person(**{**_known(Person, raw), "views": views}))
            return cls(
                **{
                    **_known(cls, data),
                    "members": [Member(**_known(Member, m)) for m in data.get("members", [])],
                    "answers": answers,
                    "timeline": [TimelineEntry(**_known(TimelineEntry, e)) for e in data.get("timeline", [])],
                    "people": people,
                    "plan": dict(data.get("plan", {})),
                }
            )
        except (TypeError, AttributeError) as error:
            raise ValueError(f"this review's data is damaged ({error})") from error


def _copy_value(value: AnswerValue) -> AnswerValue:
    return list(value) if isinstance(value, list) else value


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    """Only the keys `kind` knows, so data written by a newer minor version still loads."""
    names = kind.__dataclass_fields__  # type: ignore[attr-defined]
    return {k: v for k, v in data.items() if k in names}
