"""The Textual application: screens, the always-available safety key, and a clean quit."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..prompts import Prompts
from ..storage import CorruptDatabaseError, StorageError
from ..store import ReviewStore
from .screens.dialogs import Confirm, GuideList, GuidePage
from .keygate import KeyGate
from .screens.home import HomeScreen


def safety_markdown(prompts: Prompts) -> str:
    """The safety page: who to call first (so it is on screen at once), then the guidance, then details."""
    guide = prompts.guides.get("safety")
    title = guide.title if guide else "Safety"
    quick = "\n".join(f"- **{r.name}**: {r.contact}" for r in prompts.resources[:3])
    rows = "\n".join(f"| {r.name} | {r.contact} | {r.what} | {r.verified} |" for r in prompts.resources)
    table = f"| Who | How to reach them | What they do | Last checked |\n|---|---|---|---|\n{rows}"
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
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._hang_up)
        except (NotImplementedError, RuntimeError):
            pass  # not on the main thread (tests) or not supported: quitting still saves

    def _hang_up(self) -> None:
        """The terminal closed or we were asked to stop: save what is open, then exit."""
        self.save_all()
        self.exit()

    def _handle_exception(self, error: Exception) -> None:
        # Whatever went wrong, the family's words are saved before the app stops.
        with contextlib.suppress(Exception):
            self.save_all()
        super()._handle_exception(error)

    def save_all(self) -> None:
        from .screens.review import ReviewScreen

        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.close_review()

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
        try:
            review = self.store.load(review_id)
        except CorruptDatabaseError as error:
            if not error.backups:
                self.notify(str(error), severity="error", timeout=30, markup=False)
                return
            restore = await self.push_screen_wait(
                Confirm("This review's file is damaged", f"{error}\n\nRestore the backup now?", "Restore the backup")
            )
            if not restore:
                self.notify(f"Nothing was changed. The damaged file is kept at {error.quarantined_to}.", timeout=20, markup=False)
                return
            try:
                review = self.store.restore_backup(review_id)
            except StorageError as again:
                self.notify(str(again), severity="error", timeout=30, markup=False)
                return
            self.notify(
                "The backup was restored. Changes made after it may be missing; the damaged file was kept.", timeout=20, markup=False
            )
        except StorageError as error:
            self.notify(str(error), severity="error", timeout=30, markup=False)
            return
        from .screens.review import ReviewScreen  # loaded when first needed: start-up shows only the list

        self.push_screen(ReviewScreen(self.store, self.prompts, review))

    async def action_quit(self) -> None:
        self.save_all()
        self.exit()

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
