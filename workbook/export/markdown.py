"""The summary for a professional interventionist, as Markdown.

Facts come first and every piece of writing names who wrote it. The headings are a fixed
skeleton that depends only on the prompts, never on what the family wrote: every bit of user text
goes through `escape`, so a note such as "# Heading" or "| a |" stays a note. Missing answers say
"Not answered" rather than leaving a section out.

With ``initials=True`` each writer and each person is shown by initials and relationship
("M. (mother)"), and whole-word, case-sensitive occurrences of their names (full names and each
part of a name) in free text are replaced by their initials. Nicknames, misspellings, lowercase
mentions and names of anyone not entered as a writer or a person are NOT caught, so the family
should still read the file before sharing it. Letters are left out in this mode (only counted),
and so is the review's title, which is usually the loved one's name (the first heading is then
"Review summary").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..model import AnswerValue, Review, is_blank
from ..plan import SECTIONS, PlanItem, plan_items, ratings, ready_check
from ..prompts import Prompts, Question, Step
from . import ANONYMOUS_TITLE
from .escape import cell, escape_block, escape_inline
from .names import LOVED_ONE, Names, initials_of

NOT_ANSWERED = "Not answered"
NOTHING_YET = "Nothing here yet."
STATUS_TAGS = {"edited": " *(the family's wording)*", "proposed": " *(suggested by the workbook; not yet decided)*"}
"""What follows an item of the plan that is not simply accepted."""
SAFETY_GROUPS = (
    ("Overdose history", ("overdose",)),
    ("Recent detox, end of treatment, jail or arrest", ("detox", "treatment-ended", "jail", "arrest")),
    ("Violence or threats", ("threats-violence",)),
    ("Suicide concern", ("suicide-concern",)),
)
PLAN_EXTRAS = (("options", "Treatment options"), ("consequences", "Consequences"), ("derailments", "Prepared answers"))
NOTE = (
    "A family wrote this summary with Intervention Workbook to share with a professional (an interventionist, "
    "or a therapist trained in CRAFT or ARISE). "
    "It looks back, without blame, at an intervention that did not work. Each answer names the family member "
    "who wrote it; accounts can differ, and that is expected. This is not a crisis service and nobody monitors it: "
    "in an emergency call 911, and for a mental-health or substance-use crisis call or text 988."
)



class _Summary:
    def __init__(self, review: Review, prompts: Prompts, initials: bool, suggestions: bool = True) -> None:
        self.review = review
        self.prompts = prompts
        self.names = Names(review, initials)
        self.initials = initials
        self.suggestions = suggestions
        self.out: list[str] = []

    # -- building blocks -----------------------------------------------------------------

    def heading(self, level: int, text: str) -> None:
        self.out.append(f"{'#' * level} {text}\n\n")

    def para(self, markdown: str) -> None:
        self.out.append(f"{markdown}\n\n")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str = NOT_ANSWERED) -> None:
        lines = [f"| {' | '.join(cell(h) for h in headers)} |", f"|{'---|' * len(headers)}"]
        lines.extend(f"| {' | '.join(cell(c) or ' ' for c in row)} |" for row in rows)
        self.para("\n".join(lines) if len(lines) > 2 else escape_inline(empty))

    def bullets(self, items: Iterable[str], empty: str) -> None:
        lines = [f"- {escape_inline(item)}" for item in items if item.strip()]
        self.para("\n".join(lines) if lines else escape_inline(empty))

    def writers(self, by_member: dict[str, Any]) -> list[str]:
        """Member ids in the order the writers were added; unknown ids last."""
        known = [m.id for m in self.review.members if m.id in by_member]
        return known + sorted(k for k in by_member if k not in known)

    def value(self, question: Question | str | None, value: AnswerValue) -> str:
        """An answer as words: choice ids as their labels, names swapped when using initials."""
        if not isinstance(question, Question):
            question = None
        if isinstance(value, list):
            return ", ".join(question.choice_label(v) if question else self.names.text(v) for v in value)
        if question is not None and question.choices:
            return self.names.text(question.choice_label(value))
        return self.names.text(value)

    def attributed(self, step: str, question: Question | str, text: str | None = None) -> None:
        """A question in bold, then every writer's answer as its own paragraph, named."""
        q = question if isinstance(question, Question) else None
        qid = q.id if q else str(question)
        self.para(f"**{escape_inline(text or (q.text if q else qid))}**")
        found = self.review.answers_to(step, qid)
        if not found:
            self.para(NOT_ANSWERED)
        for mid in self.writers(found):
            body = escape_block(self.value(q, found[mid]))
            self.para(f"*{escape_inline(self.names.member(mid))}:* {body}" if body else NOT_ANSWERED)

    # -- sections ------------------------------------------------------------------------

    def render(self) -> str:
        if self.initials:  # the title is usually the loved one's name, which no list of names can catch
            self.heading(1, escape_inline(ANONYMOUS_TITLE))
        else:
            self.heading(1, f"Review: {escape_inline(self.review.title) or 'Untitled'}")
        self.para(NOTE)
        date = self.review.intervention_date
        writers = ", ".join(self.names.member(m.id) for m in self.review.members) or "nobody yet"
        self.bullets([f"Intervention date: {date or NOT_ANSWERED}", f"Written by: {writers}"], "")
        for section in (self.safety, self.loved_one, self.attempt, self.timeline, self.people, self.causes, self.differ,
                        self.plan, self.ready, self.questions, self.resources):
            section()
        return "".join(self.out).rstrip("\n") + "\n"

    def safety(self) -> None:
        self.heading(2, "Safety flags")
        step = self.prompts.step("what-happened")
        question = step.question("safety_events") if step else None
        reported = self.review.answers_to("what-happened", "safety_events")
        rows: list[list[str]] = []
        for label, events in SAFETY_GROUPS:
            who = [mid for mid in self.writers(reported) if set(events) & set(_as_list(reported[mid]))]
            said = {e for mid in who for e in _as_list(reported[mid])}
            found = [e for e in events if e in said]
            detail = "; ".join(question.choice_label(e) if question else e for e in found)
            names = ", ".join(self.names.member(mid) for mid in who)
            rows.append([label, f"Yes: {detail} (reported by {names})" if who else "Not reported by anyone"])
        none = [self.names.member(mid) for mid in self.writers(reported) if "none" in _as_list(reported[mid])]
        rows.append(["None of these", ", ".join(none) or "Nobody said so"])
        self.table(["Flag", "What the family reported"], rows)
        flagged = {e for v in reported.values() for e in _as_list(v)}
        if flagged & {"overdose", "detox", "treatment-ended", "jail", "arrest"}:
            self.para("Overdose risk is highest after detox, after treatment ends and after release from jail, because tolerance drops.")
        if flagged & {"threats-violence", "suicide-concern"}:
            self.para("Violence or suicide concerns were reported: please plan for safety first. "
                      "In an emergency call 911; in a crisis call or text 988.")
        self.attributed("what-happened", question_of(step, "safety_detail"), "Details")

    def attempt(self) -> None:
        self.heading(2, "The attempt")
        self.form("what-happened", lambda q: not q.id.startswith("safety_"))

    def loved_one(self) -> None:
        self.heading(2, "About the loved one")
        self.form(LOVED_ONE, lambda q: True)

    def form(self, step_id: str, wanted: Callable[[Question], bool]) -> None:
        """A form step: short answers in one table (each writer's own row), then each longer answer."""
        step = self.prompts.step(step_id)
        questions = [q for q in (step.questions if step else ()) if wanted(q)]
        rows: list[list[str]] = []
        for q in (q for q in questions if q.kind != "text"):
            found = self.review.answers_to(step_id, q.id)
            for mid in self.writers(found):
                value = self.value(q, found[mid])
                if self.initials and step_id == LOVED_ONE and q.id == "name":
                    value = initials_of(value)  # the loved one's name is the one name the family most wants kept private
                rows.append([q.text, value, self.names.member(mid)])
            if not found:
                rows.append([q.text, NOT_ANSWERED, ""])
        self.table(["Question", "Answer", "Written by"], rows, "No questions")
        for q in (q for q in questions if q.kind == "text"):
            self.attributed(step_id, q)

    def timeline(self) -> None:
        self.heading(2, "Timeline")
        step = self.prompts.step("timeline")
        phase, cause = question_of(step, "phase"), question_of(step, "cause")
        rows = (
            [self.value(phase, e.phase), self.names.text(e.what), self.names.text(e.who),
             self.value(cause, e.cause) if e.cause else "", self.names.member(e.author)]
            for e in self.review.sorted_timeline()
        )
        self.table(["Phase", "What happened", "Who", "Cause", "Written by"], rows, "No timeline entries yet.")

    def people(self) -> None:
        self.heading(2, "People")
        step = self.prompts.step("people")
        names, present, role = self.names, question_of(step, "present"), question_of(step, "role")
        self.table(
            ["Name", "Relationship", "There?", "Role"],
            ([names.person(p.name, p.relationship, p.role), names.text(p.relationship), self.value(present, p.present),
              self.value(role, p.role)] for p in self.review.people),
            "No people listed yet.",
        )
        fields = [question_of(step, f) for f in ("helped", "next_time", "why", "concerns")]
        rows = []
        for p in self.review.people:
            for mid in self.writers(p.views):
                v = p.views[mid]
                values: list[AnswerValue] = [v.helped, v.next_time, v.why, list(v.concerns)]
                rows.append([names.person(p.name, p.relationship, p.role), names.member(mid),
                             *(self.value(q, x) for q, x in zip(fields, values, strict=True))])
        self.para("**How each writer saw them**")
        self.table(["Person", "Written by", "Helped?", "Next time", "Why", "Concerns"], rows, "No views written yet.")

    def cause_steps(self) -> list[Step]:
        return [s for s in self.prompts.steps if s.cause]

    def causes(self) -> None:
        self.heading(2, "The four contributing factors")
        rated = ratings(self.review, self.prompts)
        for step in self.cause_steps():
            self.heading(3, escape_inline(step.title))
            scale, by_member = step.question("rating"), rated.get(step.cause, {})
            rows = [[self.names.member(mid), self.value(scale, by_member[mid])] for mid in self.writers(by_member)]
            self.table(["Writer", "How much it contributed"], rows)
            for q in step.questions:
                if q.id != "rating":
                    self.attributed(step.id, q)

    def differ(self) -> None:
        self.heading(2, "Where we differ")
        rated, lines = ratings(self.review, self.prompts), []
        for step in self.cause_steps():
            by_member = rated.get(step.cause, {})
            if len(set(by_member.values())) > 1:
                scale = step.question("rating")
                said = "; ".join(f"{self.names.member(m)}: {self.value(scale, by_member[m])}" for m in self.writers(by_member))
                lines.append(f"{step.title}: {said}")
        what = self.prompts.step("what-happened")
        for q in what.questions if what else ():
            found = self.review.answers_to("what-happened", q.id)
            if q.kind in ("choice", "multi", "date") and len({repr(v) for v in found.values()}) > 1:
                said = "; ".join(f"{self.names.member(m)}: {self.value(q, found[m])}" for m in self.writers(found))
                lines.append(f"{q.text} {said}")
        self.bullets(lines, "No differences in the ratings or the short answers (or too few people have answered to compare).")

    def plan(self) -> None:
        self.heading(2, "The revised plan")
        items = [i for i in plan_items(self.review, self.prompts) if i.status != "dropped"]
        undecided = [i for i in items if i.status == "proposed" and i.section not in ("safety", "questions")]
        if undecided and not self.suggestions:
            many = len(undecided) != 1
            noun, left = ("suggestions from the workbook have", "they are") if many else ("suggestion from the workbook has", "it is")
            self.para(f"{len(undecided)} {noun} not been discussed by the family yet, and {left} left out of this copy.")
        step = self.prompts.step("plan")
        questions = list(step.questions) if step else []
        ids = [sid for sid, _ in SECTIONS]
        placed = {q.id: _section_for(q.id, ids) for q in questions}
        plan = self.review.plan if isinstance(self.review.plan, dict) else {}
        for sid, title in SECTIONS:
            if sid == "questions":
                continue
            self.heading(3, escape_inline(title))
            size = len(self.out)
            lines = []
            # Safety proposals are shown even before the family decides on them: they matter whatever happens next.
            for item in (i for i in items if i.section == sid and (i.status != "proposed" or sid == "safety")):
                text = escape_inline(self.names.text(item.text))
                because = "" if item.private else escape_inline(self.names.text(item.because))
                if text:
                    tag = STATUS_TAGS.get(item.status, "")
                    lines.append(f"- {text}{tag}" + (f"\\\n  *Because: {because}*" if because else ""))
            if lines:
                self.para("\n".join(lines))
            for q in questions:
                if placed[q.id] == sid:
                    self.attributed("plan", q)
            self.plan_extra(sid, plan)
            if len(self.out) == size:
                self.para(NOTHING_YET)
        if undecided and self.suggestions:
            self.undecided(undecided)
        self.heading(3, "Who does what, by when")
        self.table(["What", "Who", "By when", "Done?"],
                   ([self.names.text(str(t.get("what", ""))), self.names.member_or_text(t.get("owner")), str(t.get("due", "")),
                     "Yes" if t.get("done") else "Not yet"] for t in _records(plan, "tasks")), "No tasks yet.")
        leftover = [q for q in questions if placed[q.id] is None]
        if leftover:
            self.heading(3, "Other plan notes")
            for q in leftover:
                self.attributed("plan", q)

    def undecided(self, items: list[PlanItem]) -> None:
        """Suggestions the family has not discussed yet: shown apart and marked, never silently dropped."""
        self.heading(3, "Suggested by the workbook, not yet discussed")
        self.para("The family has not yet accepted, changed or set aside these suggestions. They come from what the "
                  "family wrote; each says why.")
        titles = dict(SECTIONS)
        lines = []
        for item in items:
            because = "" if item.private else escape_inline(self.names.text(item.because))
            where = escape_inline(titles.get(item.section, item.section))
            lines.append(f"- *{where}:* {escape_inline(self.names.text(item.text))}" + (f"\\\n  *Because: {because}*" if because else ""))
        self.para("\n".join(lines))

    def plan_extra(self, section: str, plan: dict[str, Any]) -> None:
        """The structured parts of the plan that belong under one section."""
        names = self.names
        if section == "options":
            rows = ([names.text(str(o.get("name", ""))), _humane(o.get("kind")), names.member_or_text(o.get("who")),
                     str(o.get("contact", "")), _humane(o.get("intake")), names.text(str(o.get("notes", "")))]
                    for o in _records(plan, "options"))
            self.table(["Option", "Kind", "Researched by", "Contact", "Intake ready?", "Notes"], rows, "No options listed yet.")
        elif section == "consequences":
            rows = ([names.member_or_text(c.get("member")), names.text(str(c.get("consequence", ""))), _humane(c.get("can_hold")),
                     names.text(str(c.get("last_time", "")))] for c in _records(plan, "commitments"))
            self.table(["Who", "What they will do", "Can they hold it?", "Last time"], rows, "No commitments written yet.")
        elif section == "derailments":
            tactics = question_of(self.prompts.step("cause-narrative"), "derailments")
            rows = ([self.value(tactics, names.text(str(a.get("tactic", "")))), names.text(str(a.get("response", ""))),
                     names.member_or_text(a.get("who"))]
                    for a in _records(plan, "answers_prepared"))
            self.table(["If this happens", "Prepared answer", "Who answers"], rows, "No prepared answers yet.")
        elif section == "letters":
            raw = plan.get("letters")
            raw = raw if isinstance(raw, dict) else {}
            letters = {k: v for k, v in raw.items() if isinstance(v, dict) and not is_blank(str(v.get("text", "")))}
            writers = ", ".join(names.member(mid) for mid in self.writers(letters)) or "nobody yet"
            self.para(escape_inline(f"Letters written: {len(letters)} ({writers})."))
            if self.initials and letters:
                self.para("The letters themselves are left out of this copy, because it uses initials instead of names.")
            for mid in [] if self.initials else self.writers(letters):
                self.para(f"*Letter from {escape_inline(names.member(mid))}:*")
                self.para(escape_block(str(letters[mid]["text"])))

    def ready(self) -> None:
        self.heading(2, "Ready check")
        missing = [self.names.text(s) for s in ready_check(self.review, self.prompts)]
        self.bullets(missing, "Nothing is missing that the workbook can check.")

    def questions(self) -> None:
        self.heading(2, "Questions for the professional")
        asked = [i for i in plan_items(self.review, self.prompts) if i.section == "questions" and i.status != "dropped"]
        self.para("**From the family**")
        self.bullets([self.names.text(i.text) for i in asked if i.status != "proposed"], "No questions written yet.")
        step = self.prompts.step("plan")
        ids = [sid for sid, _ in SECTIONS]
        for q in step.questions if step else ():
            if _section_for(q.id, ids) == "questions":
                self.attributed("plan", q)
        # The workbook's own questions the family has not taken up or set aside: shown once, here.
        suggested = [self.names.text(i.text).removeprefix("Ask: ") for i in asked if i.status == "proposed"]
        if suggested:
            self.para("**Questions many families ask** (suggested by the workbook)")
            self.bullets(suggested, "")

    def resources(self) -> None:
        self.heading(2, "Resources")
        self.para("These are US services. The last column says where each number was checked, or that it is not yet "
                  "verified; check a number before relying on it.")
        self.table(["Name", "Contact", "What it is", "Checked"],
                   ([r.name, r.contact, r.what, r.verified] for r in self.prompts.resources), "No resources listed.")


def question_of(step: Step | None, question_id: str) -> Question | str:
    """The question, or its id when the prompts do not have it (so the export still works)."""
    found = step.question(question_id) if step else None
    return found or question_id


def _as_list(value: AnswerValue) -> list[str]:
    return value if isinstance(value, list) else [value]


def _records(plan: dict[str, Any], key: str) -> list[dict[str, Any]]:
    found = plan.get(key)
    return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []


def _humane(value: object) -> str:
    """A choice id as words: "not-sure" -> "Not sure"."""
    text = str(value or "").replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


_PLAN_ALIASES = {"next_leader": "leader", "next_approach": "approach", "next_place": "place", "next_time": "place",
                 "after_yes": "after", "after_no": "after", "family_support": "aftercare", "safety_plan": "safety",
                 "questions_for_pro": "questions"}
"""Which plan section each free-text question of the plan step belongs under (others: by id prefix)."""


def _section_for(question_id: str, sections: list[str]) -> str | None:
    """Which plan section a free-text plan question belongs under."""
    if question_id in sections:
        return question_id
    if question_id in _PLAN_ALIASES:
        return _PLAN_ALIASES[question_id]
    return next((s for s in sections if question_id.startswith(s) or s.startswith(question_id)), None)


def render_markdown(review: Review, prompts: Prompts, *, initials: bool = False, suggestions: bool = True) -> str:
    """The whole summary for the professional, as Markdown (see the module docstring).

    With `suggestions` (the default), the workbook's suggestions the family has not discussed yet are
    shown in their own marked part of the plan; without, the plan says how many were left out.
    """
    return _Summary(review, prompts, initials, suggestions).render()


