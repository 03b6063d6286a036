"""A small harness for timing programs in a real terminal: a private tmux server, 120x40 panes.

The server runs on its own socket (`tmux -L <name>`), so it never touches anyone's tmux sessions, and a
placeholder session keeps it alive between runs. Commands go through one control-mode client (`tmux -C`)
kept open for the whole run, so a `capture-pane` or `send-keys` costs a round trip on a pipe (well under
a millisecond) rather than starting a tmux process (about 4 ms here), which keeps the harness's own share
of every keystroke figure small.
Every command given to tmux is prefixed with `exec`, so the pane's process *is* the program (its pid is
`#{pane_pid}`, which is where peak memory is read from). Panes stay after their program exits, so a
crash can be shown rather than mistaken for a slow start.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

WIDTH, HEIGHT = 120, 40


class PaneError(RuntimeError):
    """The program in a pane exited or never showed what was expected."""


class Tmux:
    """A private tmux server for one benchmark run."""

    def __init__(self, env: dict[str, str], name: str | None = None) -> None:
        self.name = name or f"wb-bench-{os.getpid()}"
        self._count = 0
        server = ["tmux", "-L", self.name, "-f", "/dev/null", "new-session", "-d", "-s", "keep", "-x", str(WIDTH), "-y", str(HEIGHT)]
        subprocess.run([*server, "sleep 100000"], check=True, capture_output=True, env=env)  # panes inherit the server's environment
        self._client = subprocess.Popen(["tmux", "-L", self.name, "-C", "attach-session", "-t", "keep"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._reply()  # the attach itself answers with an empty block
        self._socket = self.run("display-message", "-p", "#{socket_path}").strip()
        for option in (("remain-on-exit", "on"), ("default-terminal", "tmux-256color"), ("status", "off"), ("escape-time", "0")):
            self.run("set-option", "-g", *option)

    def _reply(self) -> tuple[bool, list[str]]:
        """Read one %begin ... %end (or %error) block from the control client; (ok, lines)."""
        out: IO[bytes] = self._client.stdout  # type: ignore[assignment]
        lines: list[str] = []
        inside = False
        while True:
            raw = out.readline()
            if not raw:
                raise PaneError("the tmux control client stopped")
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if not inside:
                inside = line.startswith("%begin ")  # anything else between blocks is a notification
                continue
            if line.startswith(("%end ", "%error ")):
                return line.startswith("%end "), lines
            lines.append(line)

    def run(self, *args: str) -> str:
        """Run one tmux command on the private server and return its output."""
        line = " ".join("'" + arg.replace("'", "'\"'\"'") + "'" for arg in args) + "\n"
        stdin: IO[bytes] = self._client.stdin  # type: ignore[assignment]
        stdin.write(line.encode())
        stdin.flush()
        ok, lines = self._reply()
        if not ok:
            raise PaneError(f"tmux {' '.join(args)} failed: {' '.join(lines)}")
        return "\n".join(lines) + ("\n" if lines else "")

    def start(self, argv: Sequence[str], cwd: Path | None = None) -> str:
        """Start a program in a new 120x40 session and return its target name (as soon as tmux has forked it)."""
        self._count += 1
        target = f"run{self._count}"
        command = "exec " + shlex.join(argv)
        cwd_args = ["-c", str(cwd)] if cwd else []
        self.run("new-session", "-d", "-s", target, "-x", str(WIDTH), "-y", str(HEIGHT), *cwd_args, command)
        return target

    def capture(self, target: str) -> str:
        """What the pane shows now, as plain text."""
        return self.run("capture-pane", "-p", "-t", target)

    def pane(self, target: str, field: str) -> str:
        return self.run("display-message", "-p", "-t", target, f"#{{{field}}}").strip()

    def pid(self, target: str) -> int:
        return int(self.pane(target, "pane_pid"))

    def dead(self, target: str) -> bool:
        return self.pane(target, "pane_dead") == "1"

    def send(self, target: str, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", target, *(["-l"] if literal else []), *keys)

    def wait_for(self, target: str, test: Callable[[str], bool], timeout: float = 20.0, poll: float = 0.002) -> float:
        """Poll the pane until `test(screen)` is true; returns the time.perf_counter() when it was first seen."""
        deadline = time.perf_counter() + timeout
        checks = 0
        while True:
            screen = self.capture(target)
            now = time.perf_counter()
            if test(screen):
                return now
            checks += 1
            if now > deadline or (checks % 25 == 0 and self.dead(target)):
                tail = "\n".join(line for line in screen.splitlines() if line.strip())[-1500:]
                state = "exited" if self.dead(target) else f"showed something else after {timeout:.0f} s"
                raise PaneError(f"the program in {target} {state}. Its screen:\n{tail}")
            if poll:
                time.sleep(poll)

    def stop(self, target: str, keys: Sequence[str] = ("C-q",), timeout: float = 10.0) -> float:
        """Ask the program to quit with `keys`, wait until it has exited, and remove its session; returns seconds taken."""
        started = time.perf_counter()
        try:
            if not self.dead(target):
                self.send(target, *keys)
            deadline = started + timeout
            while not self.dead(target):
                if time.perf_counter() > deadline:
                    raise PaneError(f"the program in {target} did not quit within {timeout:.0f} s")
                time.sleep(0.02)
        finally:
            self.run("kill-session", "-t", target)
        return time.perf_counter() - started

    def close(self) -> None:
        """Stop the private server (and anything still running in it)."""
        self._client.kill()
        self._client.wait()
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True, check=False)
        if self._socket.startswith("/"):
            Path(self._socket).unlink(missing_ok=True)  # tmux leaves the socket file behind after kill-server


def peak_rss_kib(pid: int) -> int:
    """VmHWM (peak resident set size) of a running process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise PaneError(f"process {pid} reports no VmHWM")
