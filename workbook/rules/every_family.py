"""Proposals for every family, whatever they wrote: support for themselves, aftercare, questions to ask."""

from __future__ import annotations

from ..model import Review
from ..prompts import Prompts
from .base import EVERY_FAMILY, Proposal, proposal


def family_support(review: Review, prompts: Prompts) -> list[Proposal]:
    text = (
        "Find support for yourselves, whatever your loved one decides: Al-Anon or Nar-Anon, SMART Recovery Family & "
        "Friends, a CRAFT group, or counseling for the family."
    )
    return [proposal("family-support", "aftercare", text, f"{EVERY_FAMILY}: your own wellbeing matters too")]


def loved_one_aftercare(review: Review, prompts: Prompts) -> list[Proposal]:
    text = (
        "Plan your loved one's aftercare with the professional and the program before the day: continuing care after "
        "the first stay, whether medication treatment continues, where they will live, and who checks in with them "
        "during the first weeks."
    )
    return [proposal("loved-one-aftercare", "aftercare", text, f"{EVERY_FAMILY}: treatment is a beginning, not an end")]


QUESTIONS = {
    "model": "Which model do you use, and why do you think it fits our family?",
    "independence": "Are you independent? Do you take referral fees or have ties to any treatment facility?",
    "fees": "What are your fees, what do they cover, and will you give us a written contract?",
    "if-no": 'What if the answer is "no"? What do we do in the days after, and would you try again?',
    "family": "What aftercare do you offer the family, whatever our loved one decides?",
}


def questions(review: Review, prompts: Prompts) -> list[Proposal]:
    because = f"{EVERY_FAMILY} choosing a professional"
    return [proposal("questions", "questions", f"Ask: {text}", because, key) for key, text in QUESTIONS.items()]
