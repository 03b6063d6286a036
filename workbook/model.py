"""The review a family writes, as plain data.

Everything here is plain Python: no Textual, no storage. A `Review` converts to and from a
JSON-ready dict (`to_dict` / `from_dict`) so that storage, export and the bundle format all
share one shape. Every piece of writing is attributed to the `Member` who wrote it, and answers
are keyed by writer so that two people answering the same question keep two answers.

Writers can be renamed (`Review.rename_member`) and two writers who are one person can be merged
(`Review.merge_members`) without losing a word. The small helpers that decide which of two
versions is newer, and whether an answer is someone's own words, are shared with `workbook.bundle`.
"""

from __future__ import annotations

import copy
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .prompts import Prompts, Question

SCHEMA_VERSION = 1
"""Version of the saved review shape; bump it (and add a migration) when the shape changes."""

AnswerValue = str | list[str]
"""Free text, a date ("YYYY-MM-DD"), one choice id, or a list of choice ids."""

NAME_NEEDED = "A name is needed, even just a first name or initial."

PLAN_MEMBER_FIELDS = ("by", "who", "member", "owner")
"""Fields of the plan's records and decisions that may hold a member id (see docs/plan-api.md).

"who", "member" and "owner" may instead hold a name typed in; only an exact member id is moved.
"""


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


def parse_stamp(value: object) -> datetime:
    """An `updated` time as a datetime; a missing or unreadable one counts as the earliest possible."""
    try:
        found = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def is_newer(theirs: object, ours: object) -> bool:
    """True when `theirs` was edited strictly later than `ours` (ties keep `ours`)."""
    return parse_stamp(theirs) > parse_stamp(ours)


def is_writing(kind: str | None, *values: str) -> bool:
    """True when answers of this question kind are someone's own words, to be kept in full when merged.

    Dates and choices cannot be joined, so a merge keeps one of them. Without the question's kind
    (`None`), answers with no spaces or punctuation ("2024-03-01", "not-sure") are taken for dates
    and choices.
    """
    if kind is not None:
        return kind in ("text", "line")
    return not all(re.fullmatch(r"[\w-]*", v.strip()) for v in values)


def join_words(first: str, second: str) -> str:
    """Both texts, `first` then a blank line then `second`; just one when they say the same or one is blank."""
    if not second.strip() or second.strip() == first.strip():
        return first
    if not first.strip():
        return second
    return f"{first.rstrip()}\n\n{second.strip()}"


def union_choices(first: list[str], second: list[str], order: tuple[str, ...] = ()) -> list[str]:
    """Every choice in either list, once: in `order` (the question's own order) when given, else as met."""
    union = list(dict.fromkeys([*first, *second]))
    if len(union) > 1 and "none" in union:
        union.remove("none")  # "None of these" beside a real choice would contradict it; nothing written is lost
    if order:
        rank = {choice: i for i, choice in enumerate(order)}
        union.sort(key=lambda choice: rank.get(choice, len(rank)))  # stable: choices the prompts no longer have stay last
    return union


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
            raise ValueError(NAME_NEEDED)
        member = Member(name=name, relationship=relationship.strip())
        self.members.append(member)
        self.touch()
        return member

    def member_named(self, name: str, relationship: str, *, besides: str = "") -> Member | None:
        """The writer with this name and relationship (ignoring case and outer spaces), other than `besides`."""
        wanted = (name.strip().casefold(), relationship.strip().casefold())
        return next((m for m in self.members if m.id != besides and (m.name.casefold(), m.relationship.casefold()) == wanted), None)

    def _known_member(self, member_id: str) -> Member:
        member = self.member(member_id)
        if member is None:
            raise ValueError("That writer is not in this review (perhaps they were already merged or the list is out of date).")
        return member

    def rename_member(self, member_id: str, name: str, relationship: str) -> Member:
        """Change a writer's name and relationship (trimmed); their writing stays theirs.

        Raises:
            ValueError: for an unknown member, a blank name, or a name and relationship that
                another writer already has (those two can be merged instead).
        """
        member = self._known_member(member_id)
        name, relationship = name.strip(), relationship.strip()
        if not name:
            raise ValueError(NAME_NEEDED)
        twin = self.member_named(name, relationship, besides=member_id)
        if twin is not None:
            raise ValueError(
                f"There is already a writer called {twin.label}. If they are the same person,"
                " merge the two writers instead, so all their words are kept together."
            )
        if (member.name, member.relationship) != (name, relationship):
            member.name, member.relationship = name, relationship
            self.touch()
        return member

    def merge_members(self, source_id: str, target_id: str, prompts: Prompts | None = None) -> None:
        """Keep everything `source` wrote under `target`, then remove `source` from the writers.

        No words are lost: where both answered the same question in their own words, the answer
        becomes the target's text, a blank line, then the source's. A date or single choice cannot
        be joined, so the more recently changed one is kept; lists of choices are combined.
        `prompts` tells which questions are free text (and the order of choices); without it,
        answers with no spaces or punctuation are taken for dates and choices.

        Raises:
            ValueError: for an unknown member, or a writer merged into themselves.
        """
        if source_id == target_id:
            raise ValueError("A writer cannot be merged into themselves; choose a different writer.")
        source = self._known_member(source_id)
        self._known_member(target_id)
        questions: dict[tuple[str, str], Question] = (
            {(s.id, q.id): q for s in prompts.steps for q in s.questions} if prompts is not None else {}
        )
        for step, by_question in self.answers.items():
            for question_id, by_member in by_question.items():
                moved = by_member.pop(source_id, None)
                if moved is not None:
                    kept = by_member.get(target_id)
                    by_member[target_id] = moved if kept is None else _merge_answer(kept, moved, questions.get((step, question_id)))
        for entry in self.timeline:
            if entry.author == source_id:
                entry.author = target_id
        people_step = next((s for s in prompts.steps if s.kind == "people"), None) if prompts is not None else None
        concerns = people_step.question("concerns") if people_step is not None else None
        concern_order = tuple(c.id for c in concerns.choices) if concerns is not None else ()
        for person in self.people:
            if person.added_by == source_id:
                person.added_by = target_id
            view = person.views.pop(source_id, None)
            if view is not None:
                kept_view = person.views.get(target_id)
                person.views[target_id] = view if kept_view is None else _merge_view(kept_view, view, concern_order)
        _move_plan(self.plan, source_id, target_id)
        if self.last_writer == source_id:
            self.last_writer = target_id
        self.members.remove(source)
        self.touch()

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


def _merge_answer(kept: Answer, moved: Answer, question: Question | None) -> Answer:
    """One answer from two writers' answers to the same question; `kept` is the target's."""
    if is_blank(moved.value):
        return kept
    if is_blank(kept.value):
        return moved
    updated = max(kept.updated, moved.updated, key=parse_stamp)
    ours, theirs = kept.value, moved.value
    if isinstance(ours, list) and isinstance(theirs, list):
        order = tuple(c.id for c in question.choices) if question is not None else ()
        return Answer(union_choices(ours, theirs, order), updated)
    if isinstance(ours, str) and isinstance(theirs, str) and is_writing(question.kind if question else None, ours, theirs):
        return Answer(join_words(ours, theirs), updated)
    return moved if is_newer(moved.updated, kept.updated) else kept


def _merge_view(kept: PersonView, moved: PersonView, concern_order: tuple[str, ...]) -> PersonView:
    """One view of a person from two writers' views; `kept` is the target's."""
    newer, older = (moved, kept) if is_newer(moved.updated, kept.updated) else (kept, moved)
    return PersonView(
        helped=newer.helped or older.helped,
        next_time=newer.next_time or older.next_time,
        why=join_words(kept.why, moved.why),
        concerns=union_choices(kept.concerns, moved.concerns, concern_order),
        updated=newer.updated,
    )


def _move_plan(plan: dict[str, Any], source_id: str, target_id: str) -> None:
    """Move every mention of `source_id` in the plan to `target_id`, joining the two letters."""
    for key, value in plan.items():
        if key == "letters" and isinstance(value, dict):
            _move_letter(value, source_id, target_id)
            continue
        records = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for record in records:
            if isinstance(record, dict):
                for name in PLAN_MEMBER_FIELDS:
                    if record.get(name) == source_id:
                        record[name] = target_id


def _move_letter(letters: dict[str, Any], source_id: str, target_id: str) -> None:
    moved = letters.pop(source_id, None)
    if moved is None:
        return
    kept = letters.get(target_id)
    if not isinstance(kept, dict) or not isinstance(moved, dict):
        # Not shaped like a letter (a damaged file): keep whichever still is one.
        letters[target_id] = kept if isinstance(kept, dict) else moved
        return
    text = join_words(str(kept.get("text", "")), str(moved.get("text", "")))
    updated = max(str(kept.get("updated", "")), str(moved.get("updated", "")), key=parse_stamp)
    letters[target_id] = {**kept, "text": text, "updated": updated}


def _copy_value(value: AnswerValue) -> AnswerValue:
    return list(value) if isinstance(value, list) else value


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    """Only the keys `kind` knows, so data written by a newer minor version still loads."""
    names = kind.__dataclass_fields__  # type: ignore[attr-defined]
    return {k: v for k, v in data.items() if k in names}
