"""Command line entry point: `intervention-workbook` (or `python -m workbook`).

With no command it opens the workbook. Errors a family can meet (another copy already open, an
unreadable data folder, a full disk, a planted link, a damaged prompt file) are printed as plain
sentences, never tracebacks. A data folder made read-only on purpose is opened for reading (the store
decides, and says so in `store.notices`, which the app shows once after start).
If the workbook itself fails, the exit code is 1, the family is told in a few plain words that
their writing was saved, and the technical details go to a crash log in the data folder
(`crash-<time>.log`, readable only by them) for whoever helps them.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from . import __version__
from .paths import ENV_HOME, data_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intervention-workbook",
        description="A private, blameless workbook for looking back at an intervention that did not work.",
        epilog=f"Data is kept in your user data folder, or in --data-dir / ${ENV_HOME} if given.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help=f"keep reviews in DIR (default: ${ENV_HOME}, or your user data folder)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="open the workbook (the default)")
    try:
        from .cli import add_commands
    except ImportError:  # the export commands are optional while they are being built
        pass
    else:
        add_commands(commands)
    return parser


def fail(message: str) -> int:
    print(f"intervention-workbook: {message}", file=sys.stderr)
    return 1


def run_app(directory: str | None) -> int:
    from .progress import review_progress
    from .prompt_cache import cached_prompts
    from .prompts import PromptError
    from .storage import StorageError
    from .store import ReviewStore

    try:
        prompts = cached_prompts()
    except PromptError as error:
        return fail(
            f"a question file could not be read, so the workbook cannot start.\n  {error}\n"
            "Please fix that line (or restore the original file) and start again."
        )
    try:
        store = ReviewStore(data_dir(directory), progress=lambda review: review_progress(review, prompts))
    except StorageError as error:
        return fail(str(error))

    from .ui.app import WorkbookApp

    app = WorkbookApp(store, prompts)
    details: str | None = None
    try:
        app.run()
    except Exception as error:  # anything at all: the family gets a sentence, the log gets the traceback
        details = "".join(traceback.format_exception(error))
    finally:
        store.close()
    if details is None and app.return_code:
        details = app.crash_report() or f"The workbook stopped with exit code {app.return_code}, without a recorded error."
    if details is None:
        return 0
    return report_crash(store.root, details, app.emergency_copies, app.unsaved_titles)


def report_crash(root: Path, details: str, copies: Sequence[Path] = (), lost: Sequence[str] = ()) -> int:
    """Write the technical details to a crash log in the data folder and tell the family, plainly.

    `copies` are emergency copies of reviews that could not be saved; `lost` names reviews whose last
    changes could not even be copied, so the message never says everything was saved when it was not.
    """
    try:
        log: str = f"The technical details are in\n  {write_crash_log(root, details)}\n"
    except OSError as error:
        log = f"The technical details could not be written down ({error.strerror or error}).\n"
    saved = ""
    if copies:
        kept = "\n".join(f"  {path}" for path in copies)
        saved += (
            "Your last changes could not be saved in the workbook, so a copy of them was kept in\n"
            f"{kept}\n(bring it back with: intervention-workbook import FILE).\n"
        )
    if lost:
        titles = ", ".join(f"\u201c{title}\u201d" for title in lost)
        saved += f"The last few changes to {titles} could not be saved (the disk may be full). Everything before them was.\n"
    if not saved:
        saved = "Everything written up to then was saved.\n"
    return fail(
        "the workbook stopped because of an unexpected problem. We are sorry.\n"
        f"{saved}"
        f"Your reviews are kept in\n  {root}\n"
        f"{log}"
        "Please start the workbook again. If this keeps happening, that file can help someone fix it;\n"
        "it may hold some of your words, so share it only with someone you trust."
    )


def write_crash_log(root: Path, details: str) -> Path:
    """Save a crash report as `<root>/crash-<time>.log`, readable only by the user, never over another."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in range(1, 100):
        path = root / (f"crash-{stamp}.log" if number == 1 else f"crash-{stamp}-{number}.log")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
                os.fchmod(handle.fileno(), 0o600)  # an unusual umask could have taken bits off even 0600
                handle.write(f"Intervention Workbook stopped unexpectedly at {datetime.now().isoformat(timespec='seconds')}.\n\n")
                handle.write(details)
        except OSError:
            path.unlink(missing_ok=True)  # half a log (a full disk) helps nobody
            raise
        return path
    raise FileExistsError(f"too many crash logs named crash-{stamp}*.log")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in (None, "run"):
        return run_app(args.data_dir)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_usage(sys.stderr)
        return 2
    code: int = handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
