"""Command line entry point: `intervention-workbook` (or `python -m workbook`).

With no command it opens the workbook. Errors a family can meet (another copy already open, an
unreadable data folder, a damaged prompt file) are printed as plain sentences, never tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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

    try:
        WorkbookApp(store, prompts).run()
    finally:
        store.close()
    return 0


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
