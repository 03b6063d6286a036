"""Pilot tests: from a written review to proposals, decisions and a saved summary file."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.widgets import Input, TextArea

from workbook.model import new_id
from workbook.store import ReviewStore
from workbook.ui.screens.dialogs import EditText
from workbook.ui.screens.export import ExportScreen
from workbook.ui.screens.review import ReviewScreen
from workbook.ui.widgets.plan_step import ProposalItem, ProposalList

from .appkit import PROMPTS, make_app
from .factories import MARIA, sample_review


def stored_sample(data_dir: Path) -> str:
    review = sample_review()
    review.id = new_id()
    store = ReviewStore(data_dir)
    store.release(review)
    store.close()
    return review.id


async def open_plan(pilot) -> ReviewScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("enter")  # open the review
    await pilot.pause()
    await pilot.press("enter")  # Maria, the last writer, is highlighted
    await pilot.pause()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen) and screen.writer == MARIA
    await screen.show_step(PROMPTS.step("plan"), focus=True)
    await pilot.pause()
    return screen


async def test_proposals_point_back_at_findings_and_decisions_are_kept(data_dir: Path) -> None:
    review_id = stored_sample(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(110, 36)) as pilot:
        screen = await open_plan(pilot)
        items = [i.item for i in screen.query(ProposalItem)]
        by_id = {i.id: i for i in items}
        assert "neutral-place" in by_id and "Maria" in by_id["neutral-place"].because
        assert any(i.id.startswith("team-role:") and "Ray" in i.text for i in items)

        proposals = screen.query_one(ProposalList)
        proposals.focus()
        proposals.index = [i.id for i in items].index("neutral-place")
        await pilot.press("a")
        await pilot.pause()
        proposals.index = [i.id for i in items].index("rehearsal")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditText)
        app.screen.query_one("#text", TextArea).text = "Meet at Aunt Carol's the evening before, with the interventionist"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    app.store.close()

    store = ReviewStore(data_dir)
    review = store.load(review_id)
    decisions = review.plan["decisions"]
    assert decisions["neutral-place"]["status"] == "accepted"
    assert decisions["rehearsal"] == {
        **decisions["rehearsal"],
        "status": "edited",
        "text": "Meet at Aunt Carol's the evening before, with the interventionist",
    }
    store.close()


async def test_summary_is_previewed_and_saved_privately(data_dir: Path, tmp_path: Path) -> None:
    stored_sample(data_dir)
    target = tmp_path / "for-the-interventionist.md"
    app = make_app(data_dir)
    async with app.run_test(size=(110, 36)) as pilot:
        await open_plan(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        titles = [title for title, _ in screen.pages]
        assert any("Safety" in t for t in titles) and any("plan" in t.lower() for t in titles)
        screen.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        await app.workers.wait_for_complete()
    app.store.close()
    text = target.read_text()
    assert "Danny, March 2024" in text.replace("\\", "")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_bundle_saved_from_the_app_imports_elsewhere(data_dir: Path, tmp_path: Path) -> None:
    from textual.widgets import RadioSet

    from workbook.bundle import from_bundle

    review_id = stored_sample(data_dir)
    target = tmp_path / "for-tom.json"
    app = make_app(data_dir)
    async with app.run_test(size=(110, 36)) as pilot:
        await open_plan(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#format", RadioSet).query("RadioButton").last().value = True
        await pilot.pause()
        assert screen.query_one("#path", Input).value.endswith(".json")
        screen.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
    app.store.close()
    bundled = from_bundle(target.read_bytes())
    assert bundled.id == review_id and [m.name for m in bundled.members] == ["Maria", "Tom"]


async def test_treatment_options_added_with_f4_and_removed_only_after_asking(data_dir: Path) -> None:
    from textual.widgets import TabbedContent

    from workbook.ui.screens.dialogs import Confirm
    from workbook.ui.widgets.record_list import RecordList

    review_id = stored_sample(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(110, 36)) as pilot:
        screen = await open_plan(pilot)
        screen.query_one("#plan-tabs", TabbedContent).active = "tab-options"
        await pilot.pause()
        options = screen.query_one("#records-options", RecordList)
        before = len(options.records)
        await pilot.press("f4")
        await pilot.pause()
        name = next(f for f in options.query("QuestionField") if f.question.id == "name")  # type: ignore[attr-defined]
        name.query_one(Input).value = "County outpatient program"
        await pilot.pause()
        assert len(options.records) == before + 1
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")  # "No, keep it" has the focus
        await pilot.pause()
        assert len(options.records) == before + 1
        await pilot.press("ctrl+q")
    app.store.close()
    store = ReviewStore(data_dir)
    names = [o["name"] for o in store.load(review_id).plan["options"]]
    assert "County outpatient program" in names
    store.close()
