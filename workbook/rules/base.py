"""What every rule shares: the `Proposal` it returns, and helpers that read and quote answers.

Rules read answers by their fixed step and question ids; the prompts are used only for labels,
so a rule still works when a label changes or a prompt is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import AnswerValue, Review
from ..prompts import Prompts

WHAT = "what-happened"
PEOPLE = "people"
LOVED_ONE = "loved-one"
CAUSES = ("people", "plan", "narrative", "approach")
"""The four causes a failed intervention is looked at through, in review order."""

TOPICS = {
    "place": "Place", "leader": "Who led it", "approach": "Approach", "pre_meeting": "Met beforehand", "letters": "Letters",
    "options_ready": "Treatment options ready", "consequences": "Consequences stated", "consequences_held": "Consequences held",
    "outcome": "How it ended", "safety_events": "Since then", "rehearsal": "Rehearsal", "kept_to_letters": "Kept to letters",
    "derailments": "What pulled it off course", "pulled_off": "How it pulled things off course", "missing": "Who was missing",
    "state": "On the day", "children": "Looks after children",
}  # fmt: skip
"""Short names of the questions that `because` quotes."""
CAUSE_TOPICS = {"people": "the people", "plan": "the plan", "narrative": "what was said", "approach": "the approach"}


@dataclass(frozen=True)
class Proposal:
    """One derived suggestion for the revised plan, with the finding it comes from."""

    id: str
    """Stable: "<rule id>" or "<rule id>:<subject id>", so decisions survive re-deriving."""
    rule: str
    section: str
    """A `workbook.plan.SECTIONS` id."""
    text: str
    because: str
    """The finding, quoting what the family wrote, attributed to each writer."""
    private: bool = False
    """True when `because` holds one relative's view of another (a worry about their drinking, say): the
    family sees it in the app, but the export leaves it out and keeps only the proposal."""


Rule = Callable[[Review, Prompts], list[Proposal]]


# -- reading answers ---------------------------------------------------------------------


def cause_step(prompts: Prompts, cause: str) -> str:
    """The step id of one cause step: from the prompts if they name it, else "cause-<cause>"."""
    return next((s.id for s in prompts.steps if s.cause == cause), f"cause-{cause}")


def label(prompts: Prompts, step_id: str, question_id: str, choice: str) -> str:
    """A choice's label from the prompts, or the id made readable if the prompts lack it."""
    step = prompts.step(step_id)
    question = step.question(question_id) if step else None
    found = question.choice_label(choice) if question else choice
    return found if found != choice else choice.replace("-", " ").capitalize()


def _values(value: AnswerValue | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if isinstance(v, str) and v.strip()]


def member_order(review: Review, member_ids: Iterable[str]) -> list[str]:
    rank = {m.id: i for i, m in enumerate(review.members)}
    return sorted(member_ids, key=lambda mid: rank.get(mid, len(rank)))


def chosen(review: Review, step: str, question: str, wanted: Iterable[str]) -> list[tuple[str, list[str]]]:
    """(writer, matching choice ids) for every writer whose answer includes one of `wanted`."""
    wanted = set(wanted)
    found = review.answers_to(step, question)
    hits = [(mid, [v for v in _values(found[mid]) if v in wanted]) for mid in member_order(review, found)]
    return [(mid, values) for mid, values in hits if values]


def written(review: Review, step: str, question: str) -> list[tuple[str, list[str]]]:
    """(writer, [text]) for every writer who wrote a free-text answer."""
    found = review.answers_to(step, question)
    return [(mid, [text]) for mid in member_order(review, found) if isinstance(text := found[mid], str)]


EVERY_FAMILY = "Suggested for every family"


def short(text: str, limit: int = 120) -> str:
    """One line of the family's words, cut to `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def quote(
    review: Review, prompts: Prompts, step: str, question: str, hits: Iterable[tuple[str, list[str]]], *, text: bool = False
) -> str:
    """'Topic: "what they said" — Maria (mother), Tom (brother)', grouping writers who said the same."""
    groups: dict[str, list[str]] = {}
    for mid, values in hits:
        shown = short(" ".join(values)) if text else ", ".join(label(prompts, step, question, v) for v in values)
        groups.setdefault(shown, []).append(review.member_name(mid))
    topic = TOPICS.get(question, question.replace("_", " ").capitalize())
    if question == "rating" and step.startswith("cause-"):
        cause = step.removeprefix("cause-")
        topic = f"How much {CAUSE_TOPICS.get(cause, cause)} contributed"
    return "; ".join(f'{topic}: "{shown}" — {", ".join(names)}' for shown, names in groups.items())


def because_of(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def proposal(rule: str, section: str, text: str, because: str, subject: str = "", *, private: bool = False) -> Proposal:
    """A proposal with the id "<rule>" or "<rule>:<subject>"."""
    return Proposal(f"{rule}:{subject}" if subject else rule, rule, section, text, because, private)
