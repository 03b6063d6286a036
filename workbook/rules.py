"""Rules that turn what the family wrote into proposals for the revised plan.

Each rule is a small function `(review, prompts) -> list[Proposal]`, registered in `RULES`, and
can be tested on its own. Rules read answers by their fixed step and question ids; the prompts
are used only for labels, so a rule still works when a label changes or a prompt is missing.
A rule fires when *any* writer's answer shows the finding, and its `because` quotes each of
those writers by name, so that separate accounts stay separate. Wording is warm and plain:
"your loved one", no stigmatising words, no success rates, no medical advice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import AnswerValue, Person, PersonView, Review
from .prompts import Prompts

WHAT = "what-happened"
PEOPLE = "people"
CAUSES = ("people", "plan", "narrative", "approach")
"""The four causes a failed intervention is looked at through, in review order."""

TOPICS = {
    "place": "Place", "leader": "Who led it", "approach": "Approach", "pre_meeting": "Met beforehand", "letters": "Letters",
    "options_ready": "Treatment options ready", "consequences": "Consequences stated", "consequences_held": "Consequences held",
    "outcome": "How it ended", "safety_events": "Since then", "rehearsal": "Rehearsal", "kept_to_letters": "Kept to letters",
    "derailments": "What pulled it off course", "pulled_off": "How it pulled things off course", "missing": "Who was missing",
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


def _order(review: Review, member_ids: Iterable[str]) -> list[str]:
    rank = {m.id: i for i, m in enumerate(review.members)}
    return sorted(member_ids, key=lambda mid: rank.get(mid, len(rank)))


def chosen(review: Review, step: str, question: str, wanted: Iterable[str]) -> list[tuple[str, list[str]]]:
    """(writer, matching choice ids) for every writer whose answer includes one of `wanted`."""
    wanted = set(wanted)
    found = review.answers_to(step, question)
    hits = [(mid, [v for v in _values(found[mid]) if v in wanted]) for mid in _order(review, found)]
    return [(mid, values) for mid, values in hits if values]


def written(review: Review, step: str, question: str) -> list[tuple[str, list[str]]]:
    """(writer, [text]) for every writer who wrote a free-text answer."""
    found = review.answers_to(step, question)
    return [(mid, [text]) for mid in _order(review, found) if isinstance(text := found[mid], str)]


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


def _because(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _proposal(rule: str, section: str, text: str, because: str, subject: str = "") -> Proposal:
    return Proposal(f"{rule}:{subject}" if subject else rule, rule, section, text, because)


# -- the setting: place, leader, rehearsal, letters, options, consequences ----------------


def neutral_place(review: Review, prompts: Prompts) -> list[Proposal]:
    hits = chosen(review, WHAT, "place", ("loved-ones-home", "public", "family-home"))
    if not hits:
        return []
    text = (
        "Choose a neutral, private place for next time: not your loved one's home, a family home or a public place, "
        "and a time when your loved one is likely to be sober and rested."
    )
    return [_proposal("neutral-place", "place", text, quote(review, prompts, WHAT, "place", hits))]


def professional_leads(review: Review, prompts: Prompts) -> list[Proposal]:
    hits = chosen(review, WHAT, "leader", ("nobody", "family-member", "other"))
    if not hits:
        return []
    because = quote(review, prompts, WHAT, "leader", hits)
    lead = "Ask a professional interventionist to lead, so that no one in the family has to hold the room alone."
    ask = (
        "Talk to more than one interventionist before choosing, and ask each about their model and why they use it, "
        "and whether they are independent of treatment facilities."
    )
    return [_proposal("professional-leads", "leader", lead, because), _proposal("professional-leads", "questions", ask, because, "ask")]


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
    because = _because(quote(review, prompts, WHAT, "pre_meeting", met), quote(review, prompts, plan_step, "rehearsal", rehearsed))
    return [_proposal("rehearsal", "rehearsal", text, because)]


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
    because = _because(quote(review, prompts, WHAT, "letters", wrote), quote(review, prompts, plan_step, "kept_to_letters", kept))
    return [_proposal("letters", "letters", text, because)]


def treatment_options(review: Review, prompts: Prompts) -> list[Proposal]:
    ready = chosen(review, WHAT, "options_ready", ("no", "not-sure"))
    count = len(review.plan.get("options") or [])
    if not ready and count >= 3:
        return []
    names = ", ".join(f'"{short(str(o.get("name", "")), 40)}"' for o in review.plan.get("options") or [] if isinstance(o, dict))
    listed = f"Treatment options in the plan so far: {count}{f' ({names})' if names else ''}" if count < 3 else ""
    because = _because(quote(review, prompts, WHAT, "options_ready", ready), listed)
    options = (
        "Have at least three genuinely different treatment options ready, each looked into by a named person, "
        "with intake confirmed before the day."
    )
    ask = (
        "Ask the professional about detox, and about medication treatment for opioid use (methadone, buprenorphine, "
        "naltrexone): which of your options offer it, and how would it fit your loved one?"
    )
    rule = "treatment-options"
    return [_proposal(rule, "options", options, because), _proposal(rule, "questions", ask, because, "medication")]


def consequences(review: Review, prompts: Prompts) -> list[Proposal]:
    held = chosen(review, WHAT, "consequences_held", ("some", "none", "not-sure"))
    stated = written(review, WHAT, "consequences")
    if not held and not stated:
        return []
    text = (
        "Each person names one consequence they are sure they can hold (a step they will take themselves, not a "
        "punishment), and writes down what held last time and what made it hard. If a consequence touches housing "
        "or money, pair it with naloxone and a way to stay in contact."
    )
    because = _because(
        quote(review, prompts, WHAT, "consequences", stated, text=True), quote(review, prompts, WHAT, "consequences_held", held)
    )
    return [_proposal("consequences", "consequences", text, because)]


# -- the team -----------------------------------------------------------------------------

TEAM_CONCERNS = ("active-use", "mental-health", "conflict", "off-script", "young")


def _name(person: Person) -> str:
    return person.name.strip() or "Someone not named yet"


def _views(review: Review, person: Person) -> list[tuple[str, PersonView]]:
    return [(mid, person.views[mid]) for mid in _order(review, person.views)]


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
            text = (
                f"{_name(person)}: leave off the team, or give a letter-only or after-support role. "
                "This is about what the day needs, not about how much they care."
            )
            proposals.append(_proposal("team-role", "team", text, "; ".join(worries), person.id))
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
            proposals.append(_proposal("keep-person", "team", text, because, person.id))
    return proposals


def invite_person(review: Review, prompts: Prompts) -> list[Proposal]:
    proposals = []
    for person in review.people:
        if person.present != "not-invited" or _team_worries(review, prompts, person):
            continue
        shown = label(prompts, PEOPLE, "present", "not-invited")
        by = f" — {review.member_name(person.added_by)}" if person.added_by else ""
        text = f"{_name(person)}: think about inviting them this time, to be there or to write a letter."
        proposals.append(_proposal("invite-person", "team", text, f'{_name(person)}: "{shown}"{by}', person.id))
    return proposals


def who_was_missing(review: Review, prompts: Prompts) -> list[Proposal]:
    step = cause_step(prompts, "people")
    rated = chosen(review, step, "rating", ("a-lot",))
    missing = written(review, step, "missing")
    if not rated or not missing:
        return []
    text = "Think together about who was missing last time, and whether to invite them, to be there or by letter."
    because = _because(quote(review, prompts, step, "rating", rated), quote(review, prompts, step, "missing", missing, text=True))
    return [_proposal("who-was-missing", "team", text, because)]


# -- on the day and after ----------------------------------------------------------------

TACTICS = {
    "anger": "gets angry", "leaving": "gets up to leave", "bargaining": "starts bargaining", "blame": "blames someone in the room",
    "old-grievances": "brings up old grievances", "tears": "is in tears", "denial": "says there is no problem",
    "promises": "promises to stop on their own", "other": "does what pulled things off course last time",
}  # fmt: skip
"""Each derailment choice id, and how a prepared answer names it."""


def prepare(review: Review, prompts: Prompts) -> list[Proposal]:
    step = cause_step(prompts, "narrative")
    hits = chosen(review, step, "derailments", TACTICS)
    proposals = []
    for tactic, doing in TACTICS.items():
        who = [(mid, [tactic]) for mid, values in hits if tactic in values]
        if not who:
            continue
        because = quote(review, prompts, step, "derailments", who)
        if tactic == "other":
            because = _because(because, quote(review, prompts, step, "pulled_off", written(review, step, "pulled_off"), text=True))
        text = (
            f"If your loved one {doing}, have a calm answer ready and agree who will say it: "
            "keep to the facts, and calmly restate what each of you will do."
        )
        proposals.append(_proposal("prepare", "derailments", text, because, tactic))
    return proposals


def compare_approaches(review: Review, prompts: Prompts) -> list[Proposal]:
    step = cause_step(prompts, "approach")
    surprise = chosen(review, WHAT, "approach", ("surprise",))
    rated = chosen(review, step, "rating", ("a-lot", "a-little"))
    if not (surprise and rated) and not any("a-lot" in values for _, values in rated):
        return []
    text = (
        "Ask the professional to walk you through the main approaches side by side (a planned confrontation, an "
        "invitational approach, CRAFT, a whole-family approach) and what each would ask of your family. "
        "No single approach is best for every family."
    )
    because = _because(quote(review, prompts, WHAT, "approach", surprise), quote(review, prompts, step, "rating", rated))
    return [_proposal("compare-approaches", "approach", text, because)]


def after_the_answer(review: Review, prompts: Prompts) -> list[Proposal]:
    hits = chosen(review, WHAT, "outcome", ("refused", "walked-out", "agreed-not-gone"))
    if not hits:
        return []
    because = quote(review, prompts, WHAT, "outcome", hits)
    after_no = (
        'Plan the days after a "no" together. The first 72 hours are when families often soften boundaries, call '
        "again and again, or break ranks. Agree who stays in touch, what each of you will and will not do, and when "
        'you will meet again. A "no" can mean "not yet".'
    )
    after_yes = 'Plan for a "yes" too: intake booked, who drives and when, a packed bag ready, and who goes along.'
    rule = "after-the-answer"
    return [_proposal(rule, "after", after_no, because, "no"), _proposal(rule, "after", after_yes, because, "yes")]


def safety_overdose(review: Review, prompts: Prompts) -> list[Proposal]:
    hits = chosen(review, WHAT, "safety_events", ("overdose", "detox", "treatment-ended", "jail", "arrest"))
    if not hits:
        return []
    text = (
        "Make a safety plan: keep naloxone (Narcan) on hand, agree who carries it, and make sure everyone knows the "
        "signs of an overdose and to call 911. Overdose risk rises after detox, after treatment ends and after time "
        "in jail, because tolerance drops."
    )
    return [_proposal("safety-overdose", "safety", text, quote(review, prompts, WHAT, "safety_events", hits))]


def safety_crisis(review: Review, prompts: Prompts) -> list[Proposal]:
    hits = chosen(review, WHAT, "safety_events", ("threats-violence", "suicide-concern"))
    if not hits:
        return []
    text = (
        "Raise the threats or the worry about suicide with the professional first, before any other planning, and "
        "agree when to call 911 (someone is in danger now) or 988 (call or text in a mental-health or substance-use crisis)."
    )
    return [_proposal("safety-crisis", "safety", text, quote(review, prompts, WHAT, "safety_events", hits))]


# -- for every family --------------------------------------------------------------------

EVERY_FAMILY = "Suggested for every family"


def family_support(review: Review, prompts: Prompts) -> list[Proposal]:
    text = (
        "Find support for yourselves, whatever your loved one decides: Al-Anon or Nar-Anon, SMART Recovery Family & "
        "Friends, a CRAFT group, or counselling for the family."
    )
    return [_proposal("family-support", "aftercare", text, f"{EVERY_FAMILY}: your own wellbeing matters too")]


QUESTIONS = {
    "model": "Which model do you use, and why do you think it fits our family?",
    "independence": "Are you independent? Do you take referral fees or have ties to any treatment facility?",
    "fees": "What are your fees, what do they cover, and will you give us a written contract?",
    "if-no": 'What if the answer is "no"? What do we do in the days after, and would you try again?',
    "family": "What aftercare do you offer the family, whatever our loved one decides?",
}


def questions(review: Review, prompts: Prompts) -> list[Proposal]:
    because = f"{EVERY_FAMILY} choosing a professional"
    return [_proposal("questions", "questions", f"Ask: {text}", because, key) for key, text in QUESTIONS.items()]


RULES: dict[str, Rule] = {
    "family-support": family_support,
    "team-role": team_role,
    "keep-person": keep_person,
    "invite-person": invite_person,
    "who-was-missing": who_was_missing,
    "professional-leads": professional_leads,
    "compare-approaches": compare_approaches,
    "neutral-place": neutral_place,
    "rehearsal": rehearsal,
    "letters": letters,
    "treatment-options": treatment_options,
    "consequences": consequences,
    "prepare": prepare,
    "after-the-answer": after_the_answer,
    "safety-crisis": safety_crisis,
    "safety-overdose": safety_overdose,
    "questions": questions,
}
"""Every rule by id; within a section of the plan, proposals follow this order."""
