"""Keys sent at a person's pace (no waiting for the app to go idle between them) land where they were meant to.

Every other Pilot test waits for the app after each key, which hides races between a key that moves
focus (Tab, F4, Ctrl+N) and the keys typed right after it. These tests send keys in bursts.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from workbook.ui.screens.dialogs import Confirm
from workbook.ui.screens.home import HomeScreen
from workbook.ui.screens.review import ReviewScreen
from workbook.ui.widgets.editable_list import EditableList
from workbook.ui.widgets.question import QuestionField

from .appkit import burst, make_app, settle


async def test_name_tab_relationship_typed_without_pause_makes_two_fields(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(pilot, "n")
        await settle(pilot)
        burst(pilot, "text:Danny", "enter")
        await settle(pilot)
        burst(pilot, "text:Linda", "tab", "text:mother", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        [member] = screen.review.members
        assert (member.name, member.relationship) == ("Linda", "mother")
    app.store.close()


async def _new_review_at(pilot: Pilot[None], step_presses: int) -> ReviewScreen:
    """A new review, open at a step; a person waits for each dialog to appear before typing into it."""
    for keys in (["n"], ["text:Danny", "enter"], ["text:Linda", "tab", "text:mother", "enter"], *([["ctrl+n"]] * step_presses)):
        burst(pilot, *keys)
        await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def _one_editor(screen: ReviewScreen) -> EditableList:
    titles = [t for t in screen.query(".editing-title") if t.display and t.parent is not None and t.parent.display]
    assert len(titles) == 1, "exactly one editor is on screen"
    view = screen._list_view()
    assert view is not None
    return view


async def test_second_f4_right_after_typing_adds_a_second_blank_entry(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _new_review_at(pilot, 1)
        assert screen.step.id == "timeline"
        burst(pilot, "f4", "text:We met at his flat", "f4", "text:He left", "f4", "text:Called", "tab", "text:Tom")
        await settle(pilot)
        _one_editor(screen)
        assert [(e.what, e.who) for e in screen.review.timeline] == [("We met at his flat", ""), ("He left", ""), ("Called", "Tom")]
    app.store.close()


async def test_people_added_quickly_start_blank_and_keep_their_own_names(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _new_review_at(pilot, 2)
        assert screen.step.id == "people"
        burst(pilot, "f4", "text:Ray", "tab", "text:uncle", "f4")
        await settle(pilot)
        people = _one_editor(screen)
        for field in people.query(QuestionField):
            assert field.value in (None, "", []), f"{field.question.id} starts blank"
        burst(pilot, "text:Rose", "tab", "text:grandmother")
        await settle(pilot)
        assert [(p.name, p.relationship) for p in screen.review.people] == [("Ray", "uncle"), ("Rose", "grandmother")]
    app.store.close()


async def test_removing_entries_leaves_one_editor_and_typing_changes_only_the_selected_entry(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _new_review_at(pilot, 1)
        for n in range(6):
            burst(pilot, "f4", f"text:entry {n}")
        await settle(pilot)
        burst(pilot, "escape", "up", "f8")  # leave the field for the table; the entry above; remove (asks)
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        burst(pilot, "tab", "enter", "f8")
        await settle(pilot)
        burst(pilot, "tab", "enter")
        await settle(pilot)
        timeline = _one_editor(screen)
        # Entry 4 went, then entry 5, which the cursor moved onto: the cursor stays in the same place.
        assert [e.what for e in screen.review.timeline] == ["entry 0", "entry 1", "entry 2", "entry 3"]
        burst(pilot, "up", "enter", "tab", "text: (edited)")  # choose entry 2, into its first field, on to "What happened?"
        await settle(pilot)
        chosen = timeline.selected
        assert [e.what for e in screen.review.timeline] == ["entry 0", "entry 1", "entry 2 (edited)", "entry 3"]
        assert [e.who for e in screen.review.timeline] == ["", "", "", ""]
        burst(pilot, "f8")
        await settle(pilot)
        burst(pilot, "tab", "enter")
        await settle(pilot)
        assert len(screen.review.timeline) == 3
        burst(pilot, "f7")  # Undo remove
        await settle(pilot)
        assert len(screen.review.timeline) == 4 and chosen in {e.id for e in screen.review.timeline}
    app.store.close()


async def test_plan_task_owner_and_date_typed_after_tab_land_in_their_own_fields(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await _new_review_at(pilot, 8)
        assert screen.step.id == "plan"
        screen.query_one("#plan-tabs", TabbedContent).active = "tab-tasks"
        await settle(pilot)
        burst(pilot, "f4", "text:Call the clinic", "tab", "text:Linda", "tab", "text:2026-12-10", "f4", "text:Find a CRAFT therapist")
        await settle(pilot)
        tasks = screen.review.plan["tasks"]
        assert [(t.get("what"), t.get("owner", ""), t.get("due", "")) for t in tasks] == [
            ("Call the clinic", "Linda", "2026-12-10"),
            ("Find a CRAFT therapist", "", ""),
        ]
        _one_editor(screen)
    app.store.close()


async def test_first_key_after_opening_does_not_replace_a_saved_date_and_ctrl_z_undoes(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _new_review_at(pilot, 0)
        burst(pilot, "text:2026-03-14", "escape", "escape")
        await settle(pilot)
        burst(pilot, "enter")  # open it again from the list
        await settle(pilot)
        burst(pilot, "enter")  # Linda, suggested as the last writer
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        burst(pilot, "text:9")
        await settle(pilot)
        member = screen.review.members[0].id
        assert screen.review.answer("what-happened", "date", member) == "2026-03-149"
        burst(pilot, "ctrl+z")
        await settle(pilot)
        assert screen.review.answer("what-happened", "date", member) == "2026-03-14"
    app.store.close()


async def test_cancelling_who_is_writing_on_opening_goes_back_to_the_list(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _new_review_at(pilot, 0)
        burst(pilot, "escape", "escape")
        await settle(pilot)
        burst(pilot, "enter", "escape")  # open, then cancel "Who is writing?"
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    app.store.close()


async def test_choice_keys_start_from_the_chosen_option(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _new_review_at(pilot, 1)
        burst(pilot, "f4")
        await settle(pilot)
        phase = next(f for f in screen.query(QuestionField) if f.question.id == "phase")
        phase.query_one(".q-field").focus()  # "When was it?", which starts at During
        await settle(pilot)
        burst(pilot, "up", "enter")  # one up from During is Before
        await settle(pilot)
        assert [e.phase for e in screen.review.timeline] == ["before"]
    app.store.close()


async def test_keys_typed_right_after_changing_step_reach_the_new_step(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _new_review_at(pilot, 1)
        typed = ""
        for _ in range(12):  # the race was lost about one time in four
            burst(pilot, "ctrl+b", "text:ec")
            typed += "ec"
            await settle(pilot)
            assert screen.review.answer("what-happened", "date", screen.writer) == typed
            burst(pilot, "ctrl+n")
            await settle(pilot)
    app.store.close()


async def test_a_new_key_never_overtakes_one_released_but_not_yet_delivered(data_dir: Path) -> None:
    """A person's "the" came out as "hte": a key arriving just as a held one was released went first."""
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        t, e = events.Key("t", "t"), events.Key("e", "e")
        app._passed_keys.add(id(t))  # "t" was held, and has just been released: it is on its way back to the app
        assert app.settled()
        assert not app._may_pass(e), "the new key waits its turn"
        assert list(app._held_keys) == [e]
        assert app._may_pass(t), "the released key goes first"
        app._held_keys.clear()
    app.store.close()
