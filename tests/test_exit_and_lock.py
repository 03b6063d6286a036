"""Leaving the workbook: the data folder is never left locked by an unseen copy, and a crash says so.

- The lock file names the process holding it, and a second start says which one, whether it still
  runs, and how to end it.
- Closing the terminal (SIGHUP) while keys are still arriving ends the process within seconds,
  even if Textual gets stuck closing the terminal that is gone, so the next start opens normally.
- An unexpected error exits with 1, not 0, tells the family in plain words that their writing was
  saved and where, and writes the traceback to a private crash log instead of the screen.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import random
import signal
import stat
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import workbook.ui.app
from workbook.__main__ import main, report_crash
from workbook.store import ReviewStore, WorkbookInUseError
from workbook.ui.app import WorkbookApp

from .appkit import make_app

ROOT = Path(__file__).resolve().parent.parent
EXIT_LIMIT = 3.0
"""Seconds the app may take to end after its terminal is closed."""


# -- the lock names its holder ------------------------------------------------------------------------


@pytest.fixture
def other_copy(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the data folder open, as another window of the workbook would have it."""
    code = (
        "import sys; from pathlib import Path; from workbook.store import ReviewStore\n"
        "store = ReviewStore(Path(sys.argv[1])); print('open', flush=True); sys.stdin.read()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(data_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "open"
        yield child
    finally:
        child.kill()
        child.wait(10)


def test_lock_file_holds_the_process_id_and_is_private(data_dir: Path) -> None:
    store = ReviewStore(data_dir)
    lock = data_dir / "workbook.lock"
    try:
        assert lock.read_text().strip() == str(os.getpid())
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    finally:
        store.close()
    assert lock.read_text() == "", "a closed store leaves no process id behind"


def test_second_start_names_the_process_that_holds_the_folder(data_dir: Path, other_copy: subprocess.Popen[str]) -> None:
    with pytest.raises(WorkbookInUseError) as raised:
        ReviewStore(data_dir)
    message = str(raised.value)
    assert raised.value.holder == other_copy.pid
    assert f"process {other_copy.pid}, which is still running" in message
    assert f"kill {other_copy.pid}" in message
    assert "Nothing has been lost" in message
    assert str(data_dir) in message

    other_copy.kill()
    other_copy.wait(10)
    ReviewStore(data_dir).close()  # the kernel let go of the lock with the process


def test_second_start_from_the_command_line_names_the_process(data_dir: Path, other_copy: subprocess.Popen[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 1
    assert f"kill {other_copy.pid}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_holder_that_is_gone_is_described_as_gone(data_dir: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    message = str(WorkbookInUseError(data_dir / "workbook.lock", int(finished.stdout)))
    assert "no longer seems to be running" in message
    assert "kill" not in message


# -- closing the terminal -----------------------------------------------------------------------------


RUN_WORKBOOK = "import sys, runpy; sys.argv[0] = 'workbook'; runpy.run_module('workbook', run_name='__main__')"
"""`python -m workbook`, as `python -c` code (so a test can add a line before it)."""


class PtyApp:
    """The workbook (`python -c CODE ARGS`) in its own pseudo-terminal, 80x24, as its session leader.

    Closing the terminal's master side is what a terminal window does when it is closed: the kernel
    hangs up the terminal and sends SIGHUP to the process. Output is read all the time (a terminal
    that is not read stops the app's writes).
    """

    def __init__(self, *args: str, code: str = RUN_WORKBOOK) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONPATH": str(ROOT)}
        env.pop("TEXTUAL", None)
        command = [sys.executable, "-c", code, *args]
        pid, fd = pty.fork()
        if pid == 0:  # the child: set the terminal's size, then become the app
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
                os.chdir(ROOT)
                os.execve(sys.executable, command, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        self._seen = 0
        self.status: int | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def wait_for(self, text: str, timeout: float = 20.0) -> None:
        """Wait until the app has drawn `text` (since the last wait), as a person looks before going on."""
        deadline = time.monotonic() + timeout
        while (found := self.output.find(text.encode(), self._seen)) < 0:
            if time.monotonic() > deadline or self.exited():
                raise AssertionError(f"{text!r} never appeared; the app wrote: {bytes(self.output[-2000:])!r}")
            time.sleep(0.05)
        self._seen = found + len(text)

    def type(self, text: str) -> None:
        """Type at a person's pace, 20-40 ms a key, without waiting for the app; stops once the terminal is gone."""
        for char in text:
            try:
                os.write(self.fd, char.encode())
            except OSError:
                return
            time.sleep(random.uniform(0.02, 0.04))

    def close_terminal(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def exited(self) -> bool:
        if self.status is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status is not None

    def wait_exit(self, timeout: float) -> float | None:
        """Seconds until the process ended, or None if it still runs after `timeout`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.exited():
                return time.monotonic() - started
            time.sleep(0.02)
        return None

    def stop(self) -> None:
        """Make sure the process is gone (only this one, by its id)."""
        self.close_terminal()
        if not self.exited():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


def ready_folder(data_dir: Path) -> None:
    """A data folder whose welcome was already seen, so the app opens on the list of reviews."""
    store = ReviewStore(data_dir)
    store.set_setting("welcome_seen", True)
    store.close()


BEFORE, DURING = "we talked in the kitchen", " and then he left without a word"


def close_while_typing(app: PtyApp) -> float | None:
    """Start a review, write in it, and close the terminal while still typing; returns how long the app took to end."""
    app.wait_for("reviews")
    app.type("n")
    app.wait_for("Start a new review")
    app.type("Danny\r")
    app.wait_for("Who is writing?")
    app.type("Linda\tmother\r")
    app.wait_for("Writing as Linda")
    app.type("\t\t" + BEFORE)  # from the date, past the place, into "Anything else about the place or the day?"
    app.wait_for(BEFORE)  # the person sees the sentence, goes on typing, and closes the window mid-word
    typing = threading.Thread(target=app.type, args=(DURING,), daemon=True)
    typing.start()
    time.sleep(0.4)
    app.close_terminal()
    took = app.wait_exit(EXIT_LIMIT)
    typing.join(5)
    return took


def saved_words(data_dir: Path) -> str:
    store = ReviewStore(data_dir)  # also shows that a new start can take the lock
    try:
        [summary] = store.summaries()
        return json.dumps(store.load(summary.id).to_dict()["answers"])
    finally:
        store.close()


def test_closing_the_terminal_while_typing_ends_the_app_and_frees_the_folder(tmp_path: Path) -> None:
    """The real app, closed mid-typing, twice: each time it is gone within seconds, the next start
    gets the folder, and the words typed before the close are saved. Textual's hang on closing happens
    in about one close in four here, so this can pass without the fix; the test below makes it certain."""
    for round_number in range(1, 3):
        data_dir = tmp_path / f"data-{round_number}"
        ready_folder(data_dir)
        app = PtyApp("--data-dir", str(data_dir))
        try:
            took = close_while_typing(app)
            assert took is not None, f"round {round_number}: the app (pid {app.pid}) still ran {EXIT_LIMIT:g} s after its terminal closed"
        finally:
            app.stop()
        assert BEFORE in saved_words(data_dir)


STUCK_CLOSE = """\
import sys, runpy, threading
from textual.drivers.linux_driver import LinuxDriver

def stuck(self):  # what Textual sometimes does after a hang-up: wait for ever on a terminal that is gone
    threading.Event().wait()

LinuxDriver.close = stuck
sys.argv[0] = "workbook"
runpy.run_module("workbook", run_name="__main__")
"""


def test_a_stuck_exit_after_the_terminal_closes_is_ended_anyway(data_dir: Path) -> None:
    """Textual's hang on closing a terminal that is gone, made certain: the process still ends in time,
    with everything saved, and lets go of the folder."""
    ready_folder(data_dir)
    app = PtyApp("--data-dir", str(data_dir), code=STUCK_CLOSE)
    try:
        took = close_while_typing(app)
        assert took is not None, f"the app (pid {app.pid}) was still running {EXIT_LIMIT:g} s after its terminal closed"
        assert app.status == 0
    finally:
        app.stop()
    assert BEFORE in saved_words(data_dir)


# -- a crash -------------------------------------------------------------------------------------------


class Boom(RuntimeError):
    """The unexpected problem these tests cause."""


class BreakingApp(WorkbookApp):
    """The real app with one key (F12) that fails, run headless by `run_app` as if in a terminal."""

    def action_break(self) -> None:
        raise Boom("the safety page could not be drawn")

    async def on_key(self, event: Any) -> None:
        if event.key == "f12":
            self.action_break()

    def run(self, **_: Any) -> Any:
        async def press_f12(pilot: Pilot[Any]) -> None:
            await pilot.pause()
            await pilot.press("f12")

        return super().run(headless=True, size=(80, 24), auto_pilot=press_f12)


class BrokenApp(WorkbookApp):
    """An app that cannot even start."""

    def run(self, **_: Any) -> Any:
        raise Boom("the screen could not be set up")


async def test_an_error_inside_the_app_fails_the_run_and_prints_no_traceback(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(data_dir)
    with pytest.raises(Boom):  # run_test hands the error back to the test, as Textual does for test frameworks
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()

            def broken() -> None:
                raise Boom("the guides could not be listed")

            monkeypatch.setattr(app, "action_guides", broken)
            await pilot.press("f9")
            await pilot.pause()
    app.store.close()
    assert app.return_code == 1
    report = app.crash_report()
    assert report is not None and "Boom: the guides could not be listed" in report and "Traceback" in report
    assert app._exit_renderables == [], "Textual's traceback (with local values: the family's words) is not printed"


@pytest.mark.parametrize("app_class", [BreakingApp, BrokenApp])
def test_a_crash_exits_non_zero_with_a_plain_message_and_a_private_log(
    app_class: type[WorkbookApp], data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ready_folder(data_dir)
    monkeypatch.setattr(workbook.ui.app, "WorkbookApp", app_class)
    code = main(["--data-dir", str(data_dir)])
    err = capsys.readouterr().err
    assert code == 1
    assert "unexpected problem" in err
    assert "Everything written up to then was saved" in err
    assert str(data_dir) in err
    assert "Traceback" not in err
    logs = sorted(data_dir.glob("crash-*.log"))
    assert len(logs) == 1, list(data_dir.iterdir())
    assert str(logs[0]) in err
    assert stat.S_IMODE(logs[0].stat().st_mode) == 0o600
    text = logs[0].read_text()
    assert "Traceback" in text and "Boom" in text
    ReviewStore(data_dir).close()  # the folder was let go


def test_the_crash_message_never_says_everything_was_saved_when_it_was_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "unsaved-abc-2026.json"
    assert report_crash(tmp_path, "Traceback (most recent call last): ...", (copy,), ("Danny, March",)) == 1
    err = capsys.readouterr().err
    assert "Everything written up to then was saved" not in err
    assert str(copy) in err
    assert "\u201cDanny, March\u201d could not be saved" in err
