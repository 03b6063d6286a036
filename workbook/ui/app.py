"""The Textual application: screens, the always-available safety key, and a clean quit.

Quitting never drops words: Ctrl+Q quits only once every open review is on disk (when a save
fails it asks first, see screens/quit.py); a hang-up (the terminal closed) or SIGTERM saves, or
keeps an emergency copy in the data folder, and the process then ends within a few seconds even
if Textual gets stuck closing a terminal that is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import termios
import threading
import time
import traceback
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from ..model import Review
from ..prompts import NOT_VERIFIED, Prompts, Resource
from ..storage import CorruptDatabaseError, StorageError
from ..store import ReviewStore, ReviewSummary
from .keygate import KeyGate
from .screens.dialogs import GuideList, GuidePage
from .screens.home import READ_ONLY_OPEN, HomeScreen

if TYPE_CHECKING:
    from .screens.review import ReviewScreen


def checked_short(resource: Resource) -> str:
    """ "Checked 2026-12-02", or "Not yet verified": whether a number was confirmed, in a few words."""
    if resource.unverified:
        return NOT_VERIFIED
    return " ".join(resource.verified.split()[:2])


def safety_markdown(prompts: Prompts) -> str:
    """The safety page: who to call first (so it is on screen at once), then the guidance, then details."""
    guide = prompts.guides.get("safety")
    title = guide.title if guide else "Safety"
    quick = "\n".join(f"- **{r.name}**: {r.contact}" for r in prompts.resources[:3])
    # The screen is narrow: "Checked <date>" or "Not yet verified" here; the source of each check is in the export.
    rows = "\n".join(f"| {r.name} | {r.contact} | {r.what} | {checked_short(r)} |" for r in prompts.resources)
    table = f"| Who | How to reach them | What they do | Checked |\n|---|---|---|---|\n{rows}"
    body = guide.body if guide else ""
    return f"# {title}\n\n{quick}\n\n{body}\n\n## Who to contact\n\n{table}\n"


class WorkbookApp(KeyGate):
    """Intervention Workbook."""

    CSS_PATH = Path(__file__).parent / "workbook.tcss"  # absolute, so subclasses elsewhere find it too
    TITLE = "Intervention Workbook"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "safety", "Safety", tooltip="Overdose signs, naloxone and who to call", priority=True, show=False),
        Binding("f9", "guides", "Guides", tooltip="Approaches side by side, about blame, and the welcome page", id="guides"),
        Binding("ctrl+q", "quit", "Quit", tooltip="Save everything and close the workbook", priority=True, id="quit"),
    ]

    def __init__(self, store: ReviewStore, prompts: Prompts) -> None:
        super().__init__()
        self.store = store
        self.prompts = prompts

    def on_mount(self) -> None:
        self.push_screen(HomeScreen(self.store, self.prompts))
        if not self.store.setting("welcome_seen", False):
            self.show_welcome()
        for notice in self.store.notices:
            # Once, at start, and long enough to read: such as "your reviews were readable by others; fixed".
            self.notify(notice, severity="warning", timeout=60, markup=False)
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._hang_up)
        except (NotImplementedError, RuntimeError):
            pass  # not on the main thread (tests) or not supported: quitting still saves

    HANG_UP_GRACE = 2.0
    """Seconds the app may take to close after a hang-up before the process is ended anyway."""

    emergency_copies: tuple[Path, ...] = ()
    """Copies of reviews that could not be saved, written into the data folder on a hang-up or crash."""

    unsaved_titles: tuple[str, ...] = ()
    """Reviews whose last changes could be neither saved nor copied on a hang-up or crash (for the exit message)."""

    def _hang_up(self) -> None:
        """The terminal closed or we were asked to stop: save what is open, then exit."""
        kept = False
        try:
            kept = self._save_or_keep_copies()
        finally:
            # After a hang-up Textual can block for ever while closing (its output thread waits on a terminal
            # that is gone). The process would then hold the folder's lock unseen, and every later start would
            # say the workbook is already open. Everything is saved by now, so it is safe to end it regardless.
            self._start_exit_watchdog(0 if kept else 1)
            self.exit()

    def _start_exit_watchdog(self, code: int) -> None:
        grace = self.HANG_UP_GRACE

        def end_anyway() -> None:
            time.sleep(grace)
            self._end_process(code)  # only reached when the normal exit has not finished: it is stuck

        threading.Thread(target=end_anyway, name="workbook-exit-watchdog", daemon=True).start()

    def _end_process(self, code: int) -> None:
        """End the process now, without Textual's tidying (called from the watchdog thread)."""
        with contextlib.suppress(Exception):
            self._restore_terminal()
        with contextlib.suppress(Exception):
            self.store.release_lock()
        os._exit(code)

    def _restore_terminal(self) -> None:
        """Leave a terminal that is still open usable: line mode, the normal screen, a cursor, no mouse reports.

        Only matters after SIGTERM with the window still open, if Textual was too slow to do it itself.
        Never blocks: a terminal that is gone fails to open, and the write does not wait for a stalled one.
        """
        try:
            fd = os.open("/dev/tty", os.O_RDWR | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError:
            return  # no terminal any more (the usual case after a hang-up)
        try:
            attrs = getattr(self._driver, "attrs_before", None)
            if attrs is not None:
                termios.tcsetattr(fd, termios.TCSANOW, attrs)
            os.write(fd, b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?7h\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l")
        finally:
            os.close(fd)

    def _save_or_keep_copies(self) -> bool:
        """Save every open review; keep a copy of any that cannot be saved in the data folder.

        For when there is nobody to ask (a hang-up, a crash). True when every review's words are
        on disk somewhere.
        """
        from .screens.quit import emergency_copy

        kept = True
        for screen in self.save_all():
            try:
                copy = emergency_copy(screen.store.root, screen.review)
            except OSError:
                kept = False
                self.unsaved_titles = (*self.unsaved_titles, screen.review.title)
            else:
                self.emergency_copies = (*self.emergency_copies, copy)
        return kept

    def _handle_exception(self, error: Exception) -> None:
        # Whatever went wrong, the family's words are saved (or copied into the data folder) before the app stops.
        with contextlib.suppress(Exception):
            self._save_or_keep_copies()
        super()._handle_exception(error)
        # Textual would print its traceback, with the values of local variables (the family's words), on the
        # terminal. The command line writes it to a crash log instead and tells the family in plain words.
        self._exit_renderables.clear()

    def crash_report(self) -> str | None:
        """The traceback of the error that stopped the app (for the crash log), or None if there was none."""
        error = self._exception
        return "".join(traceback.format_exception(error)) if error is not None else None

    def _review_screens(self) -> list[ReviewScreen]:
        from .screens.review import ReviewScreen

        return [screen for screen in self.screen_stack if isinstance(screen, ReviewScreen)]

    def save_all(self) -> list[ReviewScreen]:
        """Save and close every open review; returns those whose last changes could not be saved."""
        unsaved = []
        for screen in self._review_screens():
            screen.close_review()
            if not screen.save_now():  # still not on disk after close_review's tries
                unsaved.append(screen)
        return unsaved

    def show_welcome(self) -> None:
        guide = self.prompts.guides.get("welcome")
        text = f"# {guide.title}\n\n{guide.body}" if guide else "# Welcome"
        where = (
            f"Your reviews are kept only on this computer, in:\n  {self.store.root}\n"
            "Only your user account can read them. Nothing is sent anywhere unless you export a summary yourself."
        )
        self.push_screen(GuidePage(text, extra=where, close_label="Begin (Enter)", page_id="welcome"), lambda _: self._welcome_seen())

    def _welcome_seen(self) -> None:
        with contextlib.suppress(StorageError):  # only means the welcome shows again next time
            self.store.set_setting("welcome_seen", True)

    def action_safety(self) -> None:
        if isinstance(self.screen, GuidePage) and self.screen.id == "safety":
            return
        self.push_screen(GuidePage(safety_markdown(self.prompts), page_id="safety"))

    @work
    async def action_guides(self) -> None:
        if isinstance(self.screen, GuideList):
            return
        choices = [(g.id, g.title) for g in self.prompts.guides.values() if g.id != "safety"]
        chosen = await self.push_screen_wait(GuideList(choices))
        if chosen == "welcome":
            self.show_welcome()
        elif chosen is not None:
            guide = self.prompts.guides[chosen]
            self.push_screen(GuidePage(f"# {guide.title}\n\n{guide.body}", page_id=f"guide-{chosen}"))

    @work
    async def open_review(self, review_id: str) -> None:
        """Open a review; a damaged file is explained and its newest backup offered."""
        from .screens.damaged import offer_restore

        try:
            review = self.store.load(review_id)
        except CorruptDatabaseError as error:
            self.refresh_reviews()  # the file may just have been moved aside: the list shows what is there now
            title = next((s.title for s in self._listed() if s.id == review_id), "This review")
            await offer_restore(self, review_id, title, error.reason)
            return
        except StorageError as error:
            self.notify(str(error), severity="error", timeout=30, markup=False)
            return
        self.show_review(review)

    @work
    async def open_damaged(self, review_id: str, title: str, reason: str) -> None:
        """A review the list already knows is damaged: explain, and offer its backup, without reading it again."""
        from .screens.damaged import offer_restore

        await offer_restore(self, review_id, title, reason)

    def show_review(self, review: Review) -> None:
        """Show an opened review: for editing, or as a summary to read when the folder is read-only."""
        if self.store.read_only:
            # Nothing typed there could be saved, so offer no place to type: the summary shows every word.
            from .screens.export import ExportScreen

            self.push_screen(ExportScreen(review, self.prompts))
            self.notify(READ_ONLY_OPEN, timeout=20, markup=False)
            return
        from .screens.review import ReviewScreen  # loaded when first needed: start-up shows only the list

        self.push_screen(ReviewScreen(self.store, self.prompts, review))

    def _listed(self) -> list[ReviewSummary]:
        home = next((screen for screen in self.screen_stack if isinstance(screen, HomeScreen)), None)
        return home.summaries if home is not None else []

    def refresh_reviews(self, select: str | None = None) -> None:
        """Read the list of reviews again (after a file was moved aside or restored)."""
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.reload(select=select)

    async def action_quit(self) -> None:
        from .screens.quit import UnsavedQuit

        if isinstance(self.screen, UnsavedQuit):
            self.screen.action_try_again()  # Ctrl+Q again while asked: one more try at saving
            return
        if any(isinstance(screen, UnsavedQuit) for screen in self.screen_stack):
            return  # still asked, under a page opened from the dialog (F1): the answer comes from there
        self._quit_when_saved(frozenset())

    def _quit_when_saved(self, settled: frozenset[str]) -> None:
        """Quit once every open review is on disk; for one that cannot be saved, ask what to do first.

        `settled` holds the ids of reviews already saved or copied elsewhere from the dialog.
        """
        from .screens.quit import UnsavedQuit

        for screen in self._review_screens():
            review_id = screen.review.id
            if review_id in settled:
                continue
            problem = self._save_review(screen)
            if problem is not None:

                def decided(may_quit: bool | None, review_id: str = review_id) -> None:
                    if may_quit:
                        self._quit_when_saved(settled | {review_id})

                self.push_screen(UnsavedQuit(screen.review, problem, partial(self._save_review, screen)), decided)
                # The dialog says it all, in one place. Later, not now: the failed save's own warning is still
                # on its way to the screen (notifications arrive as messages, in order).
                self.call_later(self.clear_notifications)
                return
        self.save_all()
        self.exit()

    def _save_review(self, screen: ReviewScreen) -> str | None:
        """Save one open review now: None when its words are on disk, otherwise why not, in plain words."""
        from .screens.quit import describe_save_problem

        if screen.save_now():
            return None
        try:  # once more, directly, only to learn why: save_now tells the family in a notification
            screen.store.save(screen.review)
        except (StorageError, OSError) as error:
            return describe_save_problem(error)
        # It worked this time: let the review's own status line say so.
        return None if screen.save_now() else "the disk did not accept the changes"

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        from .screens.quit import UnsavedQuit

        stack = self.screen_stack
        if severity == "error" and stack and isinstance(stack[-1], UnsavedQuit):
            # The dialog already says the words are not saved, and why. The review keeps retrying in the
            # background every two seconds, and each failure would stack the same warning over the dialog.
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action with a key also appears in the command palette (Ctrl+P)."""
        yield from super().get_system_commands(screen)
        seen: set[str] = {"quit"}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.action in seen or not binding.description or not active.enabled:
                continue
            seen.add(binding.action)
            node = active.node

            async def run(node: object = node, action: str = binding.action) -> None:
                await self.run_action(action, node)  # type: ignore[arg-type]

            yield SystemCommand(binding.description, binding.tooltip or binding.description, run)
