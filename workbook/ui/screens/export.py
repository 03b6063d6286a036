"""Preview the summary for the professional, then save it where the family chooses.

The preview is paged by section and each page is drawn as one block of text (rich's Markdown
in a Static), because Textual's Markdown widget mounts a widget per paragraph and a large review
would take seconds to appear.

With "Initials, not names" the review's title (usually the loved one's name) is kept out of the
offered file name and the web page's title, as on the command line (workbook/export decides both).
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.markdown import Markdown as RichMarkdown
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, ListItem, ListView, RadioButton, RadioSet, Static

from ...export import default_file_name, page_title
from ...model import Review
from ...paths import documents_dir
from ...prompts import Prompts
from .base import WorkbookScreen
from .dialogs import Confirm

FORMATS = (("markdown", "Markdown", ".md"), ("html", "Web page", ".html"), ("json", "Bundle", ".json"))
"""(id, label, suffix). A bundle carries the whole review to another family member's computer."""


def split_sections(markdown: str) -> list[tuple[str, str]]:
    """Cut the summary into (heading, text) pages at each level-2 heading."""
    pages: list[tuple[str, str]] = []
    current_title = "Start"
    current: list[str] = []
    for line in markdown.split("\n"):
        if line.startswith("## "):
            if any(part.strip() for part in current):
                pages.append((current_title, "\n".join(current)))
            current_title, current = _unescape(line[3:].strip()), [line]
        else:
            current.append(line)
    if any(part.strip() for part in current):
        pages.append((current_title, "\n".join(current)))
    return pages


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


class ExportScreen(WorkbookScreen[None]):
    """Look the summary over, choose a format and a place, and save it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save summary", tooltip="Save the summary to the file named below", id="save-export"),
        Binding("escape", "close", "Back", tooltip="Back to the review", id="close-export"),
    ]

    def __init__(self, review: Review, prompts: Prompts) -> None:
        super().__init__()
        self.review = review
        self.prompts = prompts
        self.pages: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="sidebar"):
                yield Label("Sections", classes="sidebar-title")
                yield ListView(id="sections")
                yield Checkbox("Initials, not names", id="initials")
                yield Checkbox("Open suggestions", value=True, id="suggestions",
                               tooltip="Include the workbook's suggestions the family has not accepted, changed or set aside yet")
            with Vertical(id="step-pane"):
                with VerticalScroll(id="preview"):
                    yield Static("", id="page")
                with Vertical(id="export-options"):
                    with Horizontal(classes="export-row"):
                        yield RadioSet(*(RadioButton(label, value=i == 0) for i, (_, label, _) in enumerate(FORMATS)), id="format")
                    with Horizontal(classes="export-row"):
                        yield Input(str(self._default_path("markdown", initials=False)), id="path")
                        yield Button("Save (Ctrl+S)", variant="primary", id="save")
                    yield Static("", id="saved", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Summary: {self.review.title}"
        self.sub_title = "Preview and save"
        self.render_preview()

    def _format(self) -> str:
        index = self.query_one("#format", RadioSet).pressed_index
        return FORMATS[max(index, 0)][0]

    def _initials(self) -> bool:
        return self.query_one("#initials", Checkbox).value

    def _default_path(self, fmt: str, *, initials: bool | None = None) -> Path:
        suffix = dict((f, s) for f, _, s in FORMATS)[fmt]
        initials = self._initials() if initials is None else initials
        return documents_dir() / default_file_name(self.review, suffix, initials=initials)

    def _fit_name(self, path: Path) -> Path:
        """The path with the offered file name of the other choice (names or initials) swapped for this one's.

        A name the family typed themselves is left alone.
        """
        initials = self._initials()
        if path.name == default_file_name(self.review, path.suffix, initials=not initials):
            return path.with_name(default_file_name(self.review, path.suffix, initials=initials))
        return path

    def _markdown(self) -> str:
        from ...export import render_markdown

        suggestions = self.query_one("#suggestions", Checkbox).value
        return render_markdown(self.review, self.prompts, initials=self._initials(), suggestions=suggestions)

    def render_preview(self) -> None:
        self.pages = split_sections(self._markdown())
        sections = self.query_one("#sections", ListView)
        sections.clear()
        sections.extend(ListItem(Label(title, markup=False)) for title, _ in self.pages)
        sections.index = 0
        self._show_page(0)

    def _show_page(self, index: int) -> None:
        if 0 <= index < len(self.pages):
            self.query_one("#page", Static).update(RichMarkdown(self.pages[index][1]))
            self.query_one("#preview", VerticalScroll).scroll_home(animate=False)

    @on(ListView.Highlighted, "#sections")
    def _section(self, event: ListView.Highlighted) -> None:
        self._show_page(event.list_view.index or 0)

    @on(Checkbox.Changed, "#suggestions")
    def _suggestions_changed(self) -> None:
        self.render_preview()

    @on(Checkbox.Changed, "#initials")
    def _initials_changed(self) -> None:
        path_input = self.query_one("#path", Input)
        current = Path(path_input.value)
        fitted = self._fit_name(current)
        if fitted != current:
            path_input.value = str(fitted)
        self.render_preview()

    @on(RadioSet.Changed, "#format")
    def _format_changed(self) -> None:
        path_input = self.query_one("#path", Input)
        current = Path(path_input.value).expanduser()
        suffix = dict((f, s) for f, _, s in FORMATS)[self._format()]
        path_input.value = str(current.with_suffix(suffix))

    @on(Button.Pressed, "#save")
    @work
    async def action_save(self) -> None:
        from ...export import render_html, write_export

        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.notify("Please type where to save the summary.", severity="warning", markup=False)
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = documents_dir() / path
        if path.is_dir():
            path = path / self._default_path(self._format()).name
        if self._initials():
            path = self._fit_name(path)  # never the file name made from the title (it was offered before the box was ticked)
        if path.exists():
            sure = await self.app.push_screen_wait(Confirm("Replace the existing file?", f"{path}\nalready exists.", "Replace it"))
            if not sure:
                return
        fmt = self._format()
        if fmt == "json":
            from ...bundle import to_bundle

            text = to_bundle(self.review)
        else:
            text = self._markdown()
            if fmt == "html":
                text = render_html(text, page_title(self.review, initials=self._initials()))
        try:
            written = write_export(path, text)
        except OSError as error:
            self.notify(
                f"The summary could not be saved there: {error.strerror or error}. Try another folder.",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        note = "Only your user account can read it. Share it only with people you trust."
        if fmt == "json":
            note = f"On the other computer, run: intervention-workbook import {written.name}\n{note}"
            if self._initials():
                note += "\nA bundle always holds the whole review, with everyone's names and letters; initials are only for the summary."
        self.query_one("#saved", Static).update(f"Saved to {written}\n{note}")
        self.notify(f"Saved to {written}", timeout=10, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
