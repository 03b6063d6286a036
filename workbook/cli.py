"""Command-line commands: `list`, `export`, `import` and `trash`.

Each command prints plain sentences (errors to stderr, never a traceback) and exits 0 when it
worked, 1 when it could not, and 2 for a mistake in how it was called. Heavy modules are imported
inside the handlers, so `intervention-workbook --help` stays quick.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import ReviewStore

PROG = "intervention-workbook"
SUFFIXES = {"markdown": ".md", "html": ".html", "json": ".json"}


def add_commands(subparsers: Any) -> None:
    """Add `list`, `export`, `import` and `trash` to the main parser's subcommands."""
    listing = subparsers.add_parser("list", help="list the reviews kept in the data folder")
    listing.set_defaults(handler=guarded(list_reviews))

    export = subparsers.add_parser(
        "export",
        help="save a review as a summary for a professional (Markdown or a web page) or as a bundle",
        description="Save a review as a summary for a professional, or as a bundle (json) to carry to another computer.",
    )
    export.add_argument("review", metavar="REVIEW", help="the review's id, the start of its id, or its title")
    export.add_argument("--format", choices=tuple(SUFFIXES), default="markdown", help="markdown (default), html, or json (a bundle)")
    export.add_argument("--output", "-o", metavar="FILE", help="where to save it (default: your documents folder)")
    export.add_argument("--initials", action="store_true", help="show initials and relationships instead of names")
    export.add_argument("--without-suggestions", action="store_true",
                        help="leave out the workbook's suggestions that the family has not discussed yet")
    export.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    export.set_defaults(handler=guarded(export_review))

    importing = subparsers.add_parser(
        "import",
        help="add a review from a bundle file, or merge it into the same review here",
        description="Add a review from a bundle made with 'export --format json'. If the review is already here, "
        "the two are merged: nobody's answers are lost, and where the same person's answer differs both versions are kept.",
    )
    importing.add_argument("file", metavar="FILE", help="the bundle file (.json)")
    importing.set_defaults(handler=guarded(import_bundle))

    trashing = subparsers.add_parser(
        "trash",
        help="list deleted reviews, or empty the trash (--empty)",
        description="Deleted reviews are kept in the trash, with their backup copies, until the trash is emptied. "
        "With no option this lists them; --empty removes them for good (it asks first).",
    )
    trashing.add_argument("--empty", action="store_true", help="remove every deleted review for good (asks first)")
    trashing.add_argument("--yes", "-y", action="store_true", help="with --empty: do not ask first")
    trashing.set_defaults(handler=guarded(trash_command))


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Run a command so that even an unforeseen error is a plain sentence and exit code 1, not a traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except KeyboardInterrupt:
            return fail("stopped.")
        except Exception as error:
            return fail(f"something unexpected stopped this command ({type(error).__name__}: {plain(str(error), 200)}).\n"
                        "Files are written whole or not at all, so nothing is half-saved.")

    return run


def fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 1


def plain(text: str, limit: int = 0) -> str:
    """User text made safe for one line of a terminal: control characters are shown, never run.

    ESC shows as "␛" and a bidi override as "[U+202E]", exactly as in the exports (one function,
    workbook/export/escape.py, decides this); line breaks and tabs become spaces. Accents, emoji
    (with their joiners) and right-to-left letters are kept as they are.
    """
    from .controls import show_controls

    cleaned = re.sub(r"[\t\n\r\u2028\u2029]", " ", show_controls(text))
    cleaned = re.sub(r" {2,}", " ", cleaned).strip()
    return cleaned[: limit - 1] + "…" if limit and len(cleaned) > limit else cleaned


def _when(iso: str) -> str:
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return plain(iso, 16)


def list_reviews(args: argparse.Namespace) -> int:
    from .paths import data_dir
    from .storage import StorageError
    from .store import ReviewStore

    root = data_dir(args.data_dir)
    if not (root / "reviews").is_dir():
        print("No reviews yet.")
        return 0
    try:
        store = ReviewStore(root, read_only=True)  # reads only: works beside the app, never changes a file
        try:
            summaries = store.summaries()
        finally:
            store.close()
    except (StorageError, OSError) as error:
        return fail(f"the reviews in {root} could not be read.\n  {plain(str(error))}")
    if not summaries:
        print("No reviews yet.")
        return 0
    rows = [("ID", "Title", "Intervention date", "Last edited")]
    rows += [(s.id[:8], _listed_title(s), plain(s.intervention_date, 20) or "-", _when(s.updated) if s.updated else "-")
             for s in summaries]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=False)) + "  " + row[3])
    if any(s.damaged for s in summaries):
        print("\nA review marked DAMAGED could not be read; nothing in it has been overwritten.\n"
              "Open the workbook and choose it to restore a backup copy (or to delete it).")
    return 0


def _listed_title(summary: Any) -> str:
    """A title for the list; a damaged review says so, and whether a backup can bring it back."""
    if not summary.damaged:
        return plain(summary.title, 40)
    backups = {0: "no backup", 1: "1 backup"}.get(summary.backups, f"{summary.backups} backups")
    return f"{plain(summary.title, 30)} (DAMAGED: {summary.damaged}; {backups})"


def _open_review(args: argparse.Namespace) -> Any:
    """The review named on the command line, or an error message (str)."""
    from .paths import data_dir
    from .storage import StorageError
    from .store import ReviewStore

    root = data_dir(args.data_dir)
    if not (root / "reviews").is_dir():
        return f"there are no reviews yet in {root}."
    try:
        store = ReviewStore(root, read_only=True)
        try:
            return store.load(_find(store, args.review))
        finally:
            store.close()
    except (StorageError, OSError) as error:
        from .storage import CorruptDatabaseError

        if isinstance(error, CorruptDatabaseError) and error.backups:
            return f"{plain(str(error))}\nOpen the workbook and choose that review to restore its backup copy."
        return plain(str(error)) if isinstance(error, StorageError) else f"the review could not be read ({error})."


def _find(store: ReviewStore, key: str) -> str:
    """A review id from an id, an id prefix, a title, or (failing those) a unique part of a title."""
    from .store import ReviewNotFoundError

    try:
        return store.find(key).id
    except ReviewNotFoundError:
        part = key.strip().casefold()
        matches = [s for s in store.summaries() if part and part in s.title.casefold()]
        if len(matches) == 1:
            return matches[0].id
        raise


def _slug(title: str) -> str:
    from .export import slug  # one rule for file names, shared with the app

    return slug(title)


def export_review(args: argparse.Namespace) -> int:
    if args.initials and args.format == "json":
        print(f"{PROG} export: --initials works with markdown and html; a json bundle always holds the whole review.", file=sys.stderr)
        return 2
    from .paths import documents_dir

    review = _open_review(args)
    if isinstance(review, str):
        return fail(review)
    name = f"review-{review.id[:8]}" if args.initials else _slug(review.title)
    default_name = f"{name}-summary{SUFFIXES[args.format]}"
    path = Path(args.output).expanduser() if args.output else documents_dir() / default_name
    if path.is_dir():
        path = path / default_name
    path = path.absolute()
    if path.exists() and not args.force:
        return fail(f"{path} already exists, so nothing was saved.\nChoose another name with --output, or add --force to replace it.")
    if not path.parent.is_dir():
        return fail(f"the folder {path.parent} does not exist, so nothing was saved.")
    from .export import write_export
    from .prompts import PromptError

    try:
        text = _render(review, args.format, args.initials, suggestions=not args.without_suggestions)
    except PromptError as error:
        return fail(f"a question file could not be read, so the summary cannot be made.\n  {error}")

    try:
        written = write_export(path, text)
    except OSError as error:
        return fail(f"the file could not be saved at {path} ({error.strerror or error}). Nothing was changed.")
    print(f"Saved to {written}")
    print("Only your user account can read this file. It holds private family information; share it only with people you trust.")
    return 0


def _render(review: Any, fmt: str, initials: bool, *, suggestions: bool = True) -> str:
    if fmt == "json":
        from .bundle import to_bundle

        return to_bundle(review)
    from .export import page_title, render_html, render_markdown
    from .prompt_cache import cached_prompts

    text = render_markdown(review, cached_prompts(), initials=initials, suggestions=suggestions)
    return render_html(text, page_title(review, initials=initials)) if fmt == "html" else text


def import_bundle(args: argparse.Namespace) -> int:
    from .bundle import BundleError, from_bundle
    from .paths import data_dir
    from .progress import review_progress
    from .prompt_cache import cached_prompts
    from .prompts import PromptError
    from .storage import StorageError
    from .store import ReviewStore
    from .validate import SchemaMissingError

    source = Path(args.file).expanduser()
    unchanged = "Nothing saved here was changed."
    raw = _read_bundle(source)
    if isinstance(raw, str):
        return fail(f"{source} was not imported. {raw} {unchanged}")
    try:
        prompts = cached_prompts()
        incoming = from_bundle(raw, prompts)
    except BundleError as error:
        return fail(f"{source} was not imported. {error} {unchanged}")
    except PromptError as error:
        return fail(f"a question file could not be read, so nothing was imported.\n  {error}")
    except SchemaMissingError as error:
        return fail(f"nothing was imported. {error}")
    root = data_dir(args.data_dir)
    try:
        store = ReviewStore(root, progress=lambda review: review_progress(review, prompts))
    except StorageError as error:  # includes the app being open (DatabaseLockedError)
        return fail(f"nothing was imported.\n{error}")
    written = [False]
    try:
        return _import_into(store, incoming, prompts, written)
    except (StorageError, OSError) as error:
        if written[0]:
            return fail(f"the review was saved, but the list of reviews could not be brought up to date ({plain(str(error), 200)}).\n"
                        "Nothing was lost: the list is rebuilt the next time the workbook opens.")
        return fail(f"the review could not be saved, so nothing was imported.\n  {error}")
    finally:
        store.close()


def _read_bundle(source: Path) -> bytes | str:
    """The bundle file's bytes, or why it cannot be used; its size is checked before anything is read."""
    import stat

    from .bundle import too_big
    from .limits import BUNDLE_MAX_BYTES

    try:
        with source.open("rb") as handle:
            found = os.fstat(handle.fileno())
            if not stat.S_ISREG(found.st_mode):
                return "It is not a file."
            if found.st_size > BUNDLE_MAX_BYTES:
                return too_big(found.st_size)
            raw = handle.read(BUNDLE_MAX_BYTES + 1)  # no more than the limit, even if the file grows while it is read
    except OSError as error:
        return f"It could not be read ({error.strerror or error})."
    return too_big(len(raw)) if len(raw) > BUNDLE_MAX_BYTES else raw


def _import_into(store: ReviewStore, incoming: Any, prompts: Any, written: list[bool]) -> int:
    """Add or merge the review; `written[0]` becomes True once it is on disk, so a later failure is not reported as nothing saved."""
    from .bundle import merge
    from .store import ReviewNotFoundError
    from .validate import ReviewDataError, validate_review

    try:
        current = store.load(incoming.id)
    except ReviewNotFoundError:
        _keep(store, incoming, written)
        print(f"Imported \u201c{plain(incoming.title, 60)}\u201d as a new review (id {incoming.id[:8]}).")
        return 0
    report = merge(current, incoming, prompts)
    try:  # two long versions of one answer kept together could pass a limit: then nothing is written
        validate_review(current.to_dict())
    except ReviewDataError as error:
        return fail(f"the bundle was not imported: merged with the review here, {error}. Nothing saved here was changed.")
    if not report.changed:
        print(f"Nothing new: \u201c{plain(current.title, 60)}\u201d here already has everything in that bundle.")
        return 0
    _keep(store, current, written)
    added = report.answers_added + report.entries_added
    counts = [_count(added, "new answer or entry", "new answers or entries"),
              _count(report.answers_updated, "answer updated", "answers updated"),
              _count(report.members_added, "new writer", "new writers"),
              _count(len(report.conflicts), "conflict (nothing was lost)", "conflicts (nothing was lost)")]
    print(f"Merged the bundle into \u201c{plain(current.title, 60)}\u201d: {', '.join(counts)}.")
    for conflict in report.conflicts[:20]:
        who = current.member_name(conflict.member) if conflict.member else "someone"
        kept = "both versions are kept in the answer" if conflict.both_kept else "the newer one is kept"
        print(f"  - {plain(conflict.where)} ({plain(who, 40)}): {kept}; the earlier one was \u201c{plain(conflict.earlier, 60)}\u201d")
    if len(report.conflicts) > 20:
        print(f"  ... and {len(report.conflicts) - 20} more.")
    return 0


def _keep(store: ReviewStore, review: Any, written: list[bool]) -> None:
    """Save the review, then refresh its line in the list and close it (release saves again, which changes nothing)."""
    store.save(review)
    written[0] = True
    store.release(review)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def trash_command(args: argparse.Namespace) -> int:
    """`trash`: list what is in the trash; `trash --empty`: remove it for good, after asking."""
    from .paths import data_dir
    from .storage import StorageError
    from .store import TRASH_KEPT, ReviewStore, WorkbookInUseError

    root = data_dir(args.data_dir)
    if not (root / "trash").is_dir():
        print("The trash is empty.")
        return 0
    try:
        store = ReviewStore(root, read_only=not args.empty)
    except WorkbookInUseError:
        return fail("the trash cannot be emptied while the workbook is open.\nClose the workbook first, then try again. "
                    "Nothing was removed.")
    except (StorageError, OSError) as error:
        return fail(f"the trash in {root} could not be read.\n  {plain(str(error))}")
    try:
        items = store.trash_items()
        if not items:
            print("The trash is empty.")
            return 0
        if not args.empty:
            print(f"In the trash ({_count(len(items), 'deleted review', 'deleted reviews')}). {TRASH_KEPT}")
            for item in items:
                when = item.deleted.strftime("%Y-%m-%d %H:%M") if item.deleted else "some time ago"
                print(f"  deleted {when}  {plain(item.title, 60)}")
            print(f"To remove them for good: {PROG} trash --empty")
            return 0
        if store.read_only:
            return fail("this folder is read-only, so the trash cannot be emptied. Nothing was removed.")
        what = _count(len(items), "deleted review", "deleted reviews")
        if not args.yes and not _confirm(f"Remove {what} from the trash for good, with their backup copies? "
                                         "This cannot be undone. Type yes to go on: "):
            print("Nothing was removed.")
            return 0
        removed = store.empty_trash()
    except StorageError as error:
        return fail(f"the trash could not be emptied.\n  {plain(str(error))}")
    finally:
        store.close()
    print(f"The trash is empty now: {_count(removed, 'deleted review was', 'deleted reviews were')} removed for good.")
    return 0


def _confirm(question: str) -> bool:
    """Ask on the terminal; no answer (no terminal, end of input) is a no."""
    try:
        answer = input(question)
    except EOFError:
        print()
        return False
    return answer.strip().casefold() in ("y", "yes")

