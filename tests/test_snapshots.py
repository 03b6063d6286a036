"""Snapshots of the main screens at 80x24, so layout changes are seen, not guessed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from workbook.model import Review

from .appkit import make_app

FIXED = "2026-11-20T18:30:00+00:00"


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor races the screenshot; keep it still."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def seeded_app(data_dir: Path) -> Any:
    app = make_app(data_dir)
    review = app.store.create("Looking back at March")
    maria = review.add_member("Maria", "mother")
    review.add_member("Tom", "brother")
    review.set_answer("what-happened", "date", maria.id, "2026-03-14")
    review.set_answer("what-happened", "place", maria.id, "loved-ones-home")
    review.updated = FIXED
    review.last_writer = maria.id
    app.store.release(review)
    second: Review = app.store.create("First try, last year")
    second.updated = "2026-01-05T09:00:00+00:00"
    app.store.release(second)
    return app


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


def test_home_screen(snap_compare: Any, data_dir: Path) -> None:
    app = seeded_app(data_dir)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
    app.store.close()


def test_review_first_step(snap_compare: Any, data_dir: Path) -> None:
    app = seeded_app(data_dir)

    async def open_review(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")  # open "Looking back at March"
        await settle(pilot)
        await pilot.press("enter")  # Maria is highlighted
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_review)
    app.store.close()


def test_safety_page(snap_compare: Any, data_dir: Path) -> None:
    app = seeded_app(data_dir)
    assert snap_compare(app, press=["f1"], terminal_size=(80, 24), run_before=settle)
    app.store.close()


def test_writer_picker(snap_compare: Any, data_dir: Path) -> None:
    app = seeded_app(data_dir)

    async def open_review(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_review)
    app.store.close()


def test_timeline_step(snap_compare: Any, data_dir: Path) -> None:
    app = seeded_app(data_dir)

    async def open_timeline(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter", "enter")  # open the review as Maria
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_timeline)
    app.store.close()
