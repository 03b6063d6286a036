"""Rules that turn what the family wrote into proposals for the revised plan.

Each rule is a small function `(review, prompts) -> list[Proposal]`, registered in `RULES`, and
can be tested on its own. A rule fires when *any* writer's answer shows the finding, and its
`because` quotes each of those writers by name, so that separate accounts stay separate. Wording
is warm and plain: "your loved one", no stigmatising words, no promised outcomes, no medical
advice (medication is raised as something to ask a professional about).

The modules hold the rules by subject: `setting` (place, time, leader, letters, options,
consequences), `team`, `day` (prepared answers, approach, every outcome), `safety`, and
`every_family`.
"""

from __future__ import annotations

from .base import CAUSES, EVERY_FAMILY, Proposal, Rule, cause_step, chosen, label, quote, short
from .day import ANSWERS, TACTICS, after_the_answer, after_treatment, compare_approaches, prepare
from .every_family import QUESTIONS, family_support, loved_one_aftercare, questions
from .safety import consequence_safety, naloxone, risks, safety_crisis
from .setting import consequences, letters, neutral_place, professional_leads, rehearsal, timing, treatment_options
from .team import TEAM_SIZE, children, invite_person, keep_person, team_role, team_size, who_was_missing

RULES: dict[str, Rule] = {
    "safety-crisis": safety_crisis,
    "safety-overdose": naloxone,
    "after-treatment": after_treatment,
    "consequence-safety": consequence_safety,
    "family-support": family_support,
    "loved-one-aftercare": loved_one_aftercare,
    "team-role": team_role,
    "keep-person": keep_person,
    "invite-person": invite_person,
    "who-was-missing": who_was_missing,
    "team-size": team_size,
    "children": children,
    "professional-leads": professional_leads,
    "compare-approaches": compare_approaches,
    "neutral-place": neutral_place,
    "timing": timing,
    "rehearsal": rehearsal,
    "letters": letters,
    "treatment-options": treatment_options,
    "consequences": consequences,
    "prepare": prepare,
    "after-the-answer": after_the_answer,
    "questions": questions,
}
"""Every rule by id; within a section of the plan, proposals follow this order (safety first)."""

EVERY_FAMILY_RULES = ("safety-overdose", "family-support", "loved-one-aftercare", "questions")
"""Rules that propose something to every family, whatever they wrote."""

__all__ = [
    "ANSWERS",
    "CAUSES",
    "EVERY_FAMILY",
    "EVERY_FAMILY_RULES",
    "QUESTIONS",
    "RULES",
    "TACTICS",
    "TEAM_SIZE",
    "Proposal",
    "Rule",
    "cause_step",
    "chosen",
    "label",
    "quote",
    "risks",
    "short",
]
