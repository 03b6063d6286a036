"""Quitting while a review cannot be saved (a full disk, a folder gone read-only).

Ctrl+Q normally saves and quits at once. When a save fails, quitting then would throw away the
words still on screen, so `UnsavedQuit` asks first and offers three ways on: try the save again,
save a copy somewhere else (a bundle, as `export --format json` writes, which `import` brings back),
or keep writing. It lets the app quit only once the words are on disk, in one place or the other.

`write_copy` and `emergency_copy` are also used on hang-up, when there is no screen to ask on.
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, Static

from ...bundle import to_bundle
from ...model import Review
from ...paths import documents_dir
from .base import WorkbookModal

_PLAIN_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "you have used all the disk space you are allowed",
    errno.EROFS: "the disk can only be read at the moment, not written to",
    errno.EACCES: "the workbook is not allowed to write there",
    errno.EPERM: "the workbook is not allowed to write there",
    errno.ENOENT: "the folder is not there any more",
    errno.EIO: "the disk reported an error",
}


def describe_save_problem(error: BaseException) -> str:
    """Why a save failed, in a few plain words (no error numbers)."""
    if isinstance(error, OSError) and error.errno in _PLAIN_REASONS:
        return _PLAIN_REASONS[error.errno]
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error).strip().rstrip(".") or "the disk did not accept the changes"


def write_copy(path: Path, review: Review) -> Path:
    """Write the review as a bundle at `path`, readable only by the user, never over an existing file.

    Returns the full path written. Raises FileExistsError when something is already there, and
    other OSErrors (the folder missing, a full disk); a half-written file is removed.
    """
    path = path.expanduser().absolute()
    payload = to_bundle(review).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # an unusual umask could have taken bits off even 0600
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # O_EXCL means the file is ours: a half copy would only mislead
        raise
    return path


def _stamp() -> str:
    return datetime.now().strftime("%Y-%m-%d-%H%M%S")


def emergency_copy(folder: Path, review: Review) -> Path:
    """Keep a review that could not be saved as `<folder>/unsaved-<id>-<time>.json` (for hang-up and crashes)."""
    stamp = _stamp()
    for number in range(1, 100):
        name = f"unsaved-{review.id}-{stamp}.json" if number == 1 else f"unsaved-{review.id}-{stamp}-{number}.json"
        try:
            return write_copy(folder / name, review)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "too many copies with the same time", str(folder))


def default_copy_path(review: Review) -> Path:
    """Where a copy is offered by default: the documents folder (or home), named after the review."""
    ascii_title = unicodedata.normalize("NFKD", review.title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:40].strip("-") or "review"
    return documents_dir() / f"{slug}-copy-{_stamp()}.json"


class UnsavedQuit(WorkbookModal[bool]):
    """The last changes are not saved: try again, save a copy elsewhere, or keep writing.

    Dismissed with True once the review is saved (by trying again) or copied, so the app may quit;
    with False to keep writing.
    """

    BINDINGS = [
        Binding("t", "try_again", "Try again", tooltip="Try to save once more, and quit if it works"),
        Binding("c", "copy", "Save a copy", tooltip="Save your words somewhere else, such as a USB stick"),
        Binding("q", "quit_now", "Quit now", tooltip="Close the workbook: your words are in the copy"),
        Binding("escape", "keep_writing", "Keep writing", tooltip="Close this and go back to your writing"),
    ]

    def __init__(self, review: Review, problem: str, retry: Callable[[], str | None]) -> None:
        """`problem` says why the save failed; `retry` saves again and returns None, or why it failed again."""
        super().__init__(classes="dialog-screen", id="unsaved-quit")
        self.review = review
        self._problem = problem
        self._retry = retry
        self.copied_to: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog unsaved-quit"):
            yield Label("Your last changes are not saved yet", classes="dialog-title")
            yield Static(
                f"The workbook could not save \u201c{self.review.title}\u201d because {self._problem}.\n"
                "Your words are still here on screen. Before closing, please try saving again, "
                "or save a copy somewhere else (another folder, or a USB stick).",
                id="why",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons", id="choices"):
                yield Button("Try again (T)", variant="primary", id="try-again")
                yield Button("Save a copy elsewhere (C)", id="copy")
                yield Button("Keep writing (Esc)", id="keep-writing")
            with Vertical(id="copy-to"):
                yield Label("Save a copy to this file (you can change the name or the folder):")
                yield Input(str(default_copy_path(self.review)), id="copy-path")
                yield Static("Press Enter to save the copy. A file that is already there is never replaced.", classes="q-help")
            yield Static("", id="problem", classes="problem", markup=False)
            yield Static("", id="copied", markup=False)
            with Horizontal(classes="dialog-buttons", id="after-copy"):
                yield Button("Quit now (Q)", variant="primary", id="quit-now")
                yield Button("Keep writing (Esc)", id="keep-writing-after")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#copy-to").display = False
        self.query_one("#after-copy").display = False
        self.query_one("#try-again", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_now":
            return self.copied_to is not None
        if action in ("try_again", "copy"):
            return self.copied_to is None
        return True

    def _say(self, problem: str) -> None:
        self.query_one("#problem", Static).update(problem)

    @on(Button.Pressed, "#try-again")
    def action_try_again(self) -> None:
        """Save once more: quit if it worked, say why not if it did not."""
        if self.copied_to is not None:
            self.dismiss(True)
            return
        problem = self._retry()
        if problem is None:
            self.dismiss(True)
            return
        self._say(f"Still not saved: {problem}. You can free some space and try again, or save a copy elsewhere.")

    @on(Button.Pressed, "#copy")
    def action_copy(self) -> None:
        """Show where the copy will go, ready to change; Enter saves it."""
        self.query_one("#copy-to").display = True
        field = self.query_one("#copy-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted, "#copy-path")
    def _save_copy(self) -> None:
        text = self.query_one("#copy-path", Input).value.strip()
        if not text:
            self._say("Please type where to save the copy, for example a file name in your home folder.")
            return
        path = Path(text).expanduser().absolute()
        if path.is_dir():
            path = path / default_copy_path(self.review).name
        if not path.parent.is_dir():
            self._say(f"There is no folder {path.parent}, so nothing was saved. Please choose another place.")
            return
        try:
            written = write_copy(path, self.review)
        except FileExistsError:
            self._say(f"There is already a file at {path}, so nothing was saved there. Please choose another name.")
            return
        except OSError as error:
            self._say(f"The copy could not be saved at {path}, because {describe_save_problem(error)}. Please choose another place.")
            return
        self.copied_to = written
        self._say("")
        self.query_one("#copy-to").display = False
        self.query_one("#choices").display = False
        self.query_one("#copied", Static).update(
            f"A copy of your words was saved to:\n  {written}\n"
            "Only your user account can read it. Please keep it: it can be brought back into\n"
            "the workbook later with \u201cintervention-workbook import\u201d and the file's name.\n"
            "You can quit now, or keep writing."
        )
        self.query_one("#after-copy").display = True
        self.query_one("#quit-now", Button).focus()
        self.refresh_bindings()

    @on(Button.Pressed, "#quit-now")
    def action_quit_now(self) -> None:
        if self.copied_to is not None:
            self.dismiss(True)

    @on(Button.Pressed, "#keep-writing")
    @on(Button.Pressed, "#keep-writing-after")
    def action_keep_writing(self) -> None:
        self.dismiss(False)
