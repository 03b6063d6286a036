"""Rules about how the day is set up: place and time, who leads, rehearsal, letters, options, consequences."""

from __future__ import annotations

from ..model import Review
from ..prompts import Prompts
from .base import WHAT, Proposal, because_of, cause_step, chosen, proposal, quote, short, written

PROFESSIONAL = "a professional (an interventionist, or a therapist trained in CRAFT or ARISE)"
"""Who the family is pointed to: not always an interventionist, since some approaches are led by a therapist."""


def neutral_place(review: Review, prompts: Prompts) -> list[Proposal]:
    hits = chosen(review, WHAT, "place", ("loved-ones-home", "public", "family-home"))
    if not hits:
        return []
    text = (
        "Choose a neutral, private place for next time: not your loved one's home, a family home or a public place, "
        "and a time when your loved one is neither under the influence nor in withdrawal."
    )
    return [proposal("neutral-place", "place", text, quote(review, prompts, WHAT, "place", hits))]


def timing(review: Review, prompts: Prompts) -> list[Proposal]:
    """The loved one's state on the day: high, in withdrawal, or worn out makes listening hard."""
    hits = chosen(review, WHAT, "state", ("intoxicated", "withdrawal", "tired"))
    if not hits:
        return []
    text = (
        "Choose the moment with the professional: not while your loved one is high, and not while they are in "
        "withdrawal. For someone who depends on opioids, a few hours without them can already mean withdrawal, so "
        '"sober" is not always possible; ask the professional what time of day would give your loved one the best '
        "chance to listen."
    )
    return [proposal("timing", "place", text, quote(review, prompts, WHAT, "state", hits))]


def professional_leads(review: Review, prompts: Prompts) -> list[Proposal]:
    hits = chosen(review, WHAT, "leader", ("nobody", "family-member", "other"))
    if not hits:
        return []
    because = quote(review, prompts, WHAT, "leader", hits)
    lead = f"Ask {PROFESSIONAL} to lead, so that no one in the family has to hold the room alone."
    ask = (
        "Talk to more than one professional before choosing, and ask each about their model and why they use it, "
        "and whether they are independent of treatment facilities."
    )
    return [proposal("professional-leads", "leader", lead, because), proposal("professional-leads", "questions", ask, because, "ask")]


def rehearsal(review: Review, prompts: Prompts) -> list[Proposal]:
    met = chosen(review, WHAT, "pre_meeting", ("no", "not-sure"))
    plan_step = cause_step(prompts, "plan")
    rehearsed = chosen(review, plan_step, "rehearsal", ("no",))
    if not met and not rehearsed:
        return []
    text = (
        "Meet as a team with the professional beforehand, and rehearse the day before: who speaks in what order, "
        "who sits where, and what to do if things go off course."
    )
    because = because_of(quote(review, prompts, WHAT, "pre_meeting", met), quote(review, prompts, plan_step, "rehearsal", rehearsed))
    return [proposal("rehearsal", "rehearsal", text, because)]


def letters(review: Review, prompts: Prompts) -> list[Proposal]:
    wrote = chosen(review, WHAT, "letters", ("no", "some", "not-sure"))
    plan_step = cause_step(prompts, "plan")
    kept = chosen(review, plan_step, "kept_to_letters", ("no", "mostly"))
    if not wrote and not kept:
        return []
    text = (
        'Everyone on the team writes a letter in "I" statements (what you love about your loved one, what you have seen, '
        "what you hope for) and reads it as written on the day."
    )
    because = because_of(quote(review, prompts, WHAT, "letters", wrote), quote(review, prompts, plan_step, "kept_to_letters", kept))
    return [proposal("letters", "letters", text, because)]


def treatment_options(review: Review, prompts: Prompts) -> list[Proposal]:
    ready = chosen(review, WHAT, "options_ready", ("no", "not-sure"))
    count = len(review.plan.get("options") or [])
    if not ready and count >= 3:
        return []
    names = ", ".join(f'"{short(str(o.get("name", "")), 40)}"' for o in review.plan.get("options") or [] if isinstance(o, dict))
    listed = f"Treatment options in the plan so far: {count}{f' ({names})' if names else ''}" if count < 3 else ""
    because = because_of(quote(review, prompts, WHAT, "options_ready", ready), listed)
    options = (
        "Have at least three genuinely different treatment options ready, each looked into by a named person, "
        "with intake confirmed for the same day. Include at least one that offers medication treatment for opioid "
        "use (methadone or buprenorphine): the US National Academies' 2019 review found that people treated with these "
        "medications had about half the risk of dying of those who were not."
    )
    ask = (
        "Ask the professional about detox, and about medication treatment for opioid use (methadone, buprenorphine, "
        "naltrexone): which of your options offer it, and how would it fit your loved one?"
    )
    rule = "treatment-options"
    return [proposal(rule, "options", options, because), proposal(rule, "questions", ask, because, "medication")]


def consequences(review: Review, prompts: Prompts) -> list[Proposal]:
    held = chosen(review, WHAT, "consequences_held", ("some", "none", "not-sure", "not-stated"))
    stated = written(review, WHAT, "consequences")
    if not held and not stated:
        return []
    text = (
        "Each person names one consequence they are sure they can hold (a step they will take themselves, not a "
        "punishment), and writes down what held last time and what made it hard. A consequence never ends all contact "
        "or takes away your loved one's way to call for help: if it touches housing, a phone or money, pair it with "
        "naloxone and a way to stay in touch."
    )
    because = because_of(
        quote(review, prompts, WHAT, "consequences", stated, text=True), quote(review, prompts, WHAT, "consequences_held", held)
    )
    return [proposal("consequences", "consequences", text, because)]
