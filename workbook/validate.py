"""Checking review data from outside (a bundle, a file on disk) before the app trusts it.

A review arrives as plain JSON data. `validate_review` checks all of it: every field's type, the
known choices (a timeline entry's time, a decision, "yes / no / not sure"), the shape of every id,
the size limits of workbook/limits.py, and that no two writers, people, timeline entries or plan
entries share an id. Afterwards `Review.from_dict` cannot fail and the app can trust every type.

Types, shapes and sizes are described once, in the published JSON Schema (docs/bundle.schema.json,
shipped inside the package as workbook/bundle.schema.json), and checked with fastjsonschema, whose
compiled checker takes a few milliseconds for the benchmarks' largest review. What a schema cannot
say (unique ids; with the questions at hand, known choice ids) is checked here by hand. Every
refusal is a `ReviewDataError` holding one plain sentence that names the field in the family's terms
(workbook/review_words.py turns the schema's report into those words).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .review_words import clip, explain

if TYPE_CHECKING:
    from .prompts import Prompts, Question

SCHEMA_FILE = "bundle.schema.json"


class ReviewDataError(ValueError):
    """Review data the app cannot use; the message is one plain sentence naming the field (no final stop)."""


class SchemaMissingError(RuntimeError):
    """The schema file is missing or unreadable: a broken installation, not a damaged review.

    Callers must not treat this as damage to the review being checked (never move a file aside for it).
    """


def schema_path() -> Path:
    """The schema inside the installed package, or the checkout's docs/bundle.schema.json."""
    packaged = Path(__file__).parent / SCHEMA_FILE
    return packaged if packaged.is_file() else Path(__file__).resolve().parent.parent / "docs" / SCHEMA_FILE


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The published bundle schema, read once."""
    path = schema_path()
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SchemaMissingError(f"The workbook's description of a review ({path}) could not be read; please reinstall "
                                 "Intervention Workbook. No review was changed.") from error
    if not isinstance(found, dict):
        raise SchemaMissingError(f"The workbook's description of a review ({path}) is damaged; please reinstall Intervention Workbook.")
    return found


_SIZES = frozenset({"maxLength", "maxItems", "maxProperties"})


def _without_sizes(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_sizes(value) for key, value in node.items() if key not in _SIZES}
    return [_without_sizes(value) for value in node] if isinstance(node, list) else node


@lru_cache(maxsize=4)
def _checker(part: str, sizes: bool = True) -> Callable[[Any], Any]:
    """The compiled check of the whole bundle ("bundle") or of the review alone ("review"), compiled on first use."""
    import fastjsonschema  # type: ignore[import-untyped]  # pure Python; imported here so start-up never pays for it

    schema = load_schema() if sizes else _without_sizes(load_schema())
    if part == "review":
        schema = {"$schema": schema.get("$schema"), "definitions": schema.get("definitions", {}), "$ref": "#/definitions/review"}
    check: Callable[[Any], Any] = fastjsonschema.compile(schema)
    return check


def _run(part: str, data: object, sizes: bool = True) -> None:
    import fastjsonschema

    try:
        _checker(part, sizes)(data)
    except fastjsonschema.JsonSchemaValueException as error:
        raise ReviewDataError(explain(error, bundle=part == "bundle")) from None
    except RecursionError:  # nesting deeper than Python can follow: far past anything a review holds
        raise ReviewDataError("the data is nested far deeper than any review is") from None


def validate_bundle(data: object, prompts: Prompts | None = None) -> None:
    """Check a whole bundle (already parsed): its outline, then its review as `validate_review` does.

    Raises:
        ReviewDataError: naming what is wrong.
        SchemaMissingError: when the installation has lost its schema file.
    """
    _run("bundle", data)
    assert isinstance(data, dict)  # the schema has just said so
    _check_beyond_schema(data["review"], prompts)


def validate_review(data: object, prompts: Prompts | None = None, *, sizes: bool = True) -> None:
    """Check review data (as `Review.to_dict` gives it) so that `Review.from_dict` and the app can trust it.

    With `prompts`, answers to choice questions must also be choices the questions have. Steps and
    questions the prompts do not have are kept as they are (the questions can be edited, and a
    bundle may come from a workbook with more of them); their answers only need to be text or a
    list of text. Without `prompts` (as when the store reads its own files, which must stay
    readable after the questions are edited), choices are not compared with the questions.

    `sizes=False` leaves out the size limits of workbook/limits.py and checks everything else: for
    a file saved before the limits existed, whose words must stay readable (the check compiles once more).

    Raises:
        ReviewDataError: naming what is wrong.
        SchemaMissingError: when the installation has lost its schema file.
    """
    _run("review", data, sizes)
    _check_beyond_schema(data, prompts)


# -- what a schema cannot say ---------------------------------------------------------------

_UNIQUE = (("members", "two writers"), ("timeline", "two timeline entries"), ("people", "two people"))
_PLAN_UNIQUE = {"options": "two treatment options", "commitments": "two consequences", "answers_prepared": "two prepared answers",
                "tasks": "two tasks", "added": "two items added to the plan"}


def _check_beyond_schema(review: Any, prompts: Prompts | None) -> None:
    for key, who in _UNIQUE:
        _unique(review.get(key, ()), who)
    for key, entries in review.get("plan", {}).items():
        if isinstance(entries, list):
            _unique(entries, _PLAN_UNIQUE.get(key, f"two entries of the plan's list “{clip(key)}”"))
    if prompts is not None:
        _check_choices(review, prompts)


def _unique(records: Iterable[dict[str, Any]], who: str) -> None:
    seen: set[str] = set()
    for record in records:
        record_id = record["id"]
        if record_id in seen:
            raise ReviewDataError(f"{who} share the id “{clip(record_id)}”, so one would hide the other")
        seen.add(record_id)


_Fit = tuple["Question", str, frozenset[str]]
"""A question with its kind and choice ids, looked up once per set of prompts (hashing a Question is slow)."""
_TABLES: dict[int, tuple[Prompts, dict[tuple[str, str], _Fit]]] = {}


def _table(prompts: Prompts) -> dict[tuple[str, str], _Fit]:
    """(step id, question id) -> question, kind, choice ids; the people and timeline steps also under their kind."""
    cached = _TABLES.get(id(prompts))
    if cached is not None and cached[0] is prompts:
        return cached[1]
    table: dict[tuple[str, str], _Fit] = {}
    for step in prompts.steps:
        for question in step.questions:
            fit = (question, question.kind, frozenset(choice.id for choice in question.choices))
            table[(step.id, question.id)] = fit
            if step.kind in ("people", "timeline"):
                table.setdefault((f"kind:{step.kind}", question.id), fit)
    _TABLES.clear()  # one set of prompts is in use at a time; keep no others alive
    _TABLES[id(prompts)] = (prompts, table)
    return table


def _check_choices(review: dict[str, Any], prompts: Prompts) -> None:
    """Answers to the questions the prompts have must fit those questions (choices known, one or a list)."""
    table = _table(prompts)
    for step_id, questions in review.get("answers", {}).items():
        for question_id, by_member in questions.items():
            fit = table.get((step_id, question_id))
            if fit is not None:  # a step or question these prompts do not have is kept as written
                for answer in by_member.values():
                    _fits(fit, answer["value"], "an answer to")
    if (cause := table.get(("kind:timeline", "cause"))) is not None:
        for entry in review.get("timeline", ()):
            _fits(cause, entry.get("cause", ""), "a timeline entry's answer to")
    own = [(name, table.get(("kind:people", name))) for name in ("present", "role")]
    views = [(name, table.get(("kind:people", name))) for name in ("helped", "next_time", "concerns")]
    for person in review.get("people", ()):
        for name, fit in own:
            if fit is not None:
                _fits(fit, person.get(name, ""), "a person's answer to")
        for view in person.get("views", {}).values():
            for name, fit in views:
                if fit is not None:
                    _fits(fit, view.get(name, ""), "a writer's view of a person, in the answer to")


def _fits(fit: _Fit, value: str | list[str], what: str) -> None:
    """Refuse a value that the question could never have produced; blanks always fit."""
    if not value:
        return
    question, kind, known = fit
    if kind in ("text", "line", "date"):
        if isinstance(value, list):
            raise ReviewDataError(f"{_where(what, question)} is a list of choices, but that question takes words")
        return
    if kind == "choice" and isinstance(value, list):
        raise ReviewDataError(f"{_where(what, question)} is a list of choices, but that question takes only one")
    if kind == "multi" and isinstance(value, str):
        raise ReviewDataError(f"{_where(what, question)} is text, but that question takes a list of choices")
    for chosen in [value] if isinstance(value, str) else value:
        if chosen not in known:
            raise ReviewDataError(f"{_where(what, question)} is “{clip(chosen)}”, which is not one of its choices "
                                  "(the questions may have been edited on the other computer)")


def _where(what: str, question: Question) -> str:
    return f"{what} “{clip(question.text, 60)}”"  # only built for a refusal: clip is slow next to the check itself


__all__ = ["ReviewDataError", "SchemaMissingError", "load_schema", "schema_path", "validate_bundle", "validate_review"]
