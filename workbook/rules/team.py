"""Rules about the people: who is on the team, who was missing, its size, and children to care for.

A worry one relative wrote about another (their drinking, say) stays in the family's own record:
the proposal becomes a question for the professional about that person's best role, and is
marked `private`, so the export shows the question without the reason.
"""

from __future__ import annotations

from ..model import Person, PersonView, Review
from ..prompts import Prompts
from .base import LOVED_ONE, PEOPLE, Proposal, because_of, cause_step, chosen, label, member_order, proposal, quote, short, written

TEAM_CONCERNS = ("active-use", "mental-health", "conflict", "off-script", "young", "not-close")
TEAM_SIZE = (4, 6)
"""The team size most guides suggest; outside it the plan asks the family to think again."""


def _name(person: Person) -> str:
    return person.name.strip() or "Someone not named yet"


def _views(review: Review, person: Person) -> list[tuple[str, PersonView]]:
    return [(mid, person.views[mid]) for mid in member_order(review, person.views)]


def _team_worries(review: Review, prompts: Prompts, person: Person) -> list[str]:
    """Quotes of every writer whose view of this person suggests another role next time."""
    found = []
    for mid, view in _views(review, person):
        bits = [label(prompts, PEOPLE, "concerns", c) for c in view.concerns if c in TEAM_CONCERNS]
        if view.next_time in ("no", "letter-only"):
            bits.append("next time: " + label(prompts, PEOPLE, "next_time", view.next_time))
        if bits:
            why = f' ("{short(view.why)}")' if view.why.strip() else ""
            found.append(f'{_name(person)}: "{", ".join(bits)}"{why} — {review.member_name(mid)}')
    return found


def team_role(review: Review, prompts: Prompts) -> list[Proposal]:
    proposals = []
    for person in review.people:
        worries = _team_worries(review, prompts, person)
        if worries:
            name = _name(person)
            text = (
                f"Ask the professional what role would suit {name} best next time: on the team, a letter read by "
                "someone else, or support afterwards. This is about what the day needs, not about how much they care."
            )
            proposals.append(proposal("team-role", "team", text, "; ".join(worries), person.id, private=True))
    return proposals


def keep_person(review: Review, prompts: Prompts) -> list[Proposal]:
    proposals = []
    for person in review.people:
        raters = [(mid, v) for mid, v in _views(review, person) if v.helped or v.next_time]
        if not raters or _team_worries(review, prompts, person):
            continue
        if all(v.helped == "yes" and v.next_time == "yes" for _, v in raters):
            names = ", ".join(review.member_name(mid) for mid, _ in raters)
            said = f"helped: {label(prompts, PEOPLE, 'helped', 'yes')}, next time: {label(prompts, PEOPLE, 'next_time', 'yes')}"
            because = f'{_name(person)}: "{said}" — {names}'
            text = f"{_name(person)}: keep on the team. Everyone who thought about it said they helped."
            proposals.append(proposal("keep-person", "team", text, because, person.id))
    return proposals


def invite_person(review: Review, prompts: Prompts) -> list[Proposal]:
    proposals = []
    for person in review.people:
        if person.present != "not-invited" or _team_worries(review, prompts, person):
            continue
        shown = label(prompts, PEOPLE, "present", "not-invited")
        by = f" — {review.member_name(person.added_by)}" if person.added_by else ""
        text = f"{_name(person)}: think about inviting them this time, to be there or to write a letter."
        proposals.append(proposal("invite-person", "team", text, f'{_name(person)}: "{shown}"{by}', person.id))
    return proposals


def who_was_missing(review: Review, prompts: Prompts) -> list[Proposal]:
    step = cause_step(prompts, "people")
    rated = chosen(review, step, "rating", ("a-lot",))
    missing = written(review, step, "missing")
    if not rated or not missing:
        return []
    text = "Think together about who was missing last time, and whether to invite them, to be there or by letter."
    because = because_of(quote(review, prompts, step, "rating", rated), quote(review, prompts, step, "missing", missing, text=True))
    return [proposal("who-was-missing", "team", text, because)]


def _planned_team(review: Review) -> tuple[int, str]:
    """How many people the family means to have in the room next time, and where that count comes from."""
    wanted = [p for p in review.people if any(v.next_time == "yes" for v in p.views.values())
              and not any(v.next_time in ("no", "letter-only") for v in p.views.values())]
    if wanted:
        return len(wanted), "people marked to take part next time"
    there = [p for p in review.people if p.present == "there"]
    return len(there), "people who were there last time"


def team_size(review: Review, prompts: Prompts) -> list[Proposal]:
    count, counted = _planned_team(review)
    low, high = TEAM_SIZE
    if not count or low <= count <= high:
        return []
    if count < low:
        text = (f"Most guides suggest a team of about {low} to {high} people who know your loved one well. Think about who "
                "else could be there, or send a letter.")
    else:
        text = (f"Most guides suggest a team of about {low} to {high} people. With more, it can feel like a crowd: ask the "
                "professional who should be in the room, and who could write a letter or help afterwards instead.")
    return [proposal("team-size", "team", text, f"People: {count} ({counted})")]


def children(review: Review, prompts: Prompts) -> list[Proposal]:
    """Children in the loved one's care: who looks after them must never be a reason to wait."""
    hits = chosen(review, LOVED_ONE, "children", ("yes",))
    if not hits:
        return []
    text = (
        "Arrange who will look after the children your loved one cares for, from the moment they say yes and through "
        "intake, so that caring for them is never a reason to wait. Keep children out of the meeting itself."
    )
    return [proposal("children", "after", text, quote(review, prompts, LOVED_ONE, "children", hits))]
