"""The revised plan: proposals derived from the review, the family's decisions, and their lists.

`review.plan` is a JSON-ready dict (see docs/plan-api.md). Proposals are never stored: they are
derived afresh from what the family wrote each time (`derive`), and the family's decisions are
stored by proposal id, so an accepted, edited or dropped proposal keeps its decision when the
review changes and the plan is derived again. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Review, new_id, now_iso
from .prompts import Prompts
from .rules import ANSWERS, CAUSES, RULES, TACTICS, Proposal, cause_step, chosen, label

__all__ = [
    "ENTRY_KINDS",
    "SECTIONS",
    "PlanItem",
    "Proposal",
    "add_commitment",
    "add_item",
    "add_option",
    "add_prepared_answer",
    "add_task",
    "decide",
    "derive",
    "plan_items",
    "ratings",
    "ready_check",
    "remove_entry",
    "restore",
    "set_letter",
    "update_entry",
]

SECTIONS: tuple[tuple[str, str], ...] = (
    ("safety", "Safety plan"),
    ("team", "The team"),
    ("leader", "Who leads"),
    ("approach", "The approach"),
    ("place", "Place and time"),
    ("rehearsal", "Meeting and rehearsal beforehand"),
    ("letters", "Letters"),
    ("options", "Treatment options"),
    ("consequences", "Consequences each person can hold"),
    ("derailments", "Prepared answers"),
    ("after", "Right after a yes, and after a no"),
    ("aftercare", "Aftercare for your loved one, and support for the family"),
    ("questions", "Questions for the professional"),
)
"""(section id, heading) in export order: safety first, because it matters whatever happens next."""

DECISIONS = ("accepted", "edited", "dropped")
ENTRY_KINDS = ("options", "commitments", "answers_prepared", "tasks", "added")
"""The lists in `review.plan` whose entries `remove_entry` and `update_entry` act on."""
CHOICES = ("yes", "no", "not-sure")
SAFETY_EVENTS = ("overdose", "detox", "treatment-ended", "jail", "arrest", "threats-violence", "suicide-concern")
"""Safety events that call for a written safety plan."""
RATINGS = ("not-at-all", "a-little", "a-lot", "not-sure")


@dataclass(frozen=True)
class PlanItem:
    """One line of the plan as the family sees it: a proposal with its decision, or an added item."""

    id: str
    section: str
    text: str
    """The wording to show: the edited text for an edited item, else the proposal's own."""
    because: str
    status: str
    """"proposed", "accepted", "edited", "dropped" or "added"."""
    original: str
    """The proposal's own wording ("" for items the family added)."""
    private: bool = False
    """`because` holds one relative's view of another: shown in the app, left out of the export."""


# -- proposals and decisions ---------------------------------------------------------------


def derive(review: Review, prompts: Prompts) -> list[Proposal]:
    """Every rule's proposals, in rule order; the first proposal with a given id wins."""
    seen: dict[str, Proposal] = {}
    for rule in RULES.values():
        for proposal in rule(review, prompts):
            seen.setdefault(proposal.id, proposal)
    return list(seen.values())


def _decisions(review: Review) -> dict[str, dict[str, Any]]:
    found = review.plan.get("decisions")
    return found if isinstance(found, dict) else {}


def _entries(review: Review, kind: str) -> list[dict[str, Any]]:
    found = review.plan.get(kind)
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def plan_items(review: Review, prompts: Prompts) -> list[PlanItem]:
    """Proposals with their decisions, then the family's own items, section by section."""
    decisions = _decisions(review)
    items = []
    for proposal in derive(review, prompts):
        decision = decisions.get(proposal.id) or {}
        status = decision.get("status") if decision.get("status") in DECISIONS else "proposed"
        edited = _text(decision, "text")
        text = edited if edited and status in ("edited", "dropped") else proposal.text
        items.append(PlanItem(proposal.id, proposal.section, text, proposal.because, str(status), proposal.text, proposal.private))
    for entry in _entries(review, "added"):
        entry_id = str(entry.get("id", ""))
        dropped = (decisions.get(entry_id) or {}).get("status") == "dropped"
        because = f"Added by {review.member_name(str(entry.get('by', '')))}"
        status = "dropped" if dropped else "added"
        items.append(PlanItem(entry_id, str(entry.get("section", "")), _text(entry, "text"), because, status, ""))
    rank = {section: i for i, (section, _) in enumerate(SECTIONS)}
    return sorted(items, key=lambda item: rank.get(item.section, len(rank)))


def decide(review: Review, proposal_id: str, status: str, text: str = "", by: str = "") -> None:
    """Record the family's decision on a proposal (or on an item they added).

    `status` is "accepted", "edited" (with `text`), "dropped", or "proposed" to take the decision
    back. Dropping an edited proposal keeps its edited wording, so it can be restored as it was.

    Raises:
        ValueError: for an unknown status, or "edited" without any text.
    """
    if status not in (*DECISIONS, "proposed"):
        raise ValueError(f"unknown decision {status!r}")
    text = text.strip()
    if status == "edited" and not text:
        raise ValueError("an edited item needs its new wording")
    decisions = review.plan.setdefault("decisions", {})
    added = next((e for e in _entries(review, "added") if e.get("id") == proposal_id), None)
    if added is not None and status == "edited":
        added.update(text=text, updated=now_iso())
        status = "proposed"
    previous = decisions.get(proposal_id) or {}
    if status == "proposed" or (added is not None and status == "accepted"):
        decisions.pop(proposal_id, None)
    else:
        kept = text or (_text(previous, "text") if status == "dropped" else "")
        decisions[proposal_id] = {"status": status, "text": kept, "by": by, "updated": now_iso()}
    _sync_prepared_answer(review, proposal_id, status, text, _text(previous, "text"))
    review.touch()


def _sync_prepared_answer(review: Review, proposal_id: str, status: str, text: str, before: str) -> None:
    """An accepted or edited prepared answer becomes a row of the Prepared answers list, so the family can
    name who says it; taking the decision back removes that row only if nobody has changed it since."""
    rule, _, tactic = proposal_id.partition(":")
    if rule != "prepare" or tactic not in TACTICS:
        return
    row_id = f"prepare-{tactic}"
    rows = review.plan.setdefault("answers_prepared", [])
    row = next((r for r in rows if isinstance(r, dict) and r.get("id") == row_id), None)
    wording = text if status == "edited" else ANSWERS[tactic]
    untouched = row is not None and row.get("response") in (ANSWERS[tactic], before)
    if status in ("accepted", "edited"):
        if row is None:
            rows.append({"id": row_id, "tactic": tactic, "response": wording, "who": "", "updated": now_iso()})
        elif untouched and row.get("response") != wording:
            row.update(response=wording, updated=now_iso())
    elif row is not None and untouched and not _text(row, "who"):
        rows.remove(row)


def restore(review: Review, item_id: str, by: str = "") -> None:
    """Bring a dropped item back: as edited if it had been edited, else undecided."""
    decision = _decisions(review).get(item_id) or {}
    if decision.get("status") != "dropped":
        return
    edited = _text(decision, "text")
    decide(review, item_id, "edited" if edited else "proposed", edited, by)


def add_item(review: Review, section: str, text: str, by: str) -> str:
    """Add an item the family wrote themselves to a section; returns its id.

    Raises:
        ValueError: for an unknown section or blank text.
    """
    if section not in dict(SECTIONS):
        raise ValueError(f"unknown plan section {section!r}")
    if not text.strip():
        raise ValueError("an item of the plan needs some words")
    item_id = new_id()
    review.plan.setdefault("added", []).append({"id": item_id, "section": section, "text": text.strip(), "by": by, "updated": now_iso()})
    review.touch()
    return item_id


# -- the family's lists --------------------------------------------------------------------


def _add(review: Review, kind: str, entry: dict[str, Any]) -> str:
    entry_id = new_id()
    review.plan.setdefault(kind, []).append({"id": entry_id, **entry, "updated": now_iso()})
    review.touch()
    return entry_id


def _choice(value: str) -> str:
    if value not in CHOICES:
        raise ValueError(f"expected one of {', '.join(CHOICES)}, not {value!r}")
    return value


def add_option(
    review: Review, *, name: str, kind: str = "", who: str = "", contact: str = "", intake: str = "not-sure", notes: str = ""
) -> str:
    """Add a treatment option; `who` is the person looking into it. Returns its id."""
    entry = {"name": name, "kind": kind, "who": who, "contact": contact, "intake": _choice(intake), "notes": notes}
    return _add(review, "options", entry)


def add_commitment(review: Review, *, member: str, consequence: str, can_hold: str = "not-sure", last_time: str = "") -> str:
    """Add one person's consequence; `member` is a member or person id. Returns its id."""
    entry = {"member": member, "consequence": consequence, "can_hold": _choice(can_hold), "last_time": last_time}
    return _add(review, "commitments", entry)


def add_prepared_answer(review: Review, *, tactic: str, response: str, who: str = "") -> str:
    """Add a calm answer prepared for one tactic (a derailments choice id). Returns its id."""
    return _add(review, "answers_prepared", {"tactic": tactic, "response": response, "who": who})


def add_task(review: Review, *, what: str, owner: str = "", due: str = "", done: bool = False) -> str:
    """Add a task with an owner and a due date ("YYYY-MM-DD"). Returns its id."""
    return _add(review, "tasks", {"what": what, "owner": owner, "due": due, "done": done})


def update_entry(review: Review, kind: str, entry_id: str, **fields: str | bool) -> bool:
    """Change fields of one entry of a list; returns False if there is no such entry.

    Raises:
        ValueError: for an unknown kind, or a field the entry does not have.
    """
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown plan list {kind!r}")
    entry = next((e for e in _entries(review, kind) if e.get("id") == entry_id), None)
    if entry is None:
        return False
    unknown = set(fields) - set(entry) - {"id", "updated"}
    if unknown or "id" in fields:
        raise ValueError(f"a {kind} entry has no field {sorted(unknown or {'id'})[0]!r} to change")
    entry.update(fields, updated=now_iso())
    review.touch()
    return True


def remove_entry(review: Review, kind: str, entry_id: str) -> bool:
    """Remove one entry from a list; returns False if there was no such entry.

    Raises:
        ValueError: for an unknown kind.
    """
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown plan list {kind!r}")
    entries = review.plan.get(kind)
    if not isinstance(entries, list):
        return False
    kept = [e for e in entries if not (isinstance(e, dict) and e.get("id") == entry_id)]
    if len(kept) == len(entries):
        return False
    entries[:] = kept
    if kind == "added":
        _decisions(review).pop(entry_id, None)
    review.touch()
    return True


def set_letter(review: Review, member_id: str, text: str) -> None:
    """Save one writer's letter."""
    review.plan.setdefault("letters", {})[member_id] = {"text": text, "updated": now_iso()}
    review.touch()


# -- what is still missing, and where the family differs ------------------------------------


def _who(review: Review, some_id: str) -> str:
    member = review.member(some_id)
    person = review.person(some_id)
    return member.name if member else person.name if person and person.name else some_id or "Someone"


def ready_check(review: Review, prompts: Prompts) -> list[str]:
    """Plain sentences naming what the plan still lacks; empty when nothing obvious is missing."""
    missing = []
    options = _entries(review, "options")
    if len(options) < 3:
        plural = " is" if len(options) == 1 else "s are"
        count = f"Only {len(options)} treatment option{plural}" if options else "No treatment options are"
        missing.append(f"{count} listed so far; aim for at least three genuinely different ones.")
    leaders = [v for v in review.answers_to("plan", "next_leader").values() if isinstance(v, str) and v != "not-sure"]
    if not leaders:
        missing.append("No one has chosen yet who will lead next time.")
    for entry in _entries(review, "commitments"):
        if entry.get("can_hold") in ("no", "not-sure"):
            missing.append(f"{_who(review, _text(entry, 'member'))} is not sure they can hold: {_text(entry, 'consequence')}")
    for entry in _entries(review, "tasks"):
        if not _text(entry, "owner"):
            missing.append(f'No one has taken on the task "{_text(entry, "what")}" yet.')
    for entry in options:
        if not _text(entry, "who"):
            missing.append(f'No one is named to look into the option "{_text(entry, "name")}" yet.')
    if chosen(review, "what-happened", "safety_events", SAFETY_EVENTS) and not review.answers_to("plan", "safety_plan"):
        missing.append("Safety events were reported since the intervention, but there is no safety plan written yet.")
    missing.extend(_ready_for_outcomes(review, prompts, options))
    return missing


NALOXONE = ("naloxone", "narcan")


def _mentions_naloxone(review: Review) -> bool:
    """Whether the family has planned naloxone anywhere: the safety plan, a task, or the accepted proposal."""
    texts = [v for v in review.answers_to("plan", "safety_plan").values() if isinstance(v, str)]
    texts += [_text(e, "what") for e in _entries(review, "tasks")] + [_text(e, "text") for e in _entries(review, "added")]
    if (_decisions(review).get("safety-overdose") or {}).get("status") in ("accepted", "edited"):
        return True
    return any(word in text.casefold() for text in texts for word in NALOXONE)


def _ready_for_outcomes(review: Review, prompts: Prompts, options: list[dict[str, Any]]) -> list[str]:
    """What the plan lacks for each way the day could go: treatment that fits, a same-day place, letters,
    an answer for each reaction seen last time, the days after a no, and naloxone."""
    missing = []
    if options and not any(e.get("kind") == "medication" for e in options):
        missing.append("None of the options offers medication treatment for opioid use yet; ask the professional about it.")
    if options and not any(e.get("intake") == "yes" for e in options):
        missing.append("No option has intake arranged for the same day yet.")
    letters = review.plan.get("letters")
    letters = letters if isinstance(letters, dict) else {}
    written_by = {mid for mid, letter in letters.items() if isinstance(letter, dict) and _text(letter, "text")}
    missing.extend(f"{member.name} has not written a letter yet." for member in review.members if member.id not in written_by)
    step = cause_step(prompts, "narrative")
    seen = {tactic for _, values in chosen(review, step, "derailments", TACTICS) for tactic in values}
    prepared = {e.get("tactic") for e in _entries(review, "answers_prepared") if _text(e, "response")}
    for tactic in [t for t in TACTICS if t in seen and t not in prepared]:
        seen_as = label(prompts, step, "derailments", tactic)
        missing.append(f'There is no prepared answer yet for what happened last time: "{seen_as}".')
    if not review.answers_to("plan", "after_no"):
        missing.append('There is no plan yet for the days after a "no".')
    if not _mentions_naloxone(review):
        missing.append("The plan does not yet say where naloxone is kept and who carries it.")
    return missing


def ratings(review: Review, prompts: Prompts) -> dict[str, dict[str, str]]:
    """cause -> member id -> rating choice id, for each of the four causes; never averaged."""
    found: dict[str, dict[str, str]] = {}
    for cause in CAUSES:
        step = cause_step(prompts, cause)
        found[cause] = {mid: values[0] for mid, values in chosen(review, step, "rating", RATINGS)}
    return found
