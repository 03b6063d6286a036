"""Keys sent at a person's pace (no waiting for the app to go idle between them) land where they were meant to.

Every other Pilot test waits for the app after each key, which hides races between a key that moves
focus (Tab, F4, Ctrl+N) and the keys typed right after it. These tests send keys in bursts.
"""

from __future__ import annotations

from pathlib import Path

from workbook.ui.screens.review import ReviewScreen

from .appkit import burst, make_app, settle


async def test_name_tab_relationship_typed_without_pause_makes_two_fields(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(pilot, "n", "text:Danny", "enter", "text:Linda", "tab", "text:mother", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        [member] = screen.review.members
        assert (member.name, member.relationship) == ("Linda", "mother")
    app.store.close()
