"""The blame-language helper: gentle-words.md, find_hints, and the quiet note under a written answer."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from workbook.gentle import LABEL_HINTS, MAX_HINTS, find_hints
from workbook.prompts import Hint, PromptError, Prompts, load_prompts

from .appkit import field, make_app, new_review

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"

SHOULD = 'Looking back, what did you know at the time? Try: "What I know now that I didn\'t then is…"'
FAULT = "Contributing factors are not fault."
LABEL = "Try 'your loved one' or their name — people are more than their illness."

HINTS = (
    Hint(("should have", "should've", "shouldn't have"), SHOULD),
    Hint(("my fault",), FAULT),
    Hint(("his fault", "her fault", "their fault"), "What made that moment hard?"),
    Hint(("you always",), "Try describing one moment."),
    Hint(("if only",), "Try turning it forward."),
    Hint(("weak",), "Struggling is not being weak."),
)


@pytest.fixture(scope="module")
def shipped() -> Prompts:
    return load_prompts()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped prompts to change."""
    return Path(shutil.copytree(PROMPTS, tmp_path / "prompts"))


def write_words(root: Path, table: str) -> Path:
    path = root / "gentle-words.md"
    path.write_text("# Gentler words\n\nA short note.\n\n" + table, encoding="utf-8")
    return path


def load_error(root: Path) -> PromptError:
    with pytest.raises(PromptError) as caught:
        load_prompts(root)
    return caught.value


# ---------------------------------------------------------------- reading gentle-words.md


def test_shipped_hints(shipped: Prompts) -> None:
    assert len(shipped.hints) >= 8
    phrases = {p for hint in shipped.hints for p in hint.phrases}
    assert {"should have seen", "his fault", "my fault", "rock bottom", "in denial", "got clean", "dirty test"} <= phrases
    assert all(hint.suggestion for hint in shipped.hints)
    assert find_hints("Maybe I should have seen it.", shipped.hints) == [next(h.suggestion for h in shipped.hints
                                                                            if "should have seen" in h.phrases)]


MUST_HINT = (
    "I should have seen it coming.", "It was my fault.", "It's his fault we are here.", "You always do this to us.",
    "You never listen to anyone.", "If only I had called that night.", "The drugs ruined everything.", "He is so selfish.",
    "She's weak, she just has no willpower.", "Why didn't you stop him?", "I failed him.", "He has to hit rock bottom first.",
    "She is in denial.", "He got clean for two months.", "His test came back dirty.", "He was clean and sober at Christmas.",
    "He is an addict.", "My brother is a crackhead.", "Stop enabling her.",
)
"""Sentences a family might write that each deserve a gentler thought (the golden set: each must get one)."""

MUST_NOT_HINT = (
    "We should have the letters ready by Friday.", "The kitchen was clean and the floor was dirty.", "The coffee was weak.",
    "You never know how a day will go.", "You always have a place here.", "I went, if only to see his face.",
    "The rain ruined the picnic.", "I felt selfish taking a day off.", "The signal was weak in the hills.",
    "Why did you choose that place?", "The bank's denial of the loan came later.", "He hit the bottom step and slipped.",
    "My shoulder hurts.", "She is a user of the library.", "We cleaned the house together.", "The test was on Monday.",
)
"""Ordinary sentences that must never get a hint: a thought that misfires teaches people to ignore them."""


@pytest.mark.parametrize("sentence", MUST_HINT)
def test_golden_sentences_that_must_get_a_thought(sentence: str, shipped: Prompts) -> None:
    assert find_hints(sentence, shipped.hints), sentence


@pytest.mark.parametrize("sentence", MUST_NOT_HINT)
def test_golden_sentences_that_must_not_get_a_thought(sentence: str, shipped: Prompts) -> None:
    assert find_hints(sentence, shipped.hints) == [], sentence


def test_good_file(root: Path) -> None:
    write_words(root, "| If someone writes | A gentler way to look at it |\n|---|---|\n"
                      "| his fault / her fault / their fault | What made it *hard*? |\n"
                      "| \u201cIt\u2019s   on me\u201d | Not fault. |\n")
    hints = load_prompts(root).hints
    assert hints == (Hint(("his fault", "her fault", "their fault"), "What made it hard?"), Hint(("It's on me",), "Not fault."))


def test_columns_may_come_in_either_order(root: Path) -> None:
    write_words(root, "| A gentler way to look at it | If someone writes |\n|---|---|\n| Look again. | if only |\n")
    assert load_prompts(root).hints == (Hint(("if only",), "Look again."),)


def test_file_is_optional(root: Path) -> None:
    (root / "gentle-words.md").unlink()
    assert load_prompts(root).hints == ()


def test_malformed_table_names_file_and_line(root: Path) -> None:
    path = write_words(root, "| If someone writes | A gentler way to look at it |\n|---|\n| should have | Look back. |\n")
    error = load_error(root)
    assert (error.path, error.line) == (path, 5)
    assert str(error).startswith(f"{path}, line 5: ") and "same number of | columns" in str(error)


def test_wrong_column_names_file_and_line(root: Path) -> None:
    path = write_words(root, "| Phrase | Suggestion |\n|---|---|\n| should have | Look back. |\n")
    error = load_error(root)
    assert (error.path, error.line) == (path, 5)
    assert 'no "If someone writes" column' in str(error)


@pytest.mark.parametrize(("row", "words"), [
    ("| should have | |", 'nothing in the "A gentler way to look at it" column'),
    ("| | Look back. |", 'nothing in the "If someone writes" column'),
    ("| should have /  / if only | Look back. |", "empty phrase"),
    ("| should have / Should Have | Look back. |", "already in the row on line 7"),
])
def test_bad_rows_name_their_line(root: Path, row: str, words: str) -> None:
    path = write_words(root, f"| If someone writes | A gentler way to look at it |\n|---|---|\n{row}\n")
    error = load_error(root)
    assert (error.path, error.line) == (path, 7), str(error)
    assert words in str(error)


def test_table_without_rows_and_other_blocks(root: Path) -> None:
    path = write_words(root, "| If someone writes | A gentler way to look at it |\n|---|---|\n")
    assert (load_error(root).path, load_error(root).line) == (path, 5)
    path = write_words(root, "- a list\n")
    error = load_error(root)
    assert (error.path, error.line) == (path, 5) and "gentle-words.md holds a # title" in str(error)
    path.write_text("No title here.\n", encoding="utf-8")
    assert load_error(root).line == 1


# ---------------------------------------------------------------- find_hints


def test_finds_phrases_in_order_of_appearance() -> None:
    assert find_hints("It's my fault. He should have known better.", HINTS) == [FAULT, SHOULD]
    assert find_hints("He should have known better. It's my fault.", HINTS) == [SHOULD, FAULT]


def test_word_boundaries() -> None:
    assert find_hints("My shoulder hurts and I should rest; have some tea.", HINTS) == []
    assert find_hints("A tweak; weakened; faultless; this fault is mine", HINTS) == []
    assert find_hints("(should have!)", HINTS) == [SHOULD]
    assert find_hints("Our loved one's illness, his addiction, is real.", HINTS) == []


def test_case_spacing_and_curly_apostrophes() -> None:
    assert find_hints("SHOULD HAVE", HINTS) == [SHOULD]
    assert find_hints("We Should\n  have talked", HINTS) == [SHOULD]
    assert find_hints("I should\u2019ve called", HINTS) == [SHOULD]
    assert find_hints("I shouldn\u2019t have shouted", HINTS) == [SHOULD]
    assert find_hints("I shouldn't have shouted", HINTS) == [SHOULD]


def test_at_most_two_and_no_repeats() -> None:
    text = "He should have... she should've... their fault, my fault, you always, if only, weak."
    assert len(find_hints(text, HINTS)) == MAX_HINTS == 2
    assert find_hints("should have, should have, should've. Then my fault.", HINTS) == [SHOULD, FAULT]
    same = (Hint(("if only",), "One."), Hint(("what if",), "One."), Hint(("ruined",), "Two."))
    assert find_hints("If only. What if. Ruined.", same) == ["One.", "Two."]


def test_labels_are_noticed_without_the_file() -> None:
    assert find_hints("He is an ADDICT, a junkie.", ()) == [LABEL]
    assert find_hints("I was enabling him", ()) == [LABEL_HINTS[-1].suggestion]


def test_no_false_hits_on_kind_text(shipped: Prompts) -> None:
    kind = ("We met at Mum's house on a Sunday. Everyone read their letters, and Tom's voice shook. "
            "Looking back, I know now that we did not have an option ready for the same day. "
            "What went well: we stayed calm, and nobody shouted. Next time we would ask a professional to lead, "
            "and have a bed confirmed. We love him and we are still here. Our loved one has an illness, "
            "and his addiction is not who he is. My shoulders relaxed when it ended.")
    assert find_hints(kind, shipped.hints) == []
    assert find_hints("", shipped.hints) == []
    assert find_hints("anything", ()) == []


def test_fast_on_a_long_answer(shipped: Prompts) -> None:
    text = ("We talked in the kitchen and then he left the house before the letters were read. " * 700)[:50_000]
    find_hints("warm the cache", shipped.hints)
    started = time.perf_counter()
    assert find_hints(text, shipped.hints) == []
    assert find_hints(text + " if only I", shipped.hints) != []
    assert time.perf_counter() - started < 0.1


def test_suggestions_use_no_labels(shipped: Prompts) -> None:
    every = " ".join(hint.suggestion for hint in (*shipped.hints, *LABEL_HINTS))
    assert find_hints(every, shipped.hints) == [], "a suggestion should not itself trip a hint"


# ---------------------------------------------------------------- the note under an answer


async def test_note_appears_after_a_pause_and_clears(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await new_review(pilot, "Looking back", "Maria", "mother")
        question = field(pilot, "consequences")
        note = question.query_one(".q-gentle", Static)
        assert not note.display or not note.has_class("-shown")
        question.query_one(TextArea).text = "He should have known better"
        await pilot.pause()
        assert question.value == "He should have known better", "the answer is reported at once, as before"
        assert not note.has_class("-shown"), "the note waits until the writer pauses"
        await pilot.pause(1.3)
        assert note.has_class("-shown") and note.display
        assert str(note.render()) == f"A thought: {app.prompts.hints[0].suggestion}"
        assert question.query_one(TextArea).text == "He should have known better", "the answer is never changed"

        question.query_one(TextArea).text = "We sat together in the kitchen."
        await pilot.pause(1.3)
        assert not note.has_class("-shown")
        assert str(note.render()) == ""
    app.store.close()
