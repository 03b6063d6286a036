"""Bundles: one review as a versioned JSON file, to carry between computers and merge.

The format is described in docs/bundle-format.md. `merge` never throws away anyone's words: when
the same writer changed the same answer on two computers, the newer version is kept and the
older one is kept beneath it (and listed in the `MergeReport`), so the family can tidy it up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import __version__
from .controls import show_controls_in
from .limits import BUNDLE_MAX_BYTES, DEPTH_MAX
from .model import Answer, Person, PersonView, Review, TimelineEntry, is_blank, is_newer, is_writing, parse_stamp
from .validate import ReviewDataError, validate_bundle

if TYPE_CHECKING:
    from .prompts import Prompts

FORMAT = "intervention-workbook-bundle"
VERSION = 1
_WORDS = {"added": "text", "options": "notes", "commitments": "consequence", "answers_prepared": "response", "tasks": "what"}
"""For each list in the plan, the field that holds a person's own words (kept in full on a conflict)."""


class BundleError(Exception):
    """A bundle that cannot be used; the message is a plain sentence for the family."""


@dataclass(frozen=True)
class Conflict:
    """One place where the same writer's words differed on the two computers."""

    where: str
    """What it was, e.g. "what-happened / outcome" or "timeline entry"."""
    member: str
    """Member id of the writer, or "" when not known."""
    kept: str
    earlier: str
    both_kept: bool = False
    """True when both texts are now in the review (writing); False when only the newer is (dates, choices)."""


@dataclass
class MergeReport:
    """What a merge changed."""

    members_added: int = 0
    answers_added: int = 0
    answers_updated: int = 0
    entries_added: int = 0
    """Timeline entries, people and plan entries that were only in the other copy."""
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.members_added or self.answers_added or self.answers_updated or self.entries_added or self.conflicts)


def to_bundle(review: Review, *, exported: str | None = None) -> str:
    """The review as bundle text (JSON, ASCII-only, so any editor or mail program keeps it intact)."""
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "exported": exported or datetime.now(UTC).replace(microsecond=0).isoformat(),
        "app_version": __version__,
        "review": review.to_dict(),
    }
    return json.dumps(payload, indent=1) + "\n"


def from_bundle(text: str | bytes, prompts: Prompts | None = None) -> Review:
    """Read bundle text back into a review, checking every field first (see workbook/validate.py).

    With `prompts`, answers to choice questions must also be choices those questions have.

    Raises:
        BundleError: for a file that is not a bundle, is cut short, is larger than any review,
            comes from a newer version of the app, or holds damaged review data; the message is
            a plain sentence naming what is wrong.
    """
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > BUNDLE_MAX_BYTES:
        raise BundleError(too_big(size))
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BundleError("This file is not an Intervention Workbook bundle (it is not text).") from error
    if not text.strip():
        raise BundleError("This bundle file is empty. Copy it again from the other computer.")
    data = _parse(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BundleError("This file is not an Intervention Workbook bundle.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError("This bundle is damaged: its version number is missing or wrong.")
    if version > VERSION:
        raise BundleError(f"This bundle was made by a newer version of Intervention Workbook (bundle version {version}); please update.")
    if _depth(data) > DEPTH_MAX:
        raise BundleError(TOO_DEEP)
    try:
        # Control characters are shown, never acted on, on every screen and in every export (workbook/controls.py).
        # Shown first, then checked: "[U+0085]" is longer than the character, and what is kept must fit the limits.
        data = show_controls_in(data)
        validate_bundle(data, prompts)
        return Review.from_dict(data["review"])
    except ReviewDataError as error:
        raise BundleError(f"This bundle is damaged: {error}.") from error
    except ValueError as error:  # not expected after validation; still a plain refusal, never a crash
        raise BundleError("This bundle is damaged: its review could not be read.") from error


TOO_DEEP = f"This bundle is damaged: it is nested more than {DEPTH_MAX} levels deep (a review needs fewer than 10)."


def too_big(size: int) -> str:
    """The refusal for a bundle file of `size` bytes, larger than any review can be."""
    return (f"This bundle is too large to be a review: it is {size / 1_000_000:.1f} MB, and the limit is "
            f"{BUNDLE_MAX_BYTES // 1_000_000} MB (even a very long review is well under 1 MB).")


def _no_constant(name: str) -> Any:
    raise BundleError(f"This bundle is damaged: it holds {name}, which is not a number the app can use.")


def _parse(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError as error:
        raise BundleError(TOO_DEEP) from error
    except ValueError as error:
        stripped = text.strip()
        cut_short = isinstance(error, json.JSONDecodeError) and error.pos >= len(text.rstrip())
        if cut_short or (stripped.startswith("{") and not stripped.endswith("}")):
            raise BundleError("This bundle file is incomplete (it stops part-way). Copy it again from the other computer.") from error
        raise BundleError("This file is not an Intervention Workbook bundle (it is not readable JSON).") from error


def _depth(data: Any) -> int:
    """How deeply lists and objects nest (without recursion, so no depth can break it)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > DEPTH_MAX:
            break
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


# -- merging ----------------------------------------------------------------------------------


def _show(value: object) -> str:
    return "; ".join(value) if isinstance(value, list) else str(value)


class _Merger:
    def __init__(self, into: Review, report: MergeReport, kinds: dict[tuple[str, str], str]) -> None:
        self.into, self.report, self.kinds = into, report, kinds

    def words(self, where: str, member: str, ours: str, our_date: str, theirs: str, their_date: str) -> tuple[str, bool]:
        """Merge one piece of writing, losing none of it; returns (text, whether theirs is the newer)."""
        newer_is_theirs = is_newer(their_date, our_date)
        if theirs.strip() in ours:  # the same, blank, or already merged here
            return ours, newer_is_theirs
        if ours.strip() in theirs:  # they carried on writing (or merged it already)
            return theirs, newer_is_theirs
        newer, older, older_date = (theirs, ours, our_date) if newer_is_theirs else (ours, theirs, their_date)
        place = "this computer" if newer_is_theirs else "another computer"
        self.report.conflicts.append(Conflict(where, member, newer, older, both_kept=True))
        return f"{newer}\n\n[Earlier version from {place}, {older_date[:10] or 'date unknown'}]:\n{older}", newer_is_theirs

    def answer(self, step: str, question: str, member: str, ours: Answer, theirs: Answer) -> Answer:
        if ours.value == theirs.value:
            return ours
        where = f"{step} / {question}"
        kind = self.kinds.get((step, question))
        both_text = isinstance(ours.value, str) and isinstance(theirs.value, str)
        if both_text and is_writing(kind, str(ours.value), str(theirs.value)):
            text, _ = self.words(where, member, str(ours.value), ours.updated, str(theirs.value), theirs.updated)
            if text == ours.value:
                return ours
            self.report.answers_updated += 1
            return Answer(text, max(ours.updated, theirs.updated, key=parse_stamp))
        newer, older = (theirs, ours) if is_newer(theirs.updated, ours.updated) else (ours, theirs)
        if not is_blank(older.value):
            self.report.conflicts.append(Conflict(where, member, _show(newer.value), _show(older.value)))
        self.report.answers_updated += newer is theirs
        return newer


def merge(into: Review, other: Review, prompts: Prompts | None = None) -> MergeReport:
    """Bring `other` (the same review, edited on another computer) into `into`, in place.

    With `prompts`, each question's kind decides how differing answers are merged: text and
    one-line answers keep both versions, the others (dates, choices) keep the newer and report
    the older. Without them, answers with no spaces are treated as dates or choices.

    Raises:
        BundleError: when the two are different reviews.
    """
    if into.id != other.id:
        raise BundleError("This bundle holds a different review, so it cannot be merged into this one.")
    report = MergeReport()
    kinds = {(s.id, q.id): q.kind for s in prompts.steps for q in s.questions} if prompts else {}
    merger = _Merger(into, report, kinds)
    known = {m.id for m in into.members}
    for member in other.members:
        if member.id not in known:
            into.members.append(member)
            report.members_added += 1
    for step, questions in other.answers.items():
        for question, by_member in questions.items():
            ours_q = into.answers.setdefault(step, {}).setdefault(question, {})
            for mid, theirs in by_member.items():
                ours = ours_q.get(mid)
                if ours is None:
                    ours_q[mid] = theirs
                    report.answers_added += not is_blank(theirs.value)
                else:
                    ours_q[mid] = merger.answer(step, question, mid, ours, theirs)
    _merge_timeline(merger, other.timeline)
    _merge_people(merger, other.people)
    _merge_plan(merger, other.plan)
    if report.changed:
        into.updated = max(into.updated, other.updated, key=parse_stamp)
    return report


def _merge_timeline(merger: _Merger, entries: list[TimelineEntry]) -> None:
    ours = {e.id: e for e in merger.into.timeline}
    for theirs in entries:
        mine = ours.get(theirs.id)
        if mine is None:
            merger.into.timeline.append(theirs)
            merger.report.entries_added += 1
            continue
        what, newer = merger.words("timeline entry", mine.author, mine.what, mine.updated, theirs.what, theirs.updated)
        if newer:
            mine.phase, mine.who, mine.cause, mine.updated = theirs.phase, theirs.who, theirs.cause, theirs.updated
        mine.what = what


def _merge_people(merger: _Merger, people: list[Person]) -> None:
    ours = {p.id: p for p in merger.into.people}
    for theirs in people:
        mine = ours.get(theirs.id)
        if mine is None:
            merger.into.people.append(theirs)
            merger.report.entries_added += 1
            continue
        if is_newer(theirs.updated, mine.updated):
            for name in ("name", "relationship", "role", "present", "updated"):
                setattr(mine, name, getattr(theirs, name))
        for mid, view in theirs.views.items():
            mine_view = mine.views.get(mid)
            if mine_view is None:
                mine.views[mid] = view
                merger.report.answers_added += 1
                continue
            why, newer = merger.words(f"view of {mine.name}", mid, mine_view.why, mine_view.updated, view.why, view.updated)
            if newer:
                mine.views[mid] = PersonView(**{f.name: getattr(view, f.name) for f in fields(PersonView)})
                if mine_view.concerns != view.concerns and mine_view.concerns:
                    where, kept, earlier = f"concerns about {mine.name}", _show(view.concerns), _show(mine_view.concerns)
                    merger.report.conflicts.append(Conflict(where, mid, kept, earlier))
            mine.views[mid].why = why


def _merge_plan(merger: _Merger, theirs: dict[str, Any]) -> None:
    plan = merger.into.plan
    for key, their_list in theirs.items():
        if key not in plan:
            plan[key] = json.loads(json.dumps(their_list))
            merger.report.entries_added += len(their_list) if isinstance(their_list, list | dict) else 0
        elif isinstance(their_list, list) and isinstance(plan[key], list):
            _merge_records(merger, key, plan[key], their_list)
        elif key == "letters" and isinstance(their_list, dict) and isinstance(plan[key], dict):
            _merge_letters(merger, plan[key], their_list)
        elif key == "decisions" and isinstance(their_list, dict) and isinstance(plan[key], dict):
            _merge_decisions(merger, plan[key], their_list)


def _merge_decisions(merger: _Merger, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Decisions on the workbook's suggestions: the newer decision wins; a different wording is reported."""
    for pid, decision in theirs.items():
        mine = ours.get(pid)
        if not isinstance(decision, dict):
            continue
        if not isinstance(mine, dict):
            ours[pid] = decision
            merger.report.entries_added += 1
        elif decision != mine and is_newer(decision.get("updated"), mine.get("updated")):
            if mine.get("text") and mine.get("text") != decision.get("text"):
                merger.report.conflicts.append(Conflict(f"plan decision {pid}", str(mine.get("by", "")), str(decision.get("text", "")),
                                                        str(mine.get("text"))))
            ours[pid] = decision


def _merge_records(merger: _Merger, key: str, ours: list[Any], theirs: list[Any]) -> None:
    by_id = {r.get("id"): r for r in ours if isinstance(r, dict)}
    words = _WORDS.get(key, "")
    for record in theirs:
        mine = by_id.get(record.get("id")) if isinstance(record, dict) else None
        if mine is None:
            ours.append(record)
            merger.report.entries_added += 1
            continue
        text, newer = merger.words(f"plan {key}", str(mine.get("by", mine.get("member", ""))), str(mine.get(words, "")),
                                   str(mine.get("updated", "")), str(record.get(words, "")), str(record.get("updated", "")))
        if newer:
            mine.clear()
            mine.update(record)
        if words and (words in mine or text):
            mine[words] = text


def _merge_letters(merger: _Merger, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    for mid, letter in theirs.items():
        mine = ours.get(mid)
        if not isinstance(mine, dict) or not isinstance(letter, dict):
            if mine is None:
                ours[mid] = letter
                merger.report.answers_added += 1
            continue
        text, _ = merger.words("letter", mid, str(mine.get("text", "")), str(mine.get("updated", "")),
                                   str(letter.get("text", "")), str(letter.get("updated", "")))
        ours[mid] = {"text": text, "updated": max(str(mine.get("updated", "")), str(letter.get("updated", "")), key=parse_stamp)}


__all__ = ["FORMAT", "VERSION", "BundleError", "Conflict", "MergeReport", "from_bundle", "merge", "to_bundle"]
