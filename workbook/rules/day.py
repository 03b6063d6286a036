"""Rules about the day itself and what follows: prepared answers, the approach, and every outcome.

Each reaction the family saw gets its own prepared answer, because a calm restatement fits
bargaining but not tears, and someone getting up to leave must never find the door blocked.
"""

from __future__ import annotations

from ..model import Review
from ..prompts import Prompts
from .base import WHAT, Proposal, because_of, cause_step, chosen, proposal, quote, written

TACTICS = {
    "anger": "gets angry", "leaving": "gets up to leave", "bargaining": "starts bargaining", "blame": "blames someone in the room",
    "old-grievances": "brings up old grievances", "tears": "is in tears", "denial": "says there is no problem",
    "promises": "promises to stop on their own", "other": "does what pulled things off course last time",
}  # fmt: skip
"""Each derailment choice id, and how a prepared answer names it."""

ANSWERS = {
    "anger": (
        "Keep your voices low and do not argue back. One person, agreed beforehand, says something like: "
        '"We are here because we love you. We will wait until you are ready to listen." Then pause.'
    ),
    "leaving": (
        "Nobody blocks the door or follows them out. One agreed person says calmly that the offer stands, and how to "
        "reach you when they are ready. The rest of the team stays and stays calm."
    ),
    "bargaining": (
        'One agreed person says you hear them, and that the place is ready today. Keep to the options you prepared; '
        'do not agree a new deal in the room ("after the holidays", "I will cut down") without the professional.'
    ),
    "blame": (
        "The person blamed does not defend themselves. The leader brings it back: "
        '"That matters, and we can talk about it with help. Today is about your health and our love for you."'
    ),
    "old-grievances": (
        "Acknowledge it briefly and honestly (\"That hurt you, and we want to talk about it with a counselor\"), then "
        "go back to the letters. Agree beforehand who does this, so no one is drawn into the old argument."
    ),
    "tears": (
        "Let there be a quiet moment; a hand on the shoulder is fine. Then the next person reads their letter. Tears "
        "are not a reason to stop, and not a reason to push harder."
    ),
    "denial": (
        "Do not argue about whether there is a problem. Read what each of you has seen, in your own words, and ask "
        "them to accept the help that is ready today."
    ),
    "promises": (
        "Thank them for wanting to stop, and ask what would happen if stopping alone did not work. Agree, in the room, "
        "that then they would accept one of the options you prepared."
    ),
    "other": (
        "Agree who will gently bring the conversation back to the letters and the options, and what they will say."
    ),
}
"""The prepared answer proposed for each reaction (accepting it adds it to the Prepared answers list)."""


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
            because = because_of(because, quote(review, prompts, step, "pulled_off", written(review, step, "pulled_off"), text=True))
        answer = ANSWERS[tactic]
        text = f"If your loved one {doing}: {answer[0].lower()}{answer[1:]}"
        proposals.append(proposal("prepare", "derailments", text, because, tactic))
    return proposals


def compare_approaches(review: Review, prompts: Prompts) -> list[Proposal]:
    step = cause_step(prompts, "approach")
    surprise = chosen(review, WHAT, "approach", ("surprise",))
    rated = chosen(review, step, "rating", ("a-lot", "a-little"))
    if not (surprise and rated) and not any("a-lot" in values for _, values in rated):
        return []
    text = (
        "Ask the professional to walk you through the main approaches side by side (a planned confrontation, an "
        "invitational approach, CRAFT, a whole-family approach, an informal talk) and what each would ask of your "
        "family. No single approach is best for every family."
    )
    because = because_of(quote(review, prompts, WHAT, "approach", surprise), quote(review, prompts, step, "rating", rated))
    return [proposal("compare-approaches", "approach", text, because)]


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
    craft = (
        'Beside a second meeting, think about CRAFT if the answer is "no" again. It was built for families whose loved '
        "one is not ready, works through one family member with a trained therapist, and one of you can start it now."
    )
    after_yes = 'Plan for a "yes" too: intake booked for the same day, who drives and when, a packed bag ready, and who goes along.'
    rule = "after-the-answer"
    return [
        proposal(rule, "after", after_no, because, "no"),
        proposal(rule, "after", craft, because, "craft"),
        proposal(rule, "after", after_yes, because, "yes"),
    ]


def after_treatment(review: Review, prompts: Prompts) -> list[Proposal]:
    """Leaving treatment early, or using again after it: the most dangerous outcomes, so safety leads."""
    hits = chosen(review, WHAT, "outcome", ("left-early", "used-again"))
    if not hits:
        return []
    because = quote(review, prompts, WHAT, "outcome", hits)
    safety = (
        "Tolerance drops within days without opioids, so the days after leaving treatment, or after starting to use "
        "again, carry a high risk of overdose. Keep naloxone at home and with whoever sees your loved one most, and "
        "agree who checks in on them, and when."
    )
    leaving = (
        "Agree now what happens if your loved one leaves treatment early again: who collects them, how they can get "
        "back in (ask the program), whether a medication they started can continue after they leave, and what each of "
        "you will do."
    )
    rule = "after-treatment"
    return [proposal(rule, "safety", safety, because, "risk"), proposal(rule, "after", leaving, because, "leaving")]
