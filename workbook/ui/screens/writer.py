"""Ask who is writing, so every answer is attributed to the right family member."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...model import Review
from .base import WorkbookModal


class WriterPicker(WorkbookModal[str | None]):
    """Pick an existing writer or add a new one; returns the member id."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without choosing")]

    def __init__(self, review: Review) -> None:
        super().__init__(classes="dialog-screen")
        self.review = review

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
                yield OptionList(*(Option(Text(m.label), id=m.id) for m in members), id="members")  # names are never markup
                yield Label("Or add someone new:")
            else:
                yield Label("Add yourself to begin:")
            with Horizontal(classes="writer-new"):
                yield Input(placeholder="First name", id="name")
                yield Input(placeholder="Relationship, e.g. mother", id="relationship")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add and write", variant="primary", id="add")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        if self.review.members:
            options = self.query_one("#members", OptionList)
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
        same = [
            m for m in self.review.members if m.name.casefold() == name.casefold() and m.relationship.casefold() == relationship.casefold()
        ]
        if same:
            self.dismiss(same[0].id)
            return
        self.dismiss(self.review.add_member(name, relationship).id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
