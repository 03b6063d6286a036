"""Dialogs for tidying up the list of writers: rename one, or choose whom to merge one into.

Names are the family's own text, so they are always shown as plain `Text`, never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...limits import NAME_MAX
from ...model import Member, Review
from ..widgets.limited import NAME_NOTICE, RELATIONSHIP_NOTICE, LimitedInput
from .base import WorkbookModal


class RenameWriter(WorkbookModal[bool]):
    """Change one writer's name and relationship; returns True when something changed."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without changing anything")]

    def __init__(self, review: Review, member: Member) -> None:
        super().__init__(classes="dialog-screen", id="rename-writer")
        self.review = review
        self.member = member

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(f"Rename {self.member.label}"), classes="dialog-title")
            yield Static("Everything they wrote stays with them under the new name.", classes="q-help")
            with Horizontal(classes="writer-new"):
                yield LimitedInput(self.member.name, placeholder="First name", id="name", max_length=NAME_MAX, notice=NAME_NOTICE)
                yield LimitedInput(self.member.relationship, placeholder="Relationship, e.g. mother", id="relationship",
                                   max_length=NAME_MAX, notice=RELATIONSHIP_NOTICE)
            yield Static("", id="problem", classes="problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Rename (Enter)", variant="primary", id="ok")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def _name_done(self) -> None:
        self.query_one("#relationship", Input).focus()

    @on(Input.Submitted, "#relationship")
    @on(Button.Pressed, "#ok")
    def _save(self) -> None:
        before = (self.member.name, self.member.relationship)
        try:
            self.review.rename_member(self.member.id, self.query_one("#name", Input).value, self.query_one("#relationship", Input).value)
        except ValueError as problem:
            self.query_one("#problem", Static).update(str(problem))
            self.query_one("#name", Input).focus()
            return
        self.dismiss((self.member.name, self.member.relationship) != before)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class ChooseWriter(WorkbookModal[str | None]):
    """Ask which writer to keep someone's writing under; returns that writer's member id."""

    DEFAULT_CSS = """
    ChooseWriter #targets {
        height: auto;
        max-height: 8;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without changing anything")]

    def __init__(self, review: Review, source: Member) -> None:
        super().__init__(classes="dialog-screen", id="choose-writer")
        self.review = review
        self.source = source

    def compose(self) -> ComposeResult:
        others = [m for m in self.review.members if m.id != self.source.id]
        with Vertical(classes="dialog"):
            yield Label(Text(f"Merge {self.source.label} into which writer?"), classes="dialog-title")
            yield Static(
                Text(
                    f"Use this when two writers are the same person. Everything {self.source.label} wrote will be"
                    " kept under the writer you choose, and nothing they wrote is lost."
                ),
                classes="q-help",
            )
            yield OptionList(*(Option(Text(m.label), id=m.id) for m in others), id="targets")
            yield Static("Enter chooses; Esc goes back without changing anything.", classes="q-help")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#targets", OptionList).focus()

    @on(OptionList.OptionSelected, "#targets")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
