"""Helpers for driving the real app in Pilot tests."""

from __future__ import annotations

from pathlib import Path

from textual import events
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


def burst(pilot: Pilot[None], *keys: str) -> None:
    """Send keys the way a person types: one after another, without waiting for the app to go idle.

    Each entry is a key name ("tab", "f4", "ctrl+n") or, when longer than one character and not a
    key name, text typed a character at a time ("text:Linda").
    """
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        if key.startswith("text:"):
            for char in key[5:]:
                name = _KEY_NAMES.get(char, char)
                event = events.Key(name, char)
                event.set_sender(app)
                driver.send_message(event)
        else:
            event = events.Key(key, _CHARACTERS.get(key))
            event.set_sender(app)
            driver.send_message(event)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every key sent has been handled and the screen is quiet."""
    app = pilot.app
    if not hasattr(app, "settled"):  # an app without the key gate: give it time instead
        for _ in range(20):
            await pilot.pause(0.05)
        return
    for _ in range(400):
        await pilot.pause(0.01)
        if not getattr(app, "_held_keys", None) and app.settled():  # type: ignore[attr-defined]
            await pilot.pause()
            if not app._held_keys and app.settled():  # type: ignore[attr-defined]
                return
    raise AssertionError("the app did not settle within 4 s")


_KEY_NAMES = {" ": "space", "-": "minus", "(": "left_parenthesis", ")": "right_parenthesis", ".": "full_stop", ",": "comma",
              "'": "apostrophe", "/": "slash", ":": "colon", "!": "exclamation_mark", "?": "question_mark", "\n": "enter"}
_CHARACTERS = {"tab": "\t", "enter": "\r", "space": " ", "escape": "\x1b", "backspace": "\x7f"}
