"""The revised plan: proposals derived from the review, details, and a ready check.

Each tab is one part of the plan. Proposals come from `workbook.plan`, which reads what the
family wrote; here the family accepts, edits or drops each one. Records such as treatment
options use `RecordList`, whose fields come from prompts/plan/.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import ListItem, ListView, Static, TabbedContent, TabPane

from ... import plan as planning
from ...model import Review
from ...prompts import Step
from ..messages import Edited
from .differ import DifferChart
from .form_step import StepHeader
from .question import QuestionField
from .record_list import RecordList

STATUS_MARK = {"proposed": "[ ]", "accepted": "[✓]", "edited": "[✎]", "dropped": "[✗]", "added": "[+]"}
STATUS_WORD = {"proposed": "not decided yet", "accepted": "accepted", "edited": "edited", "dropped": "dropped", "added": "added by you"}


class ProposalItem(ListItem):
    """One plan item with where it came from."""

    def __init__(self, item: planning.PlanItem, heading: str) -> None:
        self.item = item
        mark = STATUS_MARK.get(item.status, "[ ]")
        text = (
            f"{mark} {heading}: {item.text}\n      because: {item.because or 'you added it'}  ({STATUS_WORD.get(item.status, item.status)})"
        )
        super().__init__(Static(text, markup=False, classes="proposal"))


class ProposalList(ListView):
    """The derived proposals; keys act on the highlighted one."""

    BINDINGS = [
        Binding("a", "decide('accepted')", "Accept", tooltip="Keep this proposal in the plan", id="accept-proposal"),
        Binding("e", "edit", "Edit", tooltip="Change this proposal's wording", id="edit-proposal"),
        Binding("x", "decide('dropped')", "Drop", tooltip="Leave this proposal out (you can bring it back)", id="drop-proposal"),
        Binding(
            "u", "decide('proposed')", "Undecide", tooltip="Bring a dropped or accepted proposal back to undecided", id="undecide-proposal"
        ),
    ]

    def _plan(self) -> PlanStep | None:
        return next((a for a in self.ancestors if isinstance(a, PlanStep)), None)

    def action_decide(self, status: str) -> None:
        plan = self._plan()
        if plan is not None:
            plan.decide(status)

    def action_edit(self) -> None:
        plan = self._plan()
        if plan is not None:
            plan.edit_highlighted()


class PlanStep(VerticalScroll):
    """Everything in the revised plan, tab by tab."""

    def __init__(self, review: Review, step: Step, writer: str) -> None:
        super().__init__(classes="step-view plan-step")
        self.review = review
        self.step = step
        self.writer = writer

    @property
    def prompts(self) -> Any:
        return self.app.prompts  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield StepHeader(self.step)
        plan = self.review.plan
        records = self.prompts.records
        with TabbedContent(id="plan-tabs"):
            with TabPane("Proposals", id="tab-proposals"):
                yield Static(
                    "Each proposal comes from something your family wrote. Highlight one, then press A to accept, "
                    "E to edit its wording, X to drop it, U to undecide.",
                    classes="q-help",
                )
                yield ProposalList(id="proposals")
            with TabPane("Details", id="tab-details"):
                for question in self.step.questions:
                    others = self.review.answers_by_others(self.step.id, question.id, self.writer)
                    yield QuestionField(question, self.review.answer(self.step.id, question.id, self.writer), others)
            for kind, noun, title in (
                ("options", "option", "Options"),
                ("commitments", "commitment", "Consequences"),
                ("answers_prepared", "prepared answer", "Prepared answers"),
                ("tasks", "task", "Tasks"),
            ):
                if kind in records:
                    with TabPane(title, id=f"tab-{kind}"):
                        yield RecordList(plan.setdefault(kind, []), records[kind], noun=noun, id=f"records-{kind}")
            with TabPane("My letter", id="tab-letter"):
                letter = self.prompts.records.get("letter")
                if letter is not None and letter.questions:
                    mine = plan.get("letters", {}).get(self.writer, {}).get("text", "")
                    yield QuestionField(letter.questions[0], mine or None, id="letter")
            with TabPane("Where we differ", id="tab-differ"):
                yield DifferChart(self.review, self.prompts)
            with TabPane("Ready check", id="tab-ready"):
                yield Static("", id="ready", markup=False)

    def on_mount(self) -> None:
        self.refresh_proposals()
        self.refresh_ready()

    def focus_first(self) -> None:
        found = self.query("#proposals")
        if found:
            found.first().focus()
        else:
            self.call_after_refresh(self.focus_first)  # the tabs are not composed yet (the key gate waits for this)

    def _headings(self) -> dict[str, str]:
        return dict(planning.SECTIONS)

    def refresh_proposals(self, keep: int | None = None) -> None:
        proposals = self.query_one("#proposals", ProposalList)
        headings = self._headings()
        proposals.clear()
        items = planning.plan_items(self.review, self.prompts)
        proposals.extend(ProposalItem(item, headings.get(item.section, item.section)) for item in items)
        if keep is not None and items:
            proposals.index = min(keep, len(items) - 1)

    def refresh_ready(self) -> None:
        missing = planning.ready_check(self.review, self.prompts)
        text = (
            "Still to do before meeting the professional:\n\n" + "\n".join(f"• {line}" for line in missing)
            if missing
            else "Nothing obvious is missing. Bring the exported summary to the professional and go through it together."
        )
        self.query_one("#ready", Static).update(text)

    def _changed(self) -> None:
        self.review.touch()
        self.post_message(Edited(self.step.id))
        self.refresh_ready()

    def _highlighted(self) -> planning.PlanItem | None:
        proposals = self.query_one("#proposals", ProposalList)
        item = proposals.highlighted_child
        return item.item if isinstance(item, ProposalItem) else None

    def decide(self, status: str, text: str = "") -> None:
        item = self._highlighted()
        if item is None or item.status == "added":
            return
        planning.decide(self.review, item.id, status, text, by=self.writer)
        self._changed()
        self.refresh_proposals(keep=self.query_one("#proposals", ProposalList).index)

    @work
    async def edit_highlighted(self) -> None:
        from ..screens.dialogs import EditText

        item = self._highlighted()
        if item is None:
            return
        text = await self.app.push_screen_wait(EditText("Edit this part of the plan", item.original or item.text, item.text))
        if text is not None:
            self.decide("edited", text)

    @on(QuestionField.Changed)
    def _field_changed(self, event: QuestionField.Changed) -> None:
        event.stop()
        if event.field.id == "letter":
            value = event.value if isinstance(event.value, str) else ""
            planning.set_letter(self.review, self.writer, value)
        elif not self.review.set_answer(self.step.id, event.question.id, self.writer, event.value):
            return
        self._changed()

    @on(RecordList.Changed)
    def _records_changed(self, event: RecordList.Changed) -> None:
        event.stop()
        self._changed()
        self.refresh_proposals(keep=self.query_one("#proposals", ProposalList).index)
