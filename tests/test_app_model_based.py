"""Model-based test: random sequences of what a family does, against the real app and a plain shadow model.

Hypothesis picks the actions (add an entry, choose a row and type, remove and confirm or keep,
undo a removal, answer a question, switch step, switch or add a writer, open the safety page and
come back, Esc out of a field, quit and reopen). Each action's keys are sent in one burst, without
waiting for the app between them, as a person types; the shadow model records what the family
meant to write. After every action: the app is still running, there is exactly one editor, the
table's cursor is on the entry the family is working on, and the review holds exactly what the
shadow holds (every word in its own entry, under the writer who typed it). Quitting and reopening
reads the review back from disk.

CI runs a bounded number of steps; `WORKBOOK_MODEL_STEPS=long` runs many more.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from workbook.ui.screens.dialogs import Confirm, GuidePage
from workbook.ui.screens.home import HomeScreen
from workbook.ui.screens.review import ReviewScreen
from workbook.ui.widgets.editable_list import EditableList
from workbook.ui.widgets.limited import DATE_MAX

from .appkit import burst, make_app, settle

LONG = os.environ.get("WORKBOOK_MODEL_STEPS") == "long"
WORDS = st.text(alphabet="abcdefxyz ABC.,'-", min_size=1, max_size=8)
WRITER_NAMES = ("Ann", "Ben", "Cy")


@dataclass
class Entry:
    what: str
    author: int


@dataclass
class Shadow:
    """What the family meant: plain Python, no app."""

    writers: list[str] = field(default_factory=lambda: ["Linda"])
    writer: int = 0
    entries: list[Entry] = field(default_factory=list)
    cursor: int = 0
    dates: dict[int, str] = field(default_factory=dict)
    step: str = "timeline"
    removed: tuple[int, Entry] | None = None


class WorkbookMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = Path(tempfile.mkdtemp(prefix="wb-model-"))
        self.shadow = Shadow()
        self.trace: list[str] = []
        """Every burst sent, printed when something fails: a timing failure may not replay the same way."""
        self.ctx: Any = None
        self.pilot: Any = None
        self.app: Any = None

    # -- running the app between rules ------------------------------------------------------

    # Textual keeps the running app in context variables, so the whole run of the app stays inside one
    # task (`_session`); each rule hands it a job and waits for the result.

    async def _session(self, started: asyncio.Future[None]) -> None:
        async with self.app.run_test(size=(80, 24)) as pilot:
            self.pilot = pilot
            started.set_result(None)
            while True:
                job, done = await self.jobs.get()
                if job is None:
                    break
                try:
                    done.set_result(await job)
                except BaseException as error:
                    done.set_exception(error)
        done.set_result(None)

    def run(self, coro: Any) -> Any:
        done: asyncio.Future[Any] = self.loop.create_future()
        self.jobs.put_nowait((coro, done))
        return self.loop.run_until_complete(done)

    def start(self) -> None:
        self.app = make_app(self.folder)
        self.jobs: asyncio.Queue[tuple[Any, asyncio.Future[Any]]] = asyncio.Queue()
        started: asyncio.Future[None] = self.loop.create_future()
        self.ctx = self.loop.create_task(self._session(started))
        self.loop.run_until_complete(started)
        self.run(settle(self.pilot))

    def stop(self) -> None:
        if self.ctx is not None:
            done: asyncio.Future[Any] = self.loop.create_future()
            self.jobs.put_nowait((None, done))
            self.loop.run_until_complete(self.ctx)
            self.app.store.close()
            self.ctx = None

    def keys(self, *keys: str) -> None:
        """One burst, then wait until the app has handled it (the person looks at the screen)."""
        self.trace.append(" ".join(keys))
        burst(self.pilot, *keys)
        self.run(settle(self.pilot))

    def teardown(self) -> None:
        try:
            self.stop()
        finally:
            self.loop.close()

    @property
    def screen(self) -> ReviewScreen:
        screen = self.app.screen
        assert isinstance(screen, ReviewScreen), f"expected the review, found {type(screen).__name__}"
        return screen

    def timeline(self) -> EditableList:
        view = self.screen._list_view()
        assert view is not None
        return view

    # -- setting up --------------------------------------------------------------------------

    @initialize()
    def new_review(self) -> None:
        self.start()
        for keys in (["n"], ["text:Danny", "enter"], ["text:Linda", "tab", "text:mother", "enter"], ["ctrl+n"]):
            self.keys(*keys)
        assert self.screen.step.id == "timeline"

    def _to_table(self) -> None:
        """Esc out of any field, onto the table (Esc in the table itself would leave the review)."""
        focused = self.app.focused
        if focused is None or not focused.has_class("items"):
            self.keys("escape")
        if self.app.focused is None or not self.app.focused.has_class("items"):
            self.timeline().table.focus()
            self.run(settle(self.pilot))

    def _move_cursor(self, to: int) -> None:
        self._to_table()
        steps = to - self.shadow.cursor
        if steps:
            self.keys(*(["down"] * steps if steps > 0 else ["up"] * -steps))
        self.shadow.cursor = to

    # -- the timeline --------------------------------------------------------------------------

    @precondition(lambda self: self.shadow.step == "timeline" and len(self.shadow.entries) < 7)
    @rule(words=WORDS)
    def add_entry(self, words: str) -> None:
        self.keys("f4", f"text:{words}")
        self.shadow.entries.append(Entry(words, self.shadow.writer))
        self.shadow.cursor = len(self.shadow.entries) - 1

    @precondition(lambda self: self.shadow.step == "timeline" and self.shadow.entries)
    @rule(data=st.data(), words=WORDS)
    def choose_row_and_type(self, data: st.DataObject, words: str) -> None:
        row = data.draw(st.integers(0, len(self.shadow.entries) - 1))
        self._move_cursor(row)
        self.keys("enter", "tab", f"text:{words}")  # into the entry, past "When was it?", to "What happened?"
        self.shadow.entries[row].what += words

    @precondition(lambda self: self.shadow.step == "timeline" and self.shadow.entries)
    @rule(data=st.data(), confirm=st.booleans())
    def remove_entry(self, data: st.DataObject, confirm: bool) -> None:
        row = data.draw(st.integers(0, len(self.shadow.entries) - 1))
        self._move_cursor(row)
        self.keys("f8")
        assert isinstance(self.app.screen, Confirm)
        self.keys(*(["tab", "enter"] if confirm else ["enter"]))
        if confirm:
            self.shadow.removed = (row, self.shadow.entries.pop(row))
            self.shadow.cursor = min(row, len(self.shadow.entries) - 1) if self.shadow.entries else 0

    @precondition(lambda self: self.shadow.step == "timeline" and self.shadow.removed is not None)
    @rule()
    def undo_remove(self) -> None:
        self.keys("f7")
        assert self.shadow.removed is not None
        row, entry = self.shadow.removed
        self.shadow.entries.insert(row, entry)
        self.shadow.cursor = row
        self.shadow.removed = None

    @precondition(lambda self: self.shadow.step == "timeline")
    @rule()
    def escape_from_field(self) -> None:
        self._to_table()

    # -- other steps, writers, safety ------------------------------------------------------------

    @precondition(lambda self: self.shadow.step == "timeline")
    @rule(words=WORDS)
    def answer_the_date_on_the_step_before(self, words: str) -> None:
        self.keys("ctrl+b", f"text:{words}")  # the first field of "What happened" has the cursor
        self.shadow.step = "what-happened"
        self.shadow.removed = None
        # A date field keeps at most DATE_MAX characters (workbook/limits.py via the bundle schema): typing stops there.
        self.shadow.dates[self.shadow.writer] = (self.shadow.dates.get(self.shadow.writer, "") + words)[:DATE_MAX]
        self.keys("ctrl+n")
        self.shadow.step = "timeline"
        self.shadow.cursor = 0

    @rule()
    def safety_page_and_back(self) -> None:
        self.keys("f1")
        assert isinstance(self.app.screen, GuidePage)
        self.keys("escape")

    @precondition(lambda self: len(self.shadow.writers) < 1 + len(WRITER_NAMES))
    @rule()
    def add_writer(self) -> None:
        name = WRITER_NAMES[len(self.shadow.writers) - 1]
        self.keys("f2")
        self.keys("tab", f"text:{name}", "tab", "text:sibling", "enter")  # past the list of writers, to the name
        self.shadow.writers.append(name)
        self.shadow.writer = len(self.shadow.writers) - 1
        self.shadow.removed = None
        self.shadow.cursor = 0

    @precondition(lambda self: len(self.shadow.writers) > 1)
    @rule(data=st.data())
    def pick_writer(self, data: st.DataObject) -> None:
        chosen = data.draw(st.integers(0, len(self.shadow.writers) - 1))
        self.keys("f2")
        moves = chosen - self.shadow.writer  # the list starts on whoever wrote last
        self.keys(*(["down"] * moves if moves > 0 else ["up"] * -moves), "enter")
        self.shadow.writer = chosen
        self.shadow.removed = None
        self.shadow.cursor = 0

    @rule()
    def quit_and_reopen(self) -> None:
        self.keys("ctrl+q")
        self.stop()
        self.start()
        assert isinstance(self.app.screen, HomeScreen)
        self.keys("enter")  # the review
        self.keys("enter")  # "Who is writing?" starts on whoever wrote last
        self.shadow.removed = None
        self.shadow.cursor = 0
        assert self.screen.step.id == "timeline", "the review reopens where it was left"

    # -- what must always hold -----------------------------------------------------------------

    @invariant()
    def matches_the_shadow(self) -> None:
        if self.ctx is None:
            return
        try:
            self._check()
        except AssertionError:
            focused = self.app.focused
            print("Keys sent, burst by burst:", *self.trace, sep="\n  ", file=sys.stderr)
            print(f"Shadow: {self.shadow}\nFocused: {focused!r}", file=sys.stderr)
            raise

    def _check(self) -> None:
        assert self.app._exception is None
        screen = self.screen
        review = screen.review
        ids = [m.id for m in review.members]
        assert [m.name for m in review.members] == self.shadow.writers
        assert screen.writer == ids[self.shadow.writer], "edits go to the writer the family chose"
        entries = review.sorted_timeline()
        assert [(e.what, ids.index(e.author)) for e in entries] == [(e.what, e.author) for e in self.shadow.entries]
        assert all(e.who == "" and e.phase == "during" for e in entries), "nothing typed into the wrong field"
        for number, member in enumerate(ids):
            assert (review.answer("what-happened", "date", member) or "") == self.shadow.dates.get(number, "")
        if self.shadow.step == "timeline":
            view = self.timeline()
            titles = [t for t in screen.query(".editing-title") if t.parent is not None and t.parent.display]
            assert len(titles) == (1 if entries else 0), "exactly one editor"
            if entries:
                assert view.selected == entries[self.shadow.cursor].id, "the editor shows the entry under the cursor"


WorkbookMachine.TestCase.settings = settings(
    max_examples=60 if LONG else 6,
    stateful_step_count=60 if LONG else 30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    # Shrinking replays the app dozens of times and timing differs between replays: report the first failure as found.
    phases=[Phase.explicit, Phase.generate],
    print_blob=True,
)


@pytest.mark.timeout(1800 if LONG else 600)
def test_random_family_sessions_match_the_shadow_model(data_dir: Path) -> None:
    WorkbookMachine.TestCase().runTest()
