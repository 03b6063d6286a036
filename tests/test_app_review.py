"""Pilot tests: a family writes a review over two sittings, as two writers, and loses nothing."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, RadioSet, TextArea

from tests.factories import saved_over_two_sittings
from workbook.store import ReviewStore
from workbook.ui.screens.dialogs import GuidePage
from workbook.ui.screens.home import HomeScreen
from workbook.ui.screens.review import ReviewScreen
from workbook.ui.screens.writer import WriterPicker

from .appkit import add_writer, field, make_app, new_review


async def test_first_run_shows_the_welcome_with_where_data_lives(data_dir: Path) -> None:
    app = make_app(data_dir, welcome_seen=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GuidePage)
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert str(data_dir) in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    app.store.close()
    again = make_app(data_dir, welcome_seen=False)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, HomeScreen), "the welcome is shown once, not every time"
    again.store.close()


async def test_two_writers_two_sittings_nothing_lost(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Looking back at March", "Maria", "mother")
        assert screen.step.id == "what-happened"
        maria = screen.writer
        field(pilot, "date").query_one(Input).value = "2026-03-14"
        field(pilot, "consequences").query_one(TextArea).text = "I said I would stop paying his rent."
        await pilot.pause()

        # Tom takes the keyboard and answers the same question in his own words.
        await pilot.press("f2")
        await pilot.pause()
        await add_writer(pilot, "Tom", "brother")
        tom = screen.writer
        assert tom != maria
        assert field(pilot, "consequences").query_one(TextArea).text == ""
        field(pilot, "consequences").query_one(TextArea).text = "Dad said no more car. It lasted a week"
        await pilot.pause()

        # Then moves to a cause step and is mid-sentence when the laptop is shut.
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n", "ctrl+n")
        await pilot.pause()
        assert screen.step.id == "cause-people"
        field(pilot, "rating").query_one(RadioSet).query("RadioButton").last().value = True
        field(pilot, "happened").query_one(TextArea).text = "Uncle Ray came and he had been drinking, so"
        await pilot.pause(0.6)  # autosave fires by itself within the promised second
    # No quit action ran: what is on disk is only what autosave wrote.
    app.store.close()

    store = ReviewStore(data_dir)
    summary = store.summaries()[0]
    assert summary.title == "Looking back at March"
    review = store.load(summary.id)
    assert review.answer("what-happened", "consequences", maria) == "I said I would stop paying his rent."
    assert review.answer("what-happened", "consequences", tom) == "Dad said no more car. It lasted a week"
    assert review.answer("cause-people", "happened", tom) == "Uncle Ray came and he had been drinking, so"
    store.close()

    # Second sitting: open the review, pick Tom, land on the step he was on, see his sentence.
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#reviews", DataTable)
        assert table.row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WriterPicker)
        await pilot.press("enter")  # the last writer (Tom) is already highlighted
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.writer == tom
        assert screen.step.id == "cause-people"
        assert field(pilot, "happened").query_one(TextArea).text == "Uncle Ray came and he had been drinking, so"
        await pilot.press("ctrl+q")
    app.store.close()


async def test_quit_saves_what_was_typed_just_now(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Quick", "Ana", "sister")
        field(pilot, "since").query_one(TextArea).text = "He called on Sunday"
        await pilot.press("ctrl+q")  # before the autosave timer could fire
    app.store.close()
    store = ReviewStore(data_dir)
    review = store.load(store.summaries()[0].id)
    assert review.answer("what-happened", "since", screen.writer) == "He called on Sunday"
    store.close()


async def test_safety_is_one_key_away_even_while_typing(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, GuidePage) and app.screen.id == "safety"
        page = app.screen.markdown
        assert "988" in page and "naloxone" in page.lower()
        await pilot.press("escape")
        await pilot.pause()
        await new_review(pilot, "Safety check", "Ana", "sister")
        field(pilot, "since").query_one(TextArea).focus()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, GuidePage) and app.screen.id == "safety"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    app.store.close()


async def test_delete_needs_more_than_one_stray_key(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await new_review(pilot, "Keep me", "Ana", "sister")
        await pilot.press("escape")  # the first Esc only leaves the answer field
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("d", "enter")  # Enter lands on "No, keep it"
        await pilot.pause()
        assert [s.title for s in app.store.summaries()] == ["Keep me"]
        await pilot.press("d", "tab", "enter")
        await pilot.pause()
        assert app.store.summaries() == []
    app.store.close()


async def test_timeline_and_people_entries_are_kept(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Lists", "Maria", "mother")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step.id == "timeline"
        await pilot.press("f4")
        await pilot.pause()
        field_what = app.screen.query(".editor QuestionField").filter(".question")
        what = next(f for f in field_what if f.question.id == "what")  # type: ignore[attr-defined]
        what.query_one(TextArea).text = "We met at his apartment without telling him"
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step.id == "people"
        await pilot.press("f4")
        await pilot.pause()
        name = next(f for f in app.screen.query(".editor QuestionField") if f.question.id == "name")  # type: ignore[attr-defined]
        name.query_one(Input).value = "Uncle Ray"
        await pilot.pause()
        await pilot.press("ctrl+q")
    app.store.close()
    store = ReviewStore(data_dir)
    review = store.load(store.summaries()[0].id)
    assert [e.what for e in review.timeline] == ["We met at his apartment without telling him"]
    assert review.timeline[0].author == review.members[0].id
    assert [p.name for p in review.people] == ["Uncle Ray"]
    store.close()


async def test_every_footer_action_is_in_the_command_palette(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await new_review(pilot, "Palette", "Ana", "sister")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for active in app.screen.active_bindings.values():
            if active.binding.show and active.enabled:
                assert active.binding.description in titles
        assert "Safety" in titles and "Writer" in titles
    app.store.close()


async def test_damaged_review_is_moved_aside_and_backup_offered(data_dir: Path) -> None:
    _, path = saved_over_two_sittings(data_dir, "Precious")
    path.write_bytes(path.read_bytes()[:40])  # a torn file, as after a power cut

    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        from workbook.ui.screens.damaged import DamagedReview

        assert isinstance(app.screen, DamagedReview)
        await pilot.press("enter")  # "Restore the backup" has the focus: restoring loses nothing
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, WriterPicker)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert field(pilot, "since").query_one(TextArea).text == "He called twice"
    app.store.close()
    kept = [*path.parent.glob(f"{path.name}.corrupt-*"), *path.parent.glob(f"{path.name}.before-restore-*")]
    assert kept, "the damaged file is kept, never overwritten"


async def test_racing_through_the_steps_does_not_crash(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Fast", "Ana", "sister")
        await pilot.press("f4")  # nothing to add on a form step: the key is simply not offered
        for _ in range(2):
            await pilot.press(*(["ctrl+n"] * 7), *(["ctrl+b"] * 7))
        await pilot.pause(0.3)
        assert app.screen is screen and screen.step.id == "what-happened"
        assert app.return_code is None
    app.store.close()


async def test_whole_review_as_two_writers_survives_reopening(data_dir: Path) -> None:
    """Every form step gets a written answer and a choice from each writer; nothing is lost."""
    from .appkit import PROMPTS

    form_steps = [s for s in PROMPTS.steps if s.kind == "form"]
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Whole review", "Maria", "mother")
        writers = [screen.writer]
        for turn in range(2):
            if turn == 1:
                await pilot.press("f2")
                await pilot.pause()
                await add_writer(pilot, "Tom", "brother")
                writers.append(screen.writer)
            for step in form_steps:
                await screen.show_step(step)
                await pilot.pause()
                text_q = next(q for q in step.questions if q.kind == "text")
                field(pilot, text_q.id).query_one(TextArea).text = f"{step.id} in words of writer {turn}"
                choice_q = next((q for q in step.questions if q.kind == "choice"), None)
                if choice_q is not None:
                    field(pilot, choice_q.id).query_one(RadioSet).query("RadioButton").first().value = True
                await pilot.pause()
        await pilot.press("ctrl+q")
    app.store.close()

    store = ReviewStore(data_dir)
    review = store.load(store.summaries()[0].id)
    for turn, writer in enumerate(writers):
        for step in form_steps:
            text_q = next(q for q in step.questions if q.kind == "text")
            assert review.answer(step.id, text_q.id, writer) == f"{step.id} in words of writer {turn}"
            choice_q = next((q for q in step.questions if q.kind == "choice"), None)
            if choice_q is not None:
                assert review.answer(step.id, choice_q.id, writer) == choice_q.choices[0].id
    assert store.summaries()[0].started == len(form_steps)
    store.close()
