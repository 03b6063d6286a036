"""Small modal dialogs: ask for a title, confirm a removal, show a page of guidance."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ...limits import TEXT_MAX
from ..widgets.limited import ANSWER_NOTICE, LimitedInput, LimitedTextArea, limit_notice
from .base import WorkbookModal


class AskText(WorkbookModal[str | None]):
    """Ask for one line of text, such as a review's title."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without changing anything")]

    def __init__(self, title: str, prompt: str, value: str = "", placeholder: str = "", max_length: int = 0, what: str = "title") -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._prompt = prompt
        self._value = value
        self._placeholder = placeholder
        self._max_length = max_length  # typing stops there (0: no limit), so a title is never refused later
        self._what = what
        """What the line holds, for the notice when it is full ("This title has reached ...")."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._prompt, classes="q-help", markup=False)
            if self._max_length:
                notice = limit_notice(self._what, self._max_length, "Please shorten it.")
                yield LimitedInput(self._value, placeholder=self._placeholder, id="answer", max_length=self._max_length, notice=notice)
            else:
                yield Input(self._value, placeholder=self._placeholder, id="answer")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK (Enter)", variant="primary", id="ok")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    @on(Input.Submitted, "#answer")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        text = self.query_one("#answer", Input).value.strip()
        if not text:
            self.query_one("#problem", Static).update("Please type something first, or press Esc to cancel.")
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(WorkbookModal[bool]):
    """Ask before something that cannot be undone from inside the app.

    The safe button has the focus and Enter presses it, so one stray key never confirms.
    """

    BINDINGS = [Binding("escape", "cancel", "Keep it", tooltip="Close without removing anything")]

    def __init__(self, title: str, body: str, confirm_label: str) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._body = body
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._body, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("No, keep it", variant="primary", id="cancel")
                yield Button(self._confirm_label, variant="error", id="confirm")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class GuidePage(WorkbookModal[None]):
    """A page of guidance rendered from Markdown (cheaply, as one block of text)."""

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Back to where you were"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, markdown: str, *, extra: str = "", close_label: str = "Close (Esc)", page_id: str = "guide") -> None:
        super().__init__(classes="dialog-screen", id=page_id)
        self.markdown = markdown
        self._extra = extra
        self._close_label = close_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog page"):
            with VerticalScroll(classes="page-body"):
                from rich.markdown import Markdown as RichMarkdown  # only when a page is shown: not at start-up

                yield Static(RichMarkdown(self.markdown), classes="guide-text")
                if self._extra:
                    yield Static(self._extra, classes="guide-extra", markup=False)
            yield Button(self._close_label, variant="primary", id="close")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(".page-body").focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class EditText(WorkbookModal[str | None]):
    """Edit a longer piece of text, showing the original beside it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without changing anything"),
        Binding("ctrl+s", "save", "Done", tooltip="Keep this wording"),
    ]

    def __init__(self, title: str, original: str, current: str) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._original = original
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(f"Proposed: {self._original}", classes="q-help", markup=False)
            area = LimitedTextArea(self._current, soft_wrap=True, id="text", classes="q-long", max_length=TEXT_MAX, notice=ANSWER_NOTICE)
            yield area
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done (Ctrl+S)", variant="primary", id="ok")
                yield Button("Cancel (Esc)", id="cancel")
        yield Footer()

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        text = self.query_one("#text", TextArea).text.strip()
        self.dismiss(text or None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class GuideList(WorkbookModal[str | None]):
    """Choose a page of guidance to read."""

    BINDINGS = [Binding("escape", "cancel", "Close", tooltip="Back to where you were")]

    def __init__(self, guides: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self._guides = guides

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Guides", classes="dialog-title")
            yield OptionList(*(Option(title, id=guide_id) for guide_id, title in self._guides), id="guides")
            yield Static("Enter opens a guide; Esc goes back.", classes="q-help")
        yield Footer()

    @on(OptionList.OptionSelected, "#guides")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
