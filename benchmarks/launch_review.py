"""Start the real workbook app straight into one review, for the typing benchmark.

It is `WorkbookApp` with the same store and prompts `intervention-workbook` uses, plus two things:
on mount it opens the given review (as choosing it in the list does), and once the writer has been
picked (the harness presses Enter in the real "Who is writing?" dialog) and the step has put the cursor
in its first field, it moves the cursor to the end of the writer's answer in a long-text question
(a TextArea) and writes `--ready-file`. Everything else, autosave included, is the app's own code.

Usage: python benchmarks/launch_review.py --data-dir DIR --review ID [--question supposed] [--ready-file FILE] [--profile FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.timer import Timer  # noqa: E402
from textual.widgets import TextArea  # noqa: E402

from workbook.progress import review_progress  # noqa: E402
from workbook.prompts import Prompts, load_prompts  # noqa: E402
from workbook.store import ReviewStore  # noqa: E402
from workbook.ui.app import WorkbookApp  # noqa: E402
from workbook.ui.screens.review import ReviewScreen  # noqa: E402
from workbook.ui.widgets.form_step import FormStep  # noqa: E402


class ReviewLauncher(WorkbookApp):
    """The workbook, opening one review at start and parking the cursor in a long answer."""

    def __init__(self, store: ReviewStore, prompts: Prompts, review_id: str, question: str, ready_file: Path | None) -> None:
        super().__init__(store, prompts)
        self.review_id = review_id
        self.question = question
        self.ready_file = ready_file
        self._watch: Timer | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.open_review(self.review_id)
        self._watch = self.set_interval(0.05, self._park_cursor)

    def _park_cursor(self) -> None:
        if not isinstance(self.screen, ReviewScreen):
            return  # still on the list, or the writer dialog is open
        focused = self.focused
        if focused is None or not any(isinstance(node, FormStep) for node in focused.ancestors):
            return  # wait for the step's own focus_first(), or it would take the focus back
        areas = self.screen.query(f"#q-{self.question} TextArea")
        if not areas:
            return
        area = areas.first(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        if self._watch is not None:
            self._watch.stop()
        if self.ready_file is not None:
            ready = self.ready_file
            self.call_after_refresh(lambda: ready.write_text("ready\n"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--review", required=True, help="the review's id")
    parser.add_argument("--question", default="supposed", help="id of a long-text question in the review's current step")
    parser.add_argument("--ready-file", type=Path, help="written once the cursor is in the answer")
    parser.add_argument("--profile", type=Path, help="write cProfile statistics of the whole session to this file (for diagnosis)")
    args = parser.parse_args()
    prompts = load_prompts()
    store = ReviewStore(args.data_dir.resolve(), progress=lambda review: review_progress(review, prompts))
    profiler = cProfile.Profile() if args.profile else None
    try:
        if profiler:
            profiler.enable()
        ReviewLauncher(store, prompts, args.review, args.question, args.ready_file).run()
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
