"""Helpers for driving the real app in Pilot tests."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from workbook.progress import review_progress
from workbook.prompts import load_prompts
from workbook.store import ReviewStore
from workbook.ui.app import WorkbookApp
from workbook.ui.screens.review import ReviewScreen
from workbook.ui.widgets.question import QuestionField

PROMPTS = load_prompts()


def make_app(data_dir: Path, *, welcome_seen: bool = True) -> WorkbookApp:
    """The real app on a data folder; call `app.store.close()` after the run, as main() does."""
    store = ReviewStore(data_dir, progress=lambda review: review_progress(review, PROMPTS))
    if welcome_seen:
        store.set_setting("welcome_seen", True)
    return WorkbookApp(store, PROMPTS)


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    """Put text into an Input the way a user would end up with it."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = text
    await pilot.pause()


async def new_review(pilot: Pilot[None], title: str, writer: str, relationship: str) -> ReviewScreen:
    """From the list of reviews: start one and add the first writer."""
    await pilot.press("n")
    await pilot.pause()
    await type_into(pilot, "#answer", title)
    await pilot.press("enter")
    await pilot.pause()
    await add_writer(pilot, writer, relationship)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def add_writer(pilot: Pilot[None], name: str, relationship: str) -> None:
    await type_into(pilot, "#name", name)
    await type_into(pilot, "#relationship", relationship)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()


def field(pilot: Pilot[None], question_id: str) -> QuestionField:
    return pilot.app.screen.query_one(f"#q-{question_id}", QuestionField)
