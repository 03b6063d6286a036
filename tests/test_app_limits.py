"""Typing and pasting stop at the workbook's size limits, so nothing the app saves is refused on import.

Each test types or pastes past a limit through the real app, then reads what was saved and what the
family was told. A bundle past a limit is refused (workbook/limits.py), so the app must stop first.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tests.factories import MARIA, answer, two_writers
from workbook.bundle import from_bundle, to_bundle
from workbook.limits import NAME_MAX, TEXT_MAX, TITLE_MAX
from workbook.model import Review, new_id
from workbook.store import ReviewStore
from workbook.ui.screens.review import ReviewScreen
from workbook.ui.screens.writer import MemberList, WriterPicker
from workbook.ui.screens.writer_edit import RenameWriter
from workbook.ui.widgets.question import QuestionField

from .appkit import PROMPTS, field, make_app

ANSWER_WORDS = ("This answer has reached the longest the workbook keeps (50,000 characters). "
                "Please continue in another answer or shorten it.")
NAME_WORDS = "This name has reached the longest the workbook keeps (100 characters). Please shorten it."
RELATIONSHIP_WORDS = "This relationship has reached the longest the workbook keeps (100 characters). Please shorten it."
DATE_MAX = 64
"""A date typed in: a task's "by when" is a `stamp` in the bundle's schema, at most 64 characters."""


def list_field(pilot: Pilot[None], question_id: str) -> QuestionField:
    """A field of the record editor under a list (people, timeline)."""
    return pilot.app.screen.query_one(f"#field-{question_id}", QuestionField)


def notices(pilot: Pilot[None]) -> list[str]:
    return [str(n.message) for n in pilot.app._notifications]


async def paste(pilot: Pilot[None], widget: Widget, text: str) -> None:
    """Paste as a terminal does: one Paste event to the focused field."""
    widget.focus()
    await pilot.pause()
    widget.post_message(events.Paste(text))
    await pilot.pause()


def only_review(data_dir: Path) -> Review:
    store = ReviewStore(data_dir)
    try:
        [summary] = store.summaries()
        return store.load(summary.id)
    finally:
        store.close()


def importable(review: Review) -> None:
    """What the app saved goes through a bundle and back: no limit refuses it."""
    assert from_bundle(to_bundle(review)).to_dict() == review.to_dict()


def test_the_app_limits_match_the_bundle_schema() -> None:
    import json

    from workbook import limits
    from workbook.ui.widgets import limited

    schema = json.loads((Path(__file__).parent.parent / "docs" / "bundle.schema.json").read_text())["definitions"]
    assert schema["stamp"]["maxLength"] == limited.DATE_MAX == DATE_MAX
    assert (schema["name"]["maxLength"], schema["text"]["maxLength"]) == (limits.NAME_MAX, limits.TEXT_MAX)


async def test_title_and_first_writer_stop_at_their_limits(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        title = app.screen.query_one("#answer", Input)
        title.value = "T" * (TITLE_MAX - 2)
        await pilot.press("a", "b", "c", "d")  # two fit, two do not
        assert title.value == "T" * (TITLE_MAX - 2) + "ab"
        title_words = f"This title has reached the longest the workbook keeps ({TITLE_MAX} characters). Please shorten it."
        assert notices(pilot) == [title_words], "the title says so too, instead of only ringing a bell"
        await pilot.press("enter")
        await pilot.pause()

        picker = app.screen
        assert isinstance(picker, WriterPicker)
        name = picker.query_one("#name", Input)
        name.focus()
        name.value = "N" * (NAME_MAX - 1)
        await pilot.press("x", "y", "z")
        assert name.value == "N" * (NAME_MAX - 1) + "x"
        assert notices(pilot) == [title_words, NAME_WORDS], "told once, not once per key"
        relationship = picker.query_one("#relationship", Input)
        await paste(pilot, relationship, "mother " * 50)
        assert relationship.value == ("mother " * 50)[:NAME_MAX], "a paste keeps what fits, not nothing"
        assert notices(pilot) == [title_words, NAME_WORDS, RELATIONSHIP_WORDS]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        app.screen.save_now()
    app.store.close()
    review = only_review(data_dir)
    assert review.title == "T" * (TITLE_MAX - 2) + "ab"
    [member] = review.members
    assert (len(member.name), len(member.relationship)) == (NAME_MAX, NAME_MAX)
    importable(review)


def stored(data_dir: Path, review: Review) -> str:
    review.id = new_id()
    review.last_writer = MARIA
    store = ReviewStore(data_dir)
    store.release(review)
    store.close()
    return review.id


async def open_as_maria(pilot: Pilot[None]) -> ReviewScreen:
    await pilot.pause()
    await pilot.press("enter")  # open the review
    await pilot.pause()
    await pilot.press("enter")  # Maria, the last writer, is highlighted
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen) and screen.writer == MARIA
    return screen


async def test_renaming_a_writer_stops_at_the_name_limit(data_dir: Path) -> None:
    stored(data_dir, two_writers())
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_as_maria(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, WriterPicker)
        app.screen.query_one("#members", MemberList).focus()
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RenameWriter)
        await paste(pilot, dialog.query_one("#name", Input), "Maria" + "a" * 200)
        await pilot.press("b")
        assert dialog.query_one("#name", Input).value == ("Maria" + "a" * 200)[:NAME_MAX]
        assert notices(pilot) == [NAME_WORDS]
        dialog.query_one("#relationship", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        app.screen.save_now()
    app.store.close()
    review = only_review(data_dir)
    assert review.member_name(MARIA) == ("Maria" + "a" * 200)[:NAME_MAX] + " (mother)"
    importable(review)


async def test_answers_stop_at_the_text_limit_and_say_so_once(data_dir: Path) -> None:
    review = two_writers()
    almost = "word " * ((TEXT_MAX - 3) // 5) + "wo"
    answer(review, "what-happened", "since", MARIA, almost)
    stored(data_dir, review)
    big = "".join(f"line {n}\n" for n in range(20_000))  # about 190,000 characters, as a long document pasted
    app = make_app(data_dir)
    async with app.run_test(size=(110, 36)) as pilot:
        screen = await open_as_maria(pilot)
        await screen.show_step(PROMPTS.step("what-happened"), focus=True)
        await pilot.pause()

        area = field(pilot, "since").query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.press("r", "d", "s", "x", "y", "z")
        assert area.text == almost + "rds" and len(area.text) == TEXT_MAX
        assert notices(pilot) == [ANSWER_WORDS]
        await pilot.press("backspace", "!", "?")  # shortened, then full again: one more gentle word
        assert area.text == almost + "rd!"
        assert notices(pilot) == [ANSWER_WORDS, ANSWER_WORDS]

        empty = field(pilot, "outcome_detail").query_one(TextArea)
        await paste(pilot, empty, big)
        assert empty.text == big[:TEXT_MAX], "the first 50,000 characters are kept"
        assert len(notices(pilot)) == 3

        date = field(pilot, "date").query_one(Input)
        await paste(pilot, date, "the second Saturday of March, in the evening, after everyone had eaten")
        assert len(date.value) == DATE_MAX
        line = field(pilot, "place_detail").query_one(Input)
        await paste(pilot, line, "x" * (TEXT_MAX + 5))
        assert len(line.value) == TEXT_MAX
        screen.save_now()
    app.store.close()
    saved = only_review(data_dir)
    assert saved.answer("what-happened", "since", MARIA) == almost + "rd!"
    assert saved.answer("what-happened", "outcome_detail", MARIA) == big[:TEXT_MAX]
    assert len(str(saved.answer("what-happened", "date", MARIA))) == DATE_MAX
    importable(saved)


async def test_a_person_name_and_relationship_stop_at_the_name_limit(data_dir: Path) -> None:
    stored(data_dir, two_writers())
    app = make_app(data_dir)
    async with app.run_test(size=(110, 36)) as pilot:
        screen = await open_as_maria(pilot)
        await screen.show_step(PROMPTS.step("people"), focus=True)
        await pilot.pause()
        await pilot.press("f4")  # add a person
        await pilot.pause()
        name = list_field(pilot, "name").query_one(Input)
        name.focus()
        name.value = "R" * (NAME_MAX - 1)
        await pilot.press("a", "y")
        await paste(pilot, list_field(pilot, "relationship").query_one(Input), "uncle, " * 40)
        why = list_field(pilot, "why").query_one(TextArea)
        await paste(pilot, why, "z" * (TEXT_MAX + 1))
        assert notices(pilot) == [NAME_WORDS, RELATIONSHIP_WORDS, ANSWER_WORDS]
        screen.save_now()
    app.store.close()
    [person] = only_review(data_dir).people
    assert person.name == "R" * (NAME_MAX - 1) + "a"
    assert person.relationship == ("uncle, " * 40)[:NAME_MAX]
    assert len(person.views[MARIA].why) == TEXT_MAX
    importable(only_review(data_dir))


class _OneArea(App[None]):
    def __init__(self, text: str, limit: int) -> None:
        super().__init__()
        self.text, self.limit = text, limit

    def compose(self) -> ComposeResult:
        from workbook.ui.widgets.limited import LimitedTextArea

        yield LimitedTextArea(self.text, max_length=self.limit, notice="full")


async def test_text_saved_before_the_limits_is_shown_whole_and_can_only_shrink() -> None:
    from workbook.ui.widgets.limited import LimitedTextArea

    app = _OneArea("abcdefghij", 5)
    async with app.run_test() as pilot:
        area = app.query_one(LimitedTextArea)
        assert area.text == "abcdefghij", "nothing saved is ever cut"
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.press("k")
        assert area.text == "abcdefghij"
        await pilot.press("backspace", "backspace")
        assert area.text == "abcdefgh"
        area.select_all()
        await paste(pilot, area, "xy\r\nz\r\nlonger")
        assert area.text == "xy\nz\nlon", "over the limit already: an edit may replace, never add"
        area.select_all()
        await pilot.press("backspace", "a", "b", "c", "d", "e", "f")
        assert area.text == "abcde"
    crlf = _OneArea("a\r\nb", 6)
    async with crlf.run_test() as pilot:
        area = crlf.query_one(LimitedTextArea)
        area.focus()
        area.move_cursor(area.document.end)
        await paste(pilot, area, "\n\nc")  # each line break costs two characters in this document
        assert len(area.text) <= 6 and area.text.startswith("a\r\nb")
