"""Base classes that put the safety key first in every screen's footer."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen, Screen

ResultType = TypeVar("ResultType")

SAFETY = Binding("f1", "app.safety", "Safety", tooltip="Overdose signs, naloxone and who to call", priority=True, id="safety")
"""Listed first on every screen, so it is the first thing in the footer even at 80 columns."""


class WorkbookScreen(Screen[ResultType]):
    """A full screen of the workbook."""

    BINDINGS = [SAFETY]


class WorkbookModal(ModalScreen[ResultType]):
    """A dialog of the workbook."""

    BINDINGS = [SAFETY]
