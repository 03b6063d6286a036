"""Ask who is writing, so every answer is attributed to the right family member.

The same dialog tidies up the list of writers: a writer can be renamed, or merged into another
writer when one person was added twice (say "Lindamother" and "Linda (mother)"), keeping every word.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...limits import NAME_MAX
from ...model import Review
from ...prompts import Prompts
from ..messages import Edited
from ..widgets.limited import NAME_NOTICE, RELATIONSHIP_NOTICE, LimitedInput
from .base import WorkbookModal
from .dialogs import Confirm
from .writer_edit import ChooseWriter, RenameWriter


class MemberList(OptionList):
    """The writers to choose from, with keys to rename or merge the highlighted one.

    The keys are letters, so they live here rather than on the screen: they act only while the
    list has the focus, never while a name is being typed.
    """

    BINDINGS = [
        Binding("r", "rename", "Rename", tooltip="Change this writer's name or relationship", id="rename-writer"),
        Binding("m", "merge", "Merge into…", tooltip="Keep everything this writer wrote under another writer", id="merge-writer"),
    ]

    class RenameAsked(Message):
        """The family asked to rename this writer."""

        def __init__(self, member_id: str) -> None:
            super().__init__()
            self.member_id = member_id

    class MergeAsked(Message):
        """The family asked to merge this writer into another one."""

        def __init__(self, member_id: str) -> None:
            super().__init__()
            self.member_id = member_id

    def _highlighted_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rename":
            return self._highlighted_id() is not None
        if action == "merge":
            return self._highlighted_id() is not None and self.option_count > 1
        return super().check_action(action, parameters)

    def on_option_list_option_highlighted(self) -> None:
        self.refresh_bindings()

    def action_rename(self) -> None:
        member_id = self._highlighted_id()
        if member_id is not None:
            self.post_message(self.RenameAsked(member_id))

    def action_merge(self) -> None:
        member_id = self._highlighted_id()
        if member_id is not None and self.option_count > 1:
            self.post_message(self.MergeAsked(member_id))


class WriterPicker(WorkbookModal[str | None]):
    """Pick an existing writer or add a new one; returns the member id.

    After a rename or merge, `changed_members` is True and the screen that opened the picker has
    been sent `Edited`, so the review is saved as after any other edit. Closing with Esc then
    returns the writer who was writing (or, if they were merged away, the writer now holding their
    words) rather than None, so the review shows the new names and never writes as someone removed.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without choosing")]

    def __init__(self, review: Review, *, current: str | None = None) -> None:
        """`current` is the member writing now ("" for nobody yet); when not given, the review's last writer is assumed."""
        super().__init__(classes="dialog-screen")
        self.review = review
        self.changed_members = False
        """True once a writer was renamed or merged here: the review needs saving."""
        self._current = review.last_writer if current is None else current
        self._opener: Screen[object] | None = None

    def compose(self) -> ComposeResult:
        members = self.review.members
        with Vertical(classes="dialog"):
            yield Label("Who is writing?", classes="dialog-title")
            yield Static(
                "Everything you write is kept under your name, and nobody else's answers are changed."
                " Each person can answer every question in their own words.",
                classes="q-help",
            )
            if members:
                yield Label("Choose your name (Enter):")
                yield MemberList(*self._options(), id="members", markup=False)
                yield Label("Or add someone new:")
            else:
                yield Label("Add yourself to begin:")
            with Horizontal(classes="writer-new"):
                yield LimitedInput(placeholder="First name", id="name", max_length=NAME_MAX, notice=NAME_NOTICE)
                yield LimitedInput(placeholder="Relationship, e.g. mother", id="relationship", max_length=NAME_MAX,
                                   notice=RELATIONSHIP_NOTICE)
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add and write", variant="primary", id="add")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    def _options(self) -> list[Option]:
        return [Option(Text(m.label), id=m.id) for m in self.review.members]  # names are never markup

    def on_mount(self) -> None:
        stack = self.app.screen_stack
        if self in stack and stack.index(self) > 0:
            self._opener = stack[stack.index(self) - 1]
        if self.review.members:
            options = self.query_one("#members", MemberList)
            ids = [m.id for m in self.review.members]
            if self.review.last_writer in ids:
                options.highlighted = ids.index(self.review.last_writer)
            else:
                options.highlighted = 0
            options.focus()
        else:
            self.query_one("#name", Input).focus()

    @on(OptionList.OptionSelected, "#members")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#name")
    def _name_done(self) -> None:
        self.query_one("#relationship", Input).focus()

    @on(Input.Submitted, "#relationship")
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        relationship = self.query_one("#relationship", Input).value.strip()
        if not name:
            self.query_one("#problem", Static).update("Please type a name (a first name or initial is enough).")
            self.query_one("#name", Input).focus()
            return
        same = self.review.member_named(name, relationship)
        if same is not None:
            self.dismiss(same.id)
            return
        self.dismiss(self.review.add_member(name, relationship).id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        # After a rename or merge, the review screen must redraw names (and never keep a merged-away writer).
        if self.changed_members and self.review.member(self._current) is not None:
            self.dismiss(self._current)
        else:
            self.dismiss(None)

    # -- renaming and merging ------------------------------------------------------------------

    def _members_changed(self, highlight: str) -> None:
        self.changed_members = True
        if self._opener is not None:
            self._opener.post_message(Edited(""))  # the review screen saves on Edited, as for any other change
        options = self.query_one("#members", MemberList)
        options.clear_options()
        options.add_options(self._options())
        ids = [m.id for m in self.review.members]
        options.highlighted = ids.index(highlight) if highlight in ids else 0
        options.focus()
        options.refresh_bindings()

    @on(MemberList.RenameAsked)
    @work(exclusive=True, group="edit-writers")
    async def _rename(self, event: MemberList.RenameAsked) -> None:
        member = self.review.member(event.member_id)
        if member is None:
            return
        if await self.app.push_screen_wait(RenameWriter(self.review, member)):
            self._members_changed(member.id)
            self.notify(f"Renamed: now {member.label}.", timeout=4, markup=False)

    @on(MemberList.MergeAsked)
    @work(exclusive=True, group="edit-writers")
    async def _merge(self, event: MemberList.MergeAsked) -> None:
        source = self.review.member(event.member_id)
        if source is None:
            return
        target_id = await self.app.push_screen_wait(ChooseWriter(self.review, source))
        target = self.review.member(target_id) if target_id is not None else None
        if target is None:
            return
        sure = await self.app.push_screen_wait(
            Confirm(
                "Merge two writers?",
                f"Everything {source.label} wrote will be kept under {target.label}, and {source.label} will no longer"
                " be listed as a writer. Where both wrote about the same question, both texts are kept, one after the"
                " other; where both chose an answer, the more recent choice is kept.\n\nThis cannot be undone.",
                "Merge",
            )
        )
        if not sure:
            return
        prompts = getattr(self.app, "prompts", None)
        try:
            self.review.merge_members(source.id, target.id, prompts if isinstance(prompts, Prompts) else None)
        except ValueError as problem:
            self.notify(str(problem), severity="warning", markup=False)
            return
        if self._current == source.id:
            self._current = target.id
        self._members_changed(target.id)
        self.notify(f"Everything {source.label} wrote is now kept under {target.label}.", timeout=6, markup=False)
