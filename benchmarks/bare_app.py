"""The yardstick for the terminal benchmarks: a bare Textual app with a Header, a Footer, a list and a TextArea.

It uses no workbook code and reads no files. It shows `READY_TEXT` in its list at first paint, starts with
the cursor in an empty TextArea (for the typing benchmark), and quits on Ctrl+Q like the workbook.

Usage: python benchmarks/bare_app.py
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Label, ListItem, ListView, TextArea

READY_TEXT = "Bare benchmark app: item 1"
"""Text the harness waits for to know the first frame is on screen."""


class BareApp(App[None]):
    """Header, list, TextArea, Footer; nothing else."""

    TITLE = "Bare benchmark app"
    CSS = """
    ListView { height: 12; }
    TextArea { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield ListView(*(ListItem(Label(f"Bare benchmark app: item {i}")) for i in range(1, 11)))
        yield TextArea(soft_wrap=True, id="text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#text", TextArea).focus()


if __name__ == "__main__":
    BareApp().run()
