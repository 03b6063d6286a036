"""Shared fixtures: every test gets its own data folder and never sees the real one."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbook.paths import ENV_HOME

from .termkit import Terminal


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every place the app could write at a temporary folder."""
    home = tmp_path / "workbook-home"
    monkeypatch.setenv(ENV_HOME, str(home))
    for kind in ("DATA", "CONFIG", "STATE", "CACHE"):
        monkeypatch.setenv(f"XDG_{kind}_HOME", str(tmp_path / f"xdg-{kind.lower()}"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "documents"))
    yield home


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    """The data folder the app will use in this test."""
    return isolated_dirs


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    """A real-terminal test's window (tests/termkit.py): a private tmux server for one test.

    It is always stopped, and its last screen is printed for a failure report.
    """
    terminal = Terminal(tmp_path)
    try:
        yield terminal
    finally:
        with contextlib.suppress(Exception):
            print(f"--- the terminal at the end of the test ---\n{terminal.report()}")
        terminal.close()
