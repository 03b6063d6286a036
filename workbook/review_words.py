"""The family's words for the parts of a review, to say plainly what is wrong with a damaged one.

fastjsonschema reports a problem as a path such as `data.review.timeline[3].created` and a rule
such as `type`; `explain` turns that into "a timeline entry's date of creation is a number, not a
date". Keys and values quoted from the data are cut short and cleared of control characters, so a
hostile bundle cannot put escape sequences on the family's screen.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from .limits import ID_MAX, ITEMS_MAX, NAME_MAX, TEXT_MAX

REVIEW_FIELDS = {
    "title": "the review's title", "id": "the review's id", "created": "the review's date of creation",
    "updated": "the review's date of last change", "members": "the list of writers", "answers": "the set of answers",
    "timeline": "the timeline", "people": "the list of people", "plan": "the plan", "last_step": "the step that was open last",
    "last_writer": "the writer who wrote last",
}
BUNDLE_FIELDS = {"format": "the bundle's format tag", "version": "the bundle's version number", "exported": "the bundle's date of export",
                 "app_version": "the version of the app that made the bundle", "review": "the review in the bundle"}
LISTS = {"members": "a writer", "timeline": "a timeline entry", "people": "a person"}
PLAN_PARTS = {
    "decisions": ("the set of decisions on the workbook's suggestions", "a decision on one of the workbook's suggestions"),
    "added": ("the items added to the plan", "an item added to the plan"),
    "options": ("the list of treatment options", "a treatment option"),
    "commitments": ("the list of consequences each person can hold", "a consequence someone will hold"),
    "letters": ("the set of letters in the plan", "a letter"),
    "answers_prepared": ("the list of prepared answers", "a prepared answer"),
    "tasks": ("the list of tasks", "a task"),
}
COMMON = {"id": "id", "created": "date of creation", "updated": "date of last change", "name": "name", "relationship": "relationship"}
FIELDS: dict[str, dict[str, str]] = {
    "timeline": {"phase": "time (before, during or after)", "what": "description", "who": "note of who was involved",
                 "cause": "contributing factor", "author": "writer"},
    "people": {"role": "part", "present": "answer to whether they were there", "added_by": "note of who added them", "views": "views"},
    "view": {"helped": "answer to whether they helped", "next_time": "answer about next time", "why": "reasons",
             "concerns": "concerns"},
    "options": {"kind": "kind of help", "who": "note of who will look into it", "contact": "contact details",
                "intake": "answer to whether they could take your loved one", "notes": "notes"},
    "commitments": {"member": "note of who is committing", "consequence": "consequence", "can_hold": "answer to whether it can be held",
                    "last_time": "note of what held last time"},
    "answers_prepared": {"tactic": "moment it prepares for", "response": "calm answer", "who": "note of who will say it"},
    "tasks": {"what": "note of what needs doing", "owner": "note of who will do it", "due": "date it is due", "done": "tick (done or not)"},
    "added": {"section": "section of the plan", "text": "words", "by": "writer"},
    "decisions": {"status": "decision", "text": "wording", "by": "writer"},
    "letters": {"text": "words"},
}
_DATES = {"created", "updated", "exported", "due"}
_EXPECTED = {"string": "text", "array": "a list", "object": "a set of named entries", "boolean": "true or false",
             "integer": "a whole number", "number": "a number"}


def clip(text: str, limit: int = 40) -> str:
    """A piece of the data, safe to show: control characters removed, at most `limit` characters."""
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") else c for c in text[: limit * 2])
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def kind_of(value: object) -> str:
    """What a value is, in plain words."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN or Infinity (not a real number)"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of named entries"
    return "empty (null)" if value is None else "something unknown"


def _field(owner: str, name: str) -> str:
    return FIELDS.get(owner, {}).get(name) or COMMON.get(name) or f"field “{clip(name)}”"


def _place(tokens: list[str]) -> str:
    """Words for a place in a review, from the path below the review (["timeline", "3", "created"])."""
    if not tokens:
        return "the review"
    head, rest = tokens[0], tokens[1:]
    if not rest:
        return REVIEW_FIELDS.get(head, f"the review's field “{clip(head)}”")
    if head in LISTS:
        item = LISTS[head]
        if len(rest) == 1:
            return item
        if head == "people" and rest[1] == "views" and len(rest) > 2:
            view = "one writer's view of a person"
            return view if len(rest) == 3 else f"the {_field('view', rest[3])} in {view}"
        return f"{item}'s {_field(head, rest[1])}"
    if head == "answers":
        step = f"the step “{clip(rest[0])}”"
        if len(rest) == 1:
            return f"the answers to {step}"
        question = f"the question “{clip(rest[1])}” of {step}"
        if len(rest) == 2:
            return f"the answers to {question}"
        if len(rest) == 3:
            return f"a writer's answer to {question}"
        return f"the date of a writer's answer to {question}" if rest[3] == "updated" else f"a writer's answer to {question}"
    if head == "plan":
        return _plan_place(rest)
    return f"a part of {REVIEW_FIELDS.get(head, 'the review')}"


def _plan_place(tokens: list[str]) -> str:
    part = tokens[0]
    whole, item = PLAN_PARTS.get(part, (f"the plan's list “{clip(part)}”", f"an entry of the plan's list “{clip(part)}”"))
    if len(tokens) == 1:
        return whole
    if len(tokens) == 2:
        return item
    field = _field(part, tokens[2])
    return f"the {field} of {item}" if part == "decisions" else f"{item}'s {field}"


def place(path: list[str], *, bundle: bool) -> str:
    """Words for the place a schema path points at (a path starts with "data"; in a bundle, the review is under "review")."""
    tokens = path[1:]
    if not bundle:
        return _place(tokens)
    if tokens[:1] == ["review"]:
        return _place(tokens[1:]) if len(tokens) > 1 else BUNDLE_FIELDS["review"]
    return BUNDLE_FIELDS.get(tokens[0], "the bundle") if tokens else "the bundle"


def explain(error: Any, *, bundle: bool) -> str:
    """One plain sentence (without the final stop) for a fastjsonschema error, about a bundle or a review alone."""
    path = [str(token) for token in error.path]
    where = place(path, bundle=bundle)
    value, rule, definition = error.value, error.rule, error.definition or {}
    limit = error.rule_definition
    if isinstance(value, float) and not math.isfinite(value):
        return f"{where} holds NaN or Infinity, which is not a number the app can use"
    if rule == "required":
        missing = next((str(k) for k in limit or () if isinstance(value, dict) and k not in value), "")
        return f"{place([*path, missing], bundle=bundle)} is missing"
    if rule == "type":
        expected = definition.get("type")
        words = _EXPECTED.get(expected, "something else") if isinstance(expected, str) else "something else"
        if expected == "string" and path[-1] in _DATES:
            words = "a date"
        return f"{where} is {kind_of(value)}, not {words}"
    if rule == "maxLength" and isinstance(value, str):
        return f"{where} is {len(value):,} characters long, and the limit is {limit:,}"
    if rule in ("maxItems", "maxProperties") and isinstance(value, list | dict):
        return f"{where} has {len(value):,} entries, and the limit is {limit:,}"
    if rule == "pattern" and isinstance(value, str):
        if path[1:] == (["review", "id"] if bundle else ["id"]):
            return f"the review has an id this app does not use (“{clip(value)}”; the app makes ids of 32 digits and letters a-f)"
        return f"{where} is not a valid id (“{clip(value)}”): ids use only letters, digits, - and _, at most {ID_MAX} of them"
    if rule == "propertyNames":
        return f"{where} is filed under a name that is not a valid id (ids use only letters, digits, - and _, at most {ID_MAX} of them)"
    if rule in ("enum", "const"):
        shown = clip(value) if isinstance(value, str) else kind_of(value)
        known = limit if isinstance(limit, list) else [limit]
        return f"{where} is “{shown}”, which the app does not know (it takes {', '.join(map(str, known))})"
    if rule == "anyOf":
        return _any_of(where, value, choices=path[-1] == "value" or path[-1] == "concerns")
    return f"{where} is not shaped as the app expects"


def _any_of(where: str, value: object, *, choices: bool) -> str:
    """An answer (text or a list of choices) or an extra field (text, a list of text, or true/false) that is neither."""
    if isinstance(value, str) and len(value) > TEXT_MAX:
        return f"{where} is {len(value):,} characters long, and the limit is {TEXT_MAX:,}"
    if isinstance(value, list):
        bad = [v for v in value if not isinstance(v, str)]
        if bad:  # a list, not `next(..., None)`: the entry that is not text may itself be None (null)
            return f"{where} is a list holding {kind_of(bad[0])}, not a list of text"
        if len(value) > ITEMS_MAX:
            return f"{where} has {len(value):,} entries, and the limit is {ITEMS_MAX:,}"
        most = NAME_MAX if choices else TEXT_MAX
        longest = max((len(v) for v in value), default=0)
        return f"{where} holds an entry {longest:,} characters long, and the limit is {most:,}"
    return f"{where} is {kind_of(value)}, not text or a list of text"
