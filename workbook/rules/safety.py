"""Safety rules: naloxone for every family, crises first, and a safety check of every consequence.

Fentanyl is in much of the supply, so naloxone is proposed to every family, not only after an
overdose. A consequence touching housing, a phone or money can raise the risk of overdose (the
domain brief's content cautions), so each one in the plan is checked and paired with a way to
stay in touch; none may end all contact or take away the loved one's way to call for help.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Review
from ..prompts import Prompts
from .base import EVERY_FAMILY, WHAT, Proposal, because_of, chosen, proposal, quote, short

RISKY = {
    "housing": re.compile(
        r"\b(move[sd]? out|moving out|out of (the|our|my) (house|home|flat|apartment)|leave (the|our|my) (house|home)|"
        r"kick(ed|ing)? (him|her|them) out|change (the )?locks|evict\w*|homeless|on the street|no longer (live|stay)|"
        r"(can|could)( ?no|'?t|not) (live|stay)|not (live|stay) (here|with))\b",
        re.IGNORECASE,
    ),
    "phone": re.compile(
        r"\b(phone|calls?|calling|answer\w*|texts?|texting|messages?|contact|block\w*|"
        r"speak(ing)? to|talk(ing)? to|cut (him|her|them) off)\b",
        re.IGNORECASE,
    ),
    "money": re.compile(r"\b(money|pay(ing)?|paid|bills?|cards?|cash|allowance|rent|loans?|lend\w*|car|insurance)\b", re.IGNORECASE),
}
"""Words that show a consequence touches the loved one's housing, phone or money."""

PAIRINGS = {
    "housing": "if they leave home, make sure they take naloxone and a charged phone, and agree where they can go and how to reach you",
    "phone": "never take away their way to call for help: keep one number they can always reach in an emergency, day or night",
    "money": "keep the phone and a safe place to sleep out of it, and pair it with naloxone and a way to stay in touch",
}


def risks(consequence: str) -> list[str]:
    """Which of housing, phone and money a consequence touches, in that order."""
    return [kind for kind, pattern in RISKY.items() if pattern.search(consequence)]


def naloxone(review: Review, prompts: Prompts) -> list[Proposal]:
    """Proposed to every family; events since the intervention are quoted when there were any."""
    hits = chosen(review, WHAT, "safety_events", ("overdose", "detox", "treatment-ended", "jail", "arrest"))
    text = (
        "Keep naloxone (Narcan) at home and agree who carries it, whatever your loved one decides: fentanyl is in much "
        "of the supply, and an overdose can happen to anyone who uses opioids. Make sure everyone knows the signs of an "
        "overdose and to call 911. The risk rises after detox, after treatment ends and after time in jail, because "
        "tolerance drops."
    )
    because = because_of(f"{EVERY_FAMILY}: fentanyl is in much of the supply", quote(review, prompts, WHAT, "safety_events", hits))
    return [proposal("safety-overdose", "safety", text, because)]


def safety_crisis(review: Review, prompts: Prompts) -> list[Proposal]:
    hits = chosen(review, WHAT, "safety_events", ("threats-violence", "suicide-concern"))
    if not hits:
        return []
    text = (
        "Raise the threats or the worry about suicide with the professional first, before any other planning, and "
        "agree when to call 911 (someone is in danger now) or 988 (call or text in a mental-health or substance-use crisis)."
    )
    return [proposal("safety-crisis", "safety", text, quote(review, prompts, WHAT, "safety_events", hits))]


def _who(review: Review, some_id: str) -> str:
    member = review.member(some_id)
    person = review.person(some_id)
    return member.label if member else person.name if person and person.name.strip() else some_id.strip() or "someone"


def consequence_safety(review: Review, prompts: Prompts) -> list[Proposal]:
    """One safety note for each consequence in the plan that touches housing, a phone or money."""
    found = review.plan.get("commitments")
    entries: list[dict[str, Any]] = [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []
    proposals = []
    for entry in entries:
        words = entry.get("consequence")
        kinds = risks(words) if isinstance(words, str) else []
        if not kinds or not isinstance(words, str):
            continue
        who = _who(review, str(entry.get("member", "")))
        pairs = "; ".join(PAIRINGS[kind] for kind in kinds)
        text = f'With "{short(words, 80)}" ({who}): {pairs}. A consequence never ends all contact.'
        because = f'Consequence in the plan: "{short(words)}" — {who}'
        proposals.append(proposal("consequence-safety", "safety", text, because, str(entry.get("id", ""))))
    return proposals
