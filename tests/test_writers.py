"""Renaming a writer, and merging two writers who are one person, without losing a word."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

from tests.factories import JESS, MARIA, RAY, ROSE, TOM, WHEN, answer, planned_review, two_writers
from workbook import plan as planning
from workbook.export import render_markdown
from workbook.model import Member, PersonView, Review, TimelineEntry
from workbook.store import ReviewStore
from workbook.ui.screens.dialogs import Confirm
from workbook.ui.screens.writer import MemberList, WriterPicker
from workbook.ui.screens.writer_edit import ChooseWriter, RenameWriter

from .appkit import PROMPTS, add_writer, field, make_app, new_review

TYPO = "lindamother-typo"
"""The id of a writer added by mistake; chosen so it cannot appear inside any other text."""
EARLIER = "2024-06-01T08:00:00+00:00"
LATER = "2024-06-05T10:00:00+00:00"


# -- renaming ----------------------------------------------------------------------------------


def test_rename_trims_and_keeps_the_writing() -> None:
    review = two_writers()
    answer(review, "what-happened", "since", MARIA, "He called on Sunday.")
    before = review.updated
    member = review.rename_member(MARIA, "  Linda ", " mother  ")
    assert (member.name, member.relationship, member.id) == ("Linda", "mother", MARIA)
    assert review.member(MARIA) is member and member.label == "Linda (mother)"
    assert review.answer("what-happened", "since", MARIA) == "He called on Sunday."
    assert review.updated >= before
    review.rename_member(MARIA, "LINDA", "Mother")  # only the case changes: still the same writer, allowed
    assert review.member_name(MARIA) == "LINDA (Mother)"
    review.rename_member(MARIA, "Linda", "")
    assert review.member_name(MARIA) == "Linda"


def test_rename_refusals_change_nothing() -> None:
    review = two_writers()
    before = review.to_dict()
    with pytest.raises(ValueError, match="A name is needed"):
        review.rename_member(MARIA, "   ", "mother")
    with pytest.raises(ValueError, match="merge the two writers instead") as refused:
        review.rename_member(TOM, " maria ", "MOTHER")
    assert "Maria (mother)" in str(refused.value)
    with pytest.raises(ValueError, match="not in this review"):
        review.rename_member("nobody-here", "Ana", "sister")
    assert review.to_dict() == before


# -- merging -----------------------------------------------------------------------------------


def sentences(data: Any) -> Iterator[str]:
    """Every piece of writing in a review's dict: any text with a space in it (ids, dates and choices have none)."""
    if isinstance(data, dict):
        for value in data.values():
            yield from sentences(value)
    elif isinstance(data, list):
        for value in data:
            yield from sentences(value)
    elif isinstance(data, str) and " " in data.strip():
        yield data.strip()


def assert_no_words_lost(before: dict[str, Any], after: dict[str, Any]) -> None:
    kept = list(sentences(after))
    lost = [s for s in sentences(before) if not any(s in k for k in kept)]
    assert not lost, f"words lost in the merge: {lost}"


def with_typo_writer() -> Review:
    """The planned sample review, plus "Lindamother", who wrote a little of everything under the wrong name."""
    review = planned_review()
    review.members.append(Member("Lindamother", "", id=TYPO, created=WHEN))
    review.last_writer = TYPO
    wh = "what-happened"
    answer(review, wh, "consequences", TYPO, "I told him I would not drive him anywhere.", LATER)  # Maria answered too
    answer(review, wh, "since", TYPO, "He stopped answering my calls for two weeks. I paid the rent again in April.")  # the same
    answer(review, wh, "place", TYPO, "public", LATER)  # newer than Maria's choice: kept
    answer(review, wh, "leader", TYPO, "counselor", EARLIER)  # older than Maria's choice: Maria's kept
    answer(review, wh, "date", TYPO, "2024-03-10", LATER)  # a date cannot be joined: the newer is kept
    answer(review, wh, "safety_events", TYPO, ["jail", "overdose"], LATER)  # Maria chose overdose and detox
    answer(review, "cause-people", "missing", TYPO, "Jess was not there.")  # only she answered
    answer(review, "plan", "next_place", TYPO, "Somewhere quiet, like the library room.")
    review.timeline.append(TimelineEntry(phase="after", what="I called the clinic the next Monday.", author=TYPO, id="event-typo",
                                         created=WHEN, updated=WHEN))
    ray = review.person(RAY)
    jess = review.person(JESS)
    rose = review.person(ROSE)
    assert ray is not None and jess is not None and rose is not None
    ray.views[TYPO] = PersonView(helped="no", next_time="", why="He raised his voice first.", concerns=["young", "conflict"],
                                 updated=LATER)
    jess.views[TYPO] = PersonView(helped="yes", next_time="yes", why="She keeps him calm.", updated=WHEN)
    rose.added_by = TYPO
    plan = review.plan
    plan["decisions"]["rehearsal"] = {"status": "edited", "text": "Meet twice before the day.", "by": TYPO, "updated": WHEN}
    plan["added"].append({"id": "added-typo", "section": "place", "text": "Ask the library for a quiet room.", "by": TYPO,
                          "updated": WHEN})
    plan["options"].append({"id": "option-typo", "name": "A counselling group", "kind": "counselling", "who": TYPO, "contact": "",
                            "intake": "not-sure", "notes": "Meets on Thursday evenings.", "updated": WHEN})
    plan["commitments"].append({"id": "commitment-typo", "member": TYPO, "consequence": "I will not lend him the car.",
                                "can_hold": "yes", "last_time": "", "updated": WHEN})
    plan["answers_prepared"].append({"id": "prepared-typo", "tactic": "anger", "response": "We are not here to argue.", "who": TYPO,
                                     "updated": WHEN})
    plan["tasks"].append({"id": "task-typo", "what": "Book the library room", "owner": TYPO, "due": "", "done": False, "updated": WHEN})
    plan["letters"][TYPO] = {"text": "Danny, you are my favourite nephew.", "updated": LATER}
    return review


def test_merge_keeps_every_word_under_the_target() -> None:
    review = with_typo_writer()
    before = copy.deepcopy(review.to_dict())
    maria_consequences = review.answer("what-happened", "consequences", MARIA)
    review.merge_members(TYPO, MARIA, PROMPTS)

    assert [m.id for m in review.members] == [MARIA, TOM]
    assert TYPO not in json.dumps(review.to_dict()), "nothing still points at the writer who was merged away"
    assert_no_words_lost(before, review.to_dict())

    wh = "what-happened"
    assert review.answer(wh, "consequences", MARIA) == f"{maria_consequences}\n\nI told him I would not drive him anywhere."
    assert review.answer(wh, "since", MARIA) == "He stopped answering my calls for two weeks. I paid the rent again in April."
    assert review.answer(wh, "place", MARIA) == "public"
    assert review.answer(wh, "leader", MARIA) == "nobody"
    assert review.answer(wh, "date", MARIA) == "2024-03-10"
    assert review.answer(wh, "safety_events", MARIA) == ["overdose", "detox", "jail"]  # in the question's order
    assert review.answers["what-happened"]["safety_events"][MARIA].updated == LATER
    assert review.answer("cause-people", "missing", MARIA) == "Jess was not there."
    assert review.answer("plan", "next_place", MARIA) == "Linda's house, on a weekday morning.\n\nSomewhere quiet, like the library room."
    assert review.answer(wh, "since", TOM) == "He texts me sometimes, mostly late at night.", "other writers are untouched"

    entry = review.timeline_entry("event-typo")
    assert entry is not None and entry.author == MARIA
    ray, jess, rose = review.person(RAY), review.person(JESS), review.person(ROSE)
    assert ray is not None and jess is not None and rose is not None
    view = ray.views[MARIA]
    assert view.why == "He means well but he and Danny always end up arguing.\n\nHe raised his voice first."
    assert view.concerns == ["conflict", "young"]  # in the question's order, each once
    assert (view.helped, view.next_time, view.updated) == ("no", "not-sure", LATER)  # the newer choice; a blank one never wins
    assert jess.views[MARIA].why == "She keeps him calm."
    assert rose.added_by == MARIA
    assert review.last_writer == MARIA

    plan = review.plan
    assert plan["decisions"]["rehearsal"]["by"] == MARIA
    assert plan["decisions"]["neutral-place"]["by"] == MARIA
    assert next(a for a in plan["added"] if a["id"] == "added-typo")["by"] == MARIA
    assert next(o for o in plan["options"] if o["id"] == "option-typo")["who"] == MARIA
    assert next(o for o in plan["options"] if o["id"] == "option-1")["who"] == TOM
    assert next(c for c in plan["commitments"] if c["id"] == "commitment-typo")["member"] == MARIA
    assert next(p for p in plan["answers_prepared"] if p["id"] == "prepared-typo")["who"] == MARIA
    assert next(t for t in plan["tasks"] if t["id"] == "task-typo")["owner"] == MARIA
    assert set(plan["letters"]) == {MARIA, TOM}, "the typo writer's letter joined Maria's; Tom's own stays his"
    assert plan["letters"][MARIA] == {
        "text": "Danny, I love you. I have seen you lose so much this year.\n\nDanny, you are my favourite nephew.",
        "updated": LATER,
    }

    items = planning.plan_items(review, PROMPTS)
    assert next(i for i in items if i.id == "added-typo").because == "Added by Maria (mother)"
    summary = render_markdown(review, PROMPTS)
    assert "Lindamother" not in summary and "someone not in this review" not in summary
    assert "I told him I would not drive him anywhere" in summary


def test_merge_without_prompts_still_keeps_the_words() -> None:
    review = two_writers()
    answer(review, "what-happened", "consequences", TOM, "No more money.", EARLIER)
    answer(review, "what-happened", "consequences", MARIA, "No more rent.", EARLIER)
    answer(review, "what-happened", "outcome", TOM, "refused", LATER)
    answer(review, "what-happened", "outcome", MARIA, "walked-out", EARLIER)
    answer(review, "what-happened", "safety_events", TOM, ["overdose"])
    answer(review, "what-happened", "safety_events", MARIA, ["jail", "none"])
    answer(review, "what-happened", "place_detail", TOM, "")  # a cleared answer never replaces a real one
    answer(review, "what-happened", "place_detail", MARIA, "His flat.")
    review.merge_members(TOM, MARIA)
    assert review.answer("what-happened", "consequences", MARIA) == "No more rent.\n\nNo more money."
    assert review.answer("what-happened", "outcome", MARIA) == "refused"
    assert review.answer("what-happened", "safety_events", MARIA) == ["jail", "overdose"]  # the order met; "none" no longer fits
    assert review.answer("what-happened", "place_detail", MARIA) == "His flat."
    assert [m.id for m in review.members] == [MARIA]


def test_merge_moves_a_letter_when_the_target_has_none() -> None:
    review = two_writers()
    planning.set_letter(review, TOM, "Danny, I miss our Sunday games.")
    review.merge_members(TOM, MARIA)
    assert review.plan["letters"][MARIA]["text"] == "Danny, I miss our Sunday games."
    assert TOM not in review.plan["letters"]


def test_merge_refusals_change_nothing() -> None:
    review = with_typo_writer()
    before = review.to_dict()
    with pytest.raises(ValueError, match="cannot be merged into themselves"):
        review.merge_members(MARIA, MARIA)
    with pytest.raises(ValueError, match="not in this review"):
        review.merge_members("nobody-here", MARIA)
    with pytest.raises(ValueError, match="not in this review"):
        review.merge_members(TYPO, "nobody-here")
    assert review.to_dict() == before


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40), st.sampled_from([None, "text"]))
def test_merging_two_answers_never_loses_writing(ours: str, theirs: str, kind: str | None) -> None:
    review = two_writers()
    answer(review, "what-happened", "since", MARIA, ours, EARLIER)
    answer(review, "what-happened", "since", TOM, theirs, LATER)
    review.merge_members(TOM, MARIA, PROMPTS if kind else None)
    kept = review.answer("what-happened", "since", MARIA)
    assert isinstance(kept, str)
    for words in (ours, theirs):
        if " " in words.strip() or kind:  # without prompts, a single word may be a choice: the newer is kept
            assert words.strip() in kept


# -- the "Who is writing?" picker ----------------------------------------------------------------


def top(pilot: Pilot[None]) -> Screen[Any]:
    """The screen on top now (a function, so that type narrowing of an earlier look does not stick)."""
    return pilot.app.screen


def labels(pilot: Pilot[None]) -> list[str]:
    options = pilot.app.screen.query_one("#members", MemberList)
    return [str(o.prompt) if not isinstance(o.prompt, Text) else o.prompt.plain for o in options.options]


def footer_keys(pilot: Pilot[None]) -> dict[str, str]:
    return {b.binding.key: b.binding.description for b in pilot.app.screen.active_bindings.values() if b.binding.show}


async def open_picker(pilot: Pilot[None], highlight: str) -> WriterPicker:
    await pilot.press("f2")
    await pilot.pause()
    picker = pilot.app.screen
    assert isinstance(picker, WriterPicker)
    options = picker.query_one("#members", MemberList)
    options.highlighted = labels(pilot).index(highlight)
    await pilot.pause()
    return picker


async def test_rename_with_keys_is_saved(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Names", "Lindamother", "")
        linda = screen.writer
        picker = await open_picker(pilot, "Lindamother")
        keys = footer_keys(pilot)
        assert keys.get("r") == "Rename"
        assert "m" not in keys, "nobody to merge into while there is only one writer"

        # The letters are bindings of the list only: typed into the name field they stay letters.
        picker.query_one("#name", Input).focus()
        await pilot.press("r", "m")
        assert isinstance(app.screen, WriterPicker) and picker.query_one("#name", Input).value == "rm"
        picker.query_one("#name", Input).value = ""
        picker.query_one("#members", MemberList).focus()
        await pilot.pause()

        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RenameWriter)
        assert dialog.query_one("#name", Input).value == "Lindamother"
        dialog.query_one("#name", Input).value = "  "
        await pilot.press("enter")  # on the name: moves to the relationship
        await pilot.press("enter")
        await pilot.pause()
        assert top(pilot) is dialog, "a blank name is refused gently and the dialog stays"
        assert "A name is needed" in str(dialog.query_one("#problem").render())
        dialog.query_one("#name", Input).value = "Linda"
        dialog.query_one("#relationship", Input).value = "mother [bold]"  # names are the family's text, never markup
        dialog.query_one("#relationship", Input).focus()
        await pilot.press("enter")
        await pilot.pause()

        assert top(pilot) is picker, "the picker stays open after a rename"
        assert labels(pilot) == ["Linda (mother [bold])"]
        assert picker.changed_members
        await pilot.press("escape")  # closing hands back the writer who was writing, so the names redraw
        await pilot.pause()
        assert top(pilot) is screen and screen.writer == linda
        await pilot.press("ctrl+q")
        await pilot.pause()
    app.store.close()

    store = ReviewStore(data_dir)
    review = store.load(store.summaries()[0].id)
    assert [m.label for m in review.members] == ["Linda (mother [bold])"]
    store.close()


async def test_merge_with_keys_keeps_answers_under_the_target(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Two Lindas", "Linda", "mother")
        linda = screen.writer
        field(pilot, "consequences").query_one(TextArea).text = "I said no more money."
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await add_writer(pilot, "Lindamother", "")
        typo = screen.writer
        field(pilot, "consequences").query_one(TextArea).text = "And no more lifts."
        field(pilot, "since").query_one(TextArea).text = "He texted once."
        await pilot.pause()

        picker = await open_picker(pilot, "Lindamother")
        assert footer_keys(pilot).get("m") == "Merge into…"
        palette = [c.title for c in app.get_system_commands(top(pilot))]
        assert "Rename" in palette and "Merge into…" in palette

        await pilot.press("m")
        await pilot.pause()
        chooser = app.screen
        assert isinstance(chooser, ChooseWriter)
        assert "Merge Lindamother into which writer?" in str(chooser.query_one(".dialog-title").render())
        await pilot.press("enter")  # the only other writer: Linda (mother)
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        body = " ".join(str(s.render()) for s in confirm.query("Static"))
        assert "Everything Lindamother wrote will be kept under Linda (mother)" in body and "cannot be undone" in body
        await pilot.press("tab", "enter")  # the safe button has the focus: move to "Merge"
        await pilot.pause()

        assert top(pilot) is picker, "the picker stays open after a merge"
        assert labels(pilot) == ["Linda (mother)"]
        assert "m" not in footer_keys(pilot)
        await pilot.press("enter")  # Linda writes on
        await pilot.pause()
        await pilot.pause()
        assert top(pilot) is screen and screen.writer == linda
        await pilot.press("escape")
        await pilot.pause()
    app.store.close()

    store = ReviewStore(data_dir)
    review = store.load(store.summaries()[0].id)
    assert [m.id for m in review.members] == [linda]
    assert review.answer("what-happened", "consequences", linda) == "I said no more money.\n\nAnd no more lifts."
    assert review.answer("what-happened", "since", linda) == "He texted once."
    assert typo not in json.dumps(review.to_dict())
    store.close()

    # Reopened, Linda sees all her words in her own fields.
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WriterPicker)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert field(pilot, "consequences").query_one(TextArea).text == "I said no more money.\n\nAnd no more lifts."
        assert field(pilot, "since").query_one(TextArea).text == "He texted once."
        await pilot.press("ctrl+q")
    app.store.close()


async def test_merging_away_the_writer_who_is_writing_hands_back_the_target(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await new_review(pilot, "Writing now", "Tom", "brother")
        tom = screen.writer
        await pilot.press("f2")
        await pilot.pause()
        await add_writer(pilot, "Tomm", "brother")
        assert screen.writer != tom
        field(pilot, "since").query_one(TextArea).text = "He called me."
        await pilot.pause()
        await open_picker(pilot, "Tomm (brother)")
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter", "tab", "enter")
        await pilot.pause()
        await pilot.press("escape")  # no new choice: the words now belong to Tom, who writes on
        await pilot.pause()
        await pilot.pause()
        assert top(pilot) is screen and screen.writer == tom
        assert field(pilot, "since").query_one(TextArea).text == "He called me."
        await pilot.press("ctrl+q")
    app.store.close()
    store = ReviewStore(data_dir)
    review = store.load(store.summaries()[0].id)
    assert [m.id for m in review.members] == [tom] and review.last_writer == tom
    store.close()
