"""Names and titles are the family's own words: brackets and markup-like text must never break a screen."""

from __future__ import annotations

from pathlib import Path

from workbook.store import ReviewStore
from workbook.ui.screens.review import ReviewScreen

from .appkit import make_app

HOSTILE = "Mum [/] Dad [b]bold[/b] [link=x]y[/link] [red"


async def test_markup_like_titles_and_names_are_shown_as_typed(data_dir: Path) -> None:
    store = ReviewStore(data_dir)
    review = store.create(HOSTILE)
    member = review.add_member(HOSTILE, "[/]")
    review.last_writer = member.id
    review.people.append(__import__("workbook.model", fromlist=["Person"]).Person(name=HOSTILE))
    store.release(review)
    store.close()

    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # open it
        await pilot.pause()
        await pilot.press("enter")  # the hostile-named writer
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("ctrl+n", "ctrl+n")  # the people step, with the hostile name in its table
        await pilot.pause()
        assert app.screen.step.id == "people"
        assert app.return_code is None
        await pilot.press("ctrl+q")
    app.store.close()
