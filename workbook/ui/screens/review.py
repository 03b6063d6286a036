"""The review itself: the steps in a sidebar, the open step beside it, and quiet autosave.

Saving never happens on the keystroke path. An edit marks the review dirty and, if no save is
already pending, starts one short timer; when it fires the whole review is written once. Typing
without pause therefore saves about twice a second, and a pause of half a second saves all.
Leaving the screen, switching writer or step, and quitting all save at once as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Collapsible, Footer, Header, Label, ListItem, ListView, Static, TabbedContent

from ...model import Review
from ...progress import step_progress
from ...prompts import Prompts, Step
from ...storage import StorageError
from ...store import ReviewStore
from ..keygate import KeyGate
from ..messages import Edited
from ..widgets.editable_list import EditableList
from ..widgets.form_step import FormStep
from ..widgets.list_step import PeopleStep, TimelineStep
from .base import WorkbookScreen
from .dialogs import Confirm
from .writer import WriterPicker

SAVE_DELAY = 0.4
"""Seconds between the first unsaved edit and its save: well inside the promised second."""


def make_step_view(review: Review, step: Step, writer: str) -> Widget:
    """The widget that edits one step, chosen by the step's kind."""
    if step.kind == "timeline":
        return TimelineStep(review, step, writer)
    if step.kind == "people":
        return PeopleStep(review, step, writer)
    if step.kind == "plan":
        from ..widgets.plan_step import PlanStep  # the plan step is larger; load it when used

        return PlanStep(review, step, writer)
    return FormStep(review, step, writer)


class StepItem(ListItem):
    """One step in the sidebar, with its progress."""

    def __init__(self, step: Step, label: str) -> None:
        super().__init__(Label(label, markup=False), id=f"step-{step.id}")
        self.step = step
        self._label = label

    def set_label(self, label: str) -> None:
        # Called on every edit: touch the widget (and the layout) only when the text really changes.
        if label != self._label:
            self._label = label
            self.query_one(Label).update(label)


class ReviewScreen(WorkbookScreen[None]):
    """Work through one review, as one writer at a time."""

    # Priority: a text field binds F5-F7 itself (select line, word, all), and these must work while writing.
    BINDINGS = [
        Binding("f2", "switch_writer", "Writer", tooltip="Change who is writing", id="switch-writer", priority=True),
        Binding("f3", "focus_steps", "Steps", tooltip="Go to the list of steps", id="focus-steps", priority=True),
        Binding("ctrl+n", "next_step", "Next", tooltip="Open the next step", id="next-step", priority=True),
        Binding("ctrl+b", "previous_step", "Back", tooltip="Open the step before", id="previous-step", priority=True),
        Binding("f4", "add_item", "Add", tooltip="Add a timeline entry, a person, or a plan record", id="add-item", priority=True),
        Binding("f8", "remove_item", "Remove", tooltip="Remove the selected entry, person or record (asks first)", id="remove-item",
                priority=True),
        Binding("f7", "undo_remove", "Undo remove", tooltip="Bring back the entry, person or record just removed", id="undo-remove",
                priority=True),
        Binding("f6", "toggle_others", "Others", tooltip="Show or hide what others wrote, for every question here", id="toggle-others",
                priority=True),
        Binding("f5", "export", "Summary", tooltip="Preview the summary for the professional and save it", id="export-summary",
                priority=True),
        Binding("escape", "leave", "Reviews", tooltip="Save and go back to the list of reviews", id="leave-review"),
    ]

    def __init__(self, store: ReviewStore, prompts: Prompts, review: Review) -> None:
        super().__init__()
        self.store = store
        self.prompts = prompts
        self.review = review
        self.writer = ""
        """Nobody writes until someone is chosen in "Who is writing?" (the last writer is only suggested)."""
        self.step = prompts.step(review.last_step) or prompts.steps[0]
        self._dirty = False
        self._timer: Timer | None = None
        self._showing = asyncio.Lock()
        """One step change at a time: a writer chosen and Ctrl+N pressed at once must not mount two steps."""

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="sidebar"):
                yield Label("Steps (any order)", classes="sidebar-title")
                yield ListView(*(StepItem(s, self._step_label(s)) for s in self.prompts.steps), id="steps")
            yield Vertical(id="step-pane")
        yield Static("", id="status", markup=False)  # holds a writer's name: never markup
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.review.title
        self.sub_title = "Intervention Workbook"
        steps = self.query_one("#steps", ListView)
        steps.index = self.prompts.steps.index(self.step)
        self.ask_writer(first=True)

    def _step_label(self, step: Step) -> str:
        progress = step_progress(self.review, step, self.writer or None)
        mark = "✓" if progress.complete else ("•" if progress.started else " ")
        return f"{mark} {step.title}\n    {progress.label}"

    def _refresh_step_label(self, step: Step) -> None:
        self.query_one(f"#step-{step.id}", StepItem).set_label(self._step_label(step))

    def _show_status(self, note: str = "") -> None:
        writer = self.review.member(self.writer)
        who = f"Writing as {writer.label}" if writer else "Nobody chosen yet (F2)"
        saved = note or "All changes saved ✓"
        # One fixed-height line: repaint it without a layout pass (which touches every widget on screen).
        self.query_one("#status", Static).update(f" {who}  ·  {saved}  ·  F1 Safety", layout=False)

    async def show_step(self, step: Step, *, focus: bool = False) -> None:
        """Open a step in the pane beside the sidebar."""
        async with self._showing:
            await self._show_step(step, focus=focus)

    async def _show_step(self, step: Step, *, focus: bool) -> None:
        self.step = step
        if self.review.last_step != step.id:
            self.review.last_step = step.id
            self._dirty = True
        self.save_now()
        app = self.app
        assert isinstance(app, KeyGate)
        with app.transition():  # keys typed meanwhile wait for the new step instead of reaching the old one
            pane = self.query_one("#step-pane", Vertical)
            await pane.remove_children()
            if not self.writer:
                return
            view = make_step_view(self.review, step, self.writer)
            await pane.mount(view)
            if focus and hasattr(view, "focus_first"):
                view.focus_first()

    # -- who is writing --------------------------------------------------------------------

    @work
    async def ask_writer(self, first: bool = False) -> None:
        before = len(self.review.members)
        chosen = await self.app.push_screen_wait(WriterPicker(self.review, current=self.writer))
        if len(self.review.members) != before:
            self._mark_dirty()
        if chosen is None:
            if first and not self.writer:
                self.action_leave()
            return
        self.writer = chosen
        if self.review.last_writer != chosen:
            self.review.last_writer = chosen
            self._mark_dirty()
        self.save_now()
        self._show_status()
        for step in self.prompts.steps:
            self._refresh_step_label(step)
        await self.show_step(self.step, focus=True)
        # A full garbage collection over the ~150k objects of an open review pauses typing for 100 ms or
        # more; what exists now lives as long as the review is open, so keep it out of collections.
        self.call_after_refresh(gc.freeze)

    def action_switch_writer(self) -> None:
        self.save_now()
        self.ask_writer()

    # -- moving between steps ---------------------------------------------------------------

    @on(ListView.Selected, "#steps")
    async def _step_chosen(self, event: ListView.Selected) -> None:
        item = event.item
        if isinstance(item, StepItem):
            await self.show_step(item.step, focus=True)

    async def _move(self, offset: int) -> None:
        index = self.prompts.steps.index(self.step) + offset
        if 0 <= index < len(self.prompts.steps):
            self.query_one("#steps", ListView).index = index
            await self.show_step(self.prompts.steps[index], focus=True)

    async def action_next_step(self) -> None:
        await self._move(1)

    async def action_previous_step(self) -> None:
        await self._move(-1)

    def action_focus_steps(self) -> None:
        self.query_one("#steps", ListView).focus()

    # -- list steps --------------------------------------------------------------------------

    def _list_view(self) -> EditableList | None:
        """What F4, F8 and F7 act on: the timeline or people table, or the plan tab's records."""
        if self.step.kind in ("timeline", "people"):
            return next(iter(self.query(EditableList)), None)
        if self.step.kind == "plan":
            tabs = next(iter(self.query("#plan-tabs").results(TabbedContent)), None)
            try:
                pane = tabs.active_pane if tabs is not None else None
            except NoMatches:  # the plan is being opened or closed: its tabs are not all there
                return None
            return next(iter(pane.query(EditableList)), None) if pane is not None else None
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_item", "remove_item"):
            return self.step.kind in ("timeline", "people") or (self.step.kind == "plan" and self._list_view() is not None)
        if action == "undo_remove":
            view = self._list_view()
            return view is not None and view.can_undo_remove
        if action == "toggle_others":
            return bool(self.query("#step-pane Collapsible"))
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    def action_add_item(self) -> None:
        view = self._list_view()
        if view is not None:
            view.add_item()

    @work
    async def action_remove_item(self) -> None:
        view = self._list_view()
        if view is None or view.selected is None:
            self.notify("Select an entry in the table first.", severity="warning", markup=False)
            return
        what = view.describe_item(view.selected)
        sure = await self.app.push_screen_wait(
            Confirm(
                f"Remove this {view.item_noun}?",
                f"{what}\n\nEverything written about this {view.item_noun}, by everyone, is removed. F7 brings it back straight after.",
                f"Remove {view.item_noun}",
            )
        )
        if sure and view.is_attached and view.selected is not None:
            removed = view.remove_selected()
            self.refresh_bindings()
            self.notify(f"Removed: {removed}\nPress F7 to bring it back.", title="Removed", timeout=8, markup=False)

    def action_undo_remove(self) -> None:
        view = self._list_view()
        if view is not None and view.undo_remove():
            self.refresh_bindings()
            self.notify("Brought back.", timeout=4)

    def action_toggle_others(self) -> None:
        """Open (or close) every "What others wrote" in the open step at once."""
        found = [c for c in self.query("#step-pane Collapsible").results(Collapsible) if c.display]
        if not found:
            self.notify("Nobody else has written anything here yet.", timeout=4)
            return
        open_them = any(c.collapsed for c in found)
        for collapsible in found:
            collapsible.collapsed = not open_them

    # -- saving ------------------------------------------------------------------------------

    @on(Edited)
    def _edited(self, event: Edited) -> None:
        self._mark_dirty()
        step = self.prompts.step(event.step_id)
        if step is not None:
            self._refresh_step_label(step)

    def _mark_dirty(self) -> None:
        if not self._dirty:
            self._dirty = True
            self._show_status("Saving…")
        if self._timer is None:
            self._timer = self.set_timer(SAVE_DELAY, self.save_now)

    def save_now(self) -> bool:
        """Write the review if anything changed; True when everything is on disk."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty:
            return True
        try:
            self.store.save(self.review)
        except (StorageError, OSError) as error:
            # The words stay in memory and the next edit (or quit) tries again.
            self._show_status("NOT SAVED: see the message")
            self.notify(
                f"Your last changes could not be saved yet: {error}\nThey are still on screen; the workbook will keep trying.",
                severity="error",
                timeout=10,
                markup=False,
            )
            self._timer = self.set_timer(2.0, self.save_now)
            return False
        self._dirty = False
        self._show_status()
        return True

    def close_review(self) -> None:
        """Save everything and close the review's file (called on leave and on quit)."""
        gc.unfreeze()  # let a closed review's objects be freed
        self.save_now()
        with contextlib.suppress(StorageError, OSError):  # save_now has told the user; the file is still whole
            self.store.release(self.review)

    def action_export(self) -> None:
        from .export import ExportScreen

        self.save_now()
        self.app.push_screen(ExportScreen(self.review, self.prompts))

    def action_leave(self) -> None:
        self.close_review()
        self.dismiss(None)
