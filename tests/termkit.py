"""Drive the real app in a real terminal: tmux at 80x24, typed into at a person's pace.

Pilot tests wait for the app to go idle after every key; a person does not. Here each key is sent
on its own with `tmux send-keys` (characters with `-l`), 20-40 ms apart, without waiting for the
app or the screen in between. The tests wait only where a person would look at the screen before
going on (`wait_for`, for example until a dialog is open).

Every `Terminal` has its own tmux server (`tmux -L <unique name>`, never the default one), its own
data folder, and its own home and XDG folders, so nothing touches a real family's data or a real
user's tmux. `close()` kills that server, and any app process the terminal started that still runs
(found by its pid, never by name).

Results are read back the way a family would carry them: `export()` runs
`python -m workbook --data-dir DIR export TITLE --format json` after the app has exited and
returns the bundle (docs/bundle-format.md).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TMUX = shutil.which("tmux")
ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 80, 24
PACE = (0.020, 0.040)
"""Seconds between two keys, as a person types: drawn at random from this range."""
WAIT = 30.0
"""Seconds a person looks at the screen for what they expect before giving up (the app may lag behind
the keys: on the People step it has been seen to fall 15 s behind four people typed at this pace)."""

_counter = itertools.count()

_TMUX_CONF = """\
set -g status off
set -g remain-on-exit on
set -g escape-time 0
set -g default-size 80x24
set -g history-limit 2000
set -g exit-empty off
"""


_DRAWING = str.maketrans(dict.fromkeys("▁▂▃▄▅▆▇█▔▊▎▍▌▐▏╸╺━", " "))
"""Box and scroll-bar characters Textual draws around fields, turned into spaces by `Terminal.pane`."""


class TerminalError(AssertionError):
    """The terminal did not show what a test waited for (the message holds the screen)."""


class Terminal:
    """One private tmux server running the workbook in an 80x24 window."""

    def __init__(self, tmp: Path, *, app_root: Path = ROOT, seed: int | None = None) -> None:
        if TMUX is None:
            raise RuntimeError("tmux is not installed")
        self.tmp = tmp
        self.app_root = app_root
        self.data_dir = tmp / "data"
        self.socket = f"wbterm-{os.getpid()}-{next(_counter)}-{int(time.time() * 1000) % 100000}"
        self.rng = random.Random(seed)
        self.session = "app"
        self.runs = 0
        self._conf = tmp / "tmux.conf"
        self._conf.write_text(_TMUX_CONF)
        self.env = self._environment()
        self.keys_sent = 0
        self.born = time.monotonic()
        self._exit_file = tmp / "exit-0"
        self._shell_pid = 0
        self._socket_path = ""
        self._app_pid: int | None = None
        self.started_pids: list[int] = []
        """Every app process this terminal started, so `close()` can make sure none is left running."""

    def log(self, what: str) -> None:
        """Note a milestone with the seconds since the terminal was made (printed; pytest shows it on failure)."""
        print(f"[{time.monotonic() - self.born:6.1f}s, {self.keys_sent} keys] {what}")

    # -- environment ---------------------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        """The app's environment: every folder it could write to points inside the test's tmp dir."""
        home = self.tmp / "home"
        home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
        env.update(
            HOME=str(home),
            INTERVENTION_WORKBOOK_HOME=str(self.tmp / "workbook-home"),  # never used: --data-dir wins
            XDG_DATA_HOME=str(self.tmp / "xdg-data"),
            XDG_CONFIG_HOME=str(self.tmp / "xdg-config"),
            XDG_STATE_HOME=str(self.tmp / "xdg-state"),
            XDG_CACHE_HOME=str(self.tmp / "xdg-cache"),
            XDG_DOCUMENTS_DIR=str(self.tmp / "documents"),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            LANG="C.UTF-8",
            LC_ALL="C.UTF-8",
            PYTHONDONTWRITEBYTECODE="1",
        )
        for name in ("INTERVENTION_WORKBOOK_PROMPTS", "TEXTUAL", "TEXTUAL_DRIVER", "NO_COLOR"):
            env.pop(name, None)
        return env

    # -- tmux --------------------------------------------------------------------------------------

    def tmux(self, *args: str, check: bool = True) -> str:
        """Run one tmux command on this terminal's own server and return what it printed."""
        assert TMUX is not None
        result = subprocess.run(
            [TMUX, "-u", "-L", self.socket, "-f", str(self._conf), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=20,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, *extra: str) -> None:
        """Start the workbook (`python -m workbook --data-dir DIR`) in a fresh 80x24 window.

        The window runs `sh -c 'python -m workbook ...; echo $? > FILE'`: the shell leads the terminal's
        session, as a login shell does, and records the app's exit code. Closing the window hangs up
        the shell, and the kernel then sends SIGHUP to the app, as when a real terminal is closed.
        """
        self.runs += 1
        self.session = f"app{self.runs}"
        self._exit_file = self.tmp / f"exit-{self.runs}"
        self._exit_file.unlink(missing_ok=True)
        command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "workbook", "--data-dir", str(self.data_dir), *extra))
        script = f"{command}; echo $? > {shlex.quote(str(self._exit_file))}"
        self.tmux(
            "new-session", "-d", "-s", self.session, "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(self.app_root), "--",
            "sh", "-c", script,
        )  # fmt: skip
        self._shell_pid = int(self._pane("#{pane_pid}"))
        self._socket_path = self._pane("#{socket_path}")
        self._app_pid = None
        with contextlib.suppress(TerminalError):
            self.started_pids.append(self.pid)

    def _pane(self, fmt: str, *, check: bool = True) -> str:
        """A tmux format (`#{pane_pid}`...) for the app's window; "" when the window is gone and not `check`."""
        return self.tmux("display-message", "-p", "-t", self.session, fmt, check=check).strip()

    @property
    def pid(self) -> int:
        """The app's process id (the python process the window's shell started)."""
        if self._app_pid is None:
            deadline = time.monotonic() + 10
            while not (found := children(self._shell_pid)):
                if time.monotonic() > deadline:
                    raise TerminalError(f"the app's process did not start; the screen shows:\n{self.screen()}")
                time.sleep(0.02)
            self._app_pid = found[0]
        return self._app_pid

    @property
    def shell_pid(self) -> int:
        """The process id of the window's shell (tmux's `#{pane_pid}`)."""
        return self._shell_pid

    # -- typing ------------------------------------------------------------------------------------

    def pause(self) -> None:
        """The gap between two keys of a person typing."""
        time.sleep(self.rng.uniform(*PACE))

    def type(self, text: str) -> None:
        """Type text one character at a time, at a person's pace, without waiting for the app."""
        for char in text:
            if char == ";":  # a lone ";" is tmux's command separator: send its byte instead
                self.tmux("send-keys", "-t", self.session, "-H", "3b")
            else:
                self.tmux("send-keys", "-t", self.session, "-l", char)
            self.keys_sent += 1
            self.pause()

    def keys(self, *names: str) -> None:
        """Press named keys (tmux names: "F4", "C-n", "Tab", "Enter", "Escape", "BTab"), one at a time."""
        for name in names:
            self.tmux("send-keys", "-t", self.session, name)
            self.keys_sent += 1
            self.pause()
            if name == "Escape":
                # A terminal cannot tell a lone Esc from the start of the next key's escape sequence
                # if the next key follows within a few milliseconds; nobody types that fast after Esc.
                time.sleep(0.15)

    def type_in_background(self, text: str) -> threading.Thread:
        """Go on typing `text` from another thread (for closing the window while keys are still coming)."""

        def typing() -> None:
            with contextlib.suppress(RuntimeError, subprocess.SubprocessError):
                self.type(text)  # fails quietly once the window is gone

        thread = threading.Thread(target=typing, daemon=True)
        thread.start()
        return thread

    # -- looking at the screen ---------------------------------------------------------------------

    def screen(self) -> str:
        """What the terminal shows now, as text (80x24)."""
        return self.tmux("capture-pane", "-p", "-t", self.session, check=False)

    def pane(self) -> str:
        """The open step's words as one line: the right-hand side of a review's screen, without the list
        of steps, the field borders or the scroll bar, so a sentence wrapped over two lines is found whole."""
        right = (line.split("│", 1)[1] if "│" in line else line for line in self.screen().splitlines())
        return " ".join(" ".join(right).translate(_DRAWING).split())

    def history(self) -> str:
        """The screen plus everything that scrolled off it (a traceback printed on exit, for one)."""
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", self.session, check=False)

    def wait_for(self, text: str, timeout: float = WAIT) -> str:
        """Wait until `text` is on screen, as a person watching would; returns the screen."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise TerminalError(f"{text!r} did not appear within {timeout:g}s; the screen shows:\n{shown}")
            if self.is_dead():
                raise TerminalError(f"the app exited while waiting for {text!r}; the terminal shows:\n{self.report()}")
            time.sleep(0.05)

    def wait_for_pane(self, *texts: str, timeout: float = WAIT) -> str:
        """Like `wait_for`, but only in the open step (right of the list of steps), for any of `texts`."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.pane()
            if any(text in shown for text in texts):
                return shown
            if time.monotonic() > deadline:
                raise TerminalError(
                    f"{' or '.join(map(repr, texts))} did not appear in the step within {timeout:g}s; the screen shows:\n{self.screen()}"
                )
            if self.is_dead():
                raise TerminalError(f"the app exited while waiting for {texts[0]!r}; the terminal shows:\n{self.report()}")
            time.sleep(0.05)

    def wait_gone(self, text: str, timeout: float = WAIT) -> str:
        """Wait until `text` is no longer on screen; returns the screen."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text not in shown:
                return shown
            if time.monotonic() > deadline:
                raise TerminalError(f"{text!r} was still on screen after {timeout:g}s:\n{shown}")
            time.sleep(0.05)

    def crashed(self) -> bool:
        """True when the app has crashed: a traceback on screen, or a crash log in the data folder."""
        return "Traceback" in self.history() or bool(self.crash_logs())

    def crash_logs(self) -> str:
        """The end of every crash log the app wrote in the data folder (`crash-<time>.log`), or ""."""
        parts = []
        for log in sorted(self.data_dir.glob("crash-*.log")):
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
            parts.append(f"--- {log.name} (last lines) ---\n{tail}")
        return "\n".join(parts)

    def report(self) -> str:
        """Everything useful after a failure: the terminal (with what scrolled off) and any crash log."""
        return f"{self.history().rstrip()}\n{self.crash_logs()}".rstrip()

    # -- the process -------------------------------------------------------------------------------

    def is_dead(self) -> bool:
        """True when the app has exited (its exit code is recorded) or its window is gone."""
        if self._exit_file.exists():
            return True
        return self._pane("#{pane_dead}", check=False) in ("1", "")

    def running(self) -> bool:
        """True when the app is still running and has not shown a traceback."""
        return not self.is_dead() and not self.crashed()

    def exited(self, timeout: float = 10.0) -> int | None:
        """Wait for the app to exit and return its exit code (None if it still runs after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self._exit_file.read_text().strip() if self._exit_file.exists() else ""
            if text.isdigit():
                return int(text)
            time.sleep(0.05)
        return None

    def quit(self, timeout: float = WAIT) -> int:
        """Ctrl+Q, as a person quits, then wait for the app to end; returns the exit code."""
        self.keys("C-q")
        code = self.exited(timeout)
        if code is None:
            raise TerminalError(f"the app did not exit within {timeout:g}s of Ctrl+Q; the screen shows:\n{self.screen()}")
        return code

    def hang_up(self) -> int:
        """Close the terminal window abruptly (kill the tmux session, so the app gets SIGHUP); returns the app's pid."""
        pid = self.pid
        self.tmux("kill-session", "-t", self.session, check=False)
        return pid

    def close(self) -> None:
        """Stop this terminal's tmux server, and any app process it started that is somehow still running."""
        if TMUX is not None:
            subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, env=self.env, timeout=20, check=False)
        if self._socket_path:
            Path(self._socket_path).unlink(missing_ok=True)  # tmux leaves its socket file behind
        self.stop_leftovers()

    def stop_leftovers(self, pids: Iterable[int] | None = None) -> list[int]:
        """Stop (SIGTERM, then SIGKILL) the app processes this terminal started (or just `pids` of them)
        that still run; returns their pids."""
        stopped = []
        for pid in self.started_pids if pids is None else [p for p in pids if p in self.started_pids]:
            if process_gone(pid):
                continue
            stopped.append(pid)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, sig)
                if wait_process_gone(pid, 1.0) is not None:
                    break
        return stopped

    # -- reading back what was saved -----------------------------------------------------------------

    def export(self, title: str) -> dict[str, Any]:
        """The review as a JSON bundle, exported from the data folder by the command line."""
        out = self.tmp / f"export-{time.monotonic_ns()}.json"
        result = subprocess.run(
            [sys.executable, "-m", "workbook", "--data-dir", str(self.data_dir), "export", title, "--format", "json", "--output", str(out)],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.app_root,
            timeout=60,
        )
        assert result.returncode == 0, f"export failed ({result.returncode}): {result.stderr}"
        bundle: dict[str, Any] = json.loads(out.read_text())
        return bundle


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (read from /proc, or from `ps` where there is no /proc)."""
    proc = Path("/proc")
    if proc.is_dir():
        found = []
        for entry in proc.iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[-1].split()[1]) == pid:
                    found.append(int(entry.name))
        return sorted(found)
    result = subprocess.run(["ps", "-A", "-o", "pid=,ppid="], capture_output=True, text=True, check=False)
    pairs = (line.split() for line in result.stdout.splitlines())
    return sorted(int(p) for p, parent in pairs if int(parent) == pid)


def process_gone(pid: int) -> bool:
    """True when `pid` no longer runs (a zombie waiting to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] in ("Z", "X")


def wait_process_gone(pid: int, timeout: float) -> float | None:
    """Seconds until `pid` ended, or None if it still runs after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process_gone(pid):
            return time.monotonic() - started
        time.sleep(0.02)
    return None


# -- the workbook's own flows, as a person goes through them ------------------------------------------

STEP_MARKERS: tuple[tuple[str, ...], ...] = (
    ("When was the intervention?",),
    ("Add moments from before, during and after", "Add entry (F4)"),
    ("Add everyone who was there", "Add person (F4)"),
    ("What name does your family use for them?",),
    ("used by the US Army",),
    ("not at anyone's character",),
    ("prepare calm answers for next time",),
    ("not to judge the choice you made",),
    ("Proposals Details Options",),
)
"""Words on screen that tell a person which step is open (any one of them), by step number (0 = What happened).

For the four cause steps it is the end of the step's "Why we ask", just above its first question."""


def new_review(term: Terminal, title: str, name: str, relationship: str, *, first_run: bool = True) -> None:
    """From a fresh start: the welcome (first run), N, a title, then "Who is writing?", typed without pauses."""
    if first_run:
        term.wait_for("Begin (Enter)")
        term.keys("Enter")
    term.wait_for("Your reviews")
    term.type("n")
    term.wait_for("Start a new review")
    term.type(title)
    term.keys("Enter")
    term.wait_for("Who is writing?")
    term.type(name)
    term.keys("Tab")
    term.type(relationship)
    term.keys("Enter")
    term.wait_for(f"Writing as {name} ({relationship})")


def open_review(term: Terminal, title: str, *, writer: str, moves: tuple[str, ...] = ()) -> None:
    """From a fresh start: open the (only or first) review and pick a writer already in it.

    The writer list starts on whoever wrote last; `moves` ("Up", "Down") choose another.
    """
    term.wait_for(title)
    term.keys("Enter")
    term.wait_for("Choose your name")
    term.keys(*moves, "Enter")
    term.wait_for(f"Writing as {writer}")


def add_writer(term: Terminal, name: str, relationship: str) -> None:
    """F2, then add a new writer (Tab from the list of writers to the name field), typed without pauses."""
    term.keys("F2")
    term.wait_for("Or add someone new")
    term.keys("Tab")
    term.type(name)
    term.keys("Tab")
    term.type(relationship)
    term.keys("Enter")
    term.wait_for(f"Writing as {name} ({relationship})")


def go_to_step(term: Terminal, number: int, *, now: int | None = None) -> None:
    """F3 to the list of steps, up or down to step `number`, Enter; then look for the step.

    `now` is the step open now (the list starts there); without it, go up to the top first.
    """
    moves = ["Up"] * (len(STEP_MARKERS) - 1) + ["Down"] * number if now is None else ["Up" if number < now else "Down"] * abs(number - now)
    term.keys("F3", *moves, "Enter")
    wait_for_step(term, number)


def wait_for_step(term: Terminal, number: int) -> None:
    """Look at the screen until step `number` is open."""
    term.wait_for_pane(*STEP_MARKERS[number])
