"""Fields that stop at the workbook's size limits (workbook/limits.py) and say so, once, gently.

A bundle or a file past a limit is refused on import, so the app must never save more than a
limit allows: typing stops there. Textual's `Input` has `max_length`, but it refuses a paste that
would pass it as a whole, with only a bell, and it refuses even deleting from a saved value that is
already longer; `TextArea` has no limit at all. These fields keep as much as fits (the first
characters of a paste), always allow making the text shorter, never cut what was already saved,
and tell the family in plain words, once each time the field reaches its limit, that the rest was
not kept and what to do instead.
"""

from __future__ import annotations

from typing import Any, cast

from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.widgets.text_area import Edit, EditResult

from ...limits import NAME_MAX, TEXT_MAX
from ...prompts import Question

LINE_BREAKS = ("\r\n", "\n", "\r")
"""The line endings after which TextArea starts a new, empty line (as Textual's Document does)."""
DATE_MAX = 64
"""Characters in a date typed in: a task's "by when" is a `stamp` in docs/bundle.schema.json (64)."""
NOTICE_SECONDS = 10


def limit_notice(what: str, limit: int, advice: str) -> str:
    """The sentence shown when a field is full, for example for an answer or a name."""
    return f"This {what} has reached the longest the workbook keeps ({limit:,} characters). {advice}"


ANSWER_NOTICE = limit_notice("answer", TEXT_MAX, "Please continue in another answer or shorten it.")
NAME_NOTICE = limit_notice("name", NAME_MAX, "Please shorten it.")
RELATIONSHIP_NOTICE = limit_notice("relationship", NAME_MAX, "Please shorten it.")
DATE_NOTICE = limit_notice("date", DATE_MAX, "Please shorten it, for example to 2026-03-14.")


def field_limit(question: Question) -> tuple[int, str]:
    """The most a question's field keeps, and what to say when it is full.

    A date typed in keeps DATE_MAX; the one-line "name" and "relationship" questions keep NAME_MAX
    (a person's, as the bundle's limit for people requires, and so also a treatment option's name,
    which is stricter than its bundle limit but far above any real name); everything else TEXT_MAX.
    """
    if question.kind == "date":
        return DATE_MAX, DATE_NOTICE
    if question.kind == "line" and question.id == "name":
        return NAME_MAX, NAME_NOTICE
    if question.kind == "line" and question.id == "relationship":
        return NAME_MAX, RELATIONSHIP_NOTICE
    return TEXT_MAX, ANSWER_NOTICE


class _Notice:
    """Tell the family once when a field fills up; again only after it has been made shorter."""

    notice: str = ""
    _told: bool = False

    def _tell(self) -> None:
        if not self._told and self.notice:
            self._told = True
            cast(Widget, self).notify(self.notice, title="This field is full", timeout=NOTICE_SECONDS, markup=False)

    def _below(self, length: int, limit: int) -> None:
        if length < limit:
            self._told = False


class LimitedInput(_Notice, Input):
    """One line that keeps at most `max_length` characters (see the module docstring)."""

    def __init__(self, *args: Any, max_length: int, notice: str, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.notice = notice

    def replace(self, text: str, start: int, end: int) -> None:
        """Replace `start:end` with as much of `text` as fits; the one path typing, pasting and deleting take."""
        limit = self.max_length or 0
        if not limit:
            super().replace(text, start, end)
            return
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        # Growing stops at the limit; replacing with no more than was taken is always allowed (even past it).
        keep = max(limit - (len(value) - (end - start)), end - start)
        if len(text) > keep:
            text = text[:keep]
            self._tell()
        # Set directly: Input's own check would also refuse shortening a value saved before the limits.
        self.value = f"{value[:start]}{text}{value[end:]}"
        self.cursor_position = start + len(text)

    def watch_value(self, value: str) -> None:
        self._below(len(value), self.max_length or 0)


class LimitedTextArea(_Notice, TextArea):
    """Free text that keeps at most `max_length` characters (see the module docstring)."""

    def __init__(self, *args: Any, max_length: int, notice: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.notice = notice

    def _as_stored(self, text: str) -> str:
        """`text` as the document will hold it: TextArea splits inserted text into lines and joins them with its newline."""
        lines = text.splitlines()
        if text.endswith(LINE_BREAKS):
            lines.append("")
        return self.document.newline.join(lines)

    def edit(self, edit: Edit) -> EditResult:
        """Carry out an edit, keeping only as much of its text as fits; every change typed or pasted comes here."""
        limit = self.max_length
        if limit and edit.text:
            removed = len(self.get_text_range(edit.top, edit.bottom))
            keep = max(limit - (len(self.text) - removed), removed)
            stored = self._as_stored(edit.text)
            if len(stored) > keep:
                fitted = stored[:keep]
                if fitted.endswith("\r") and self.document.newline == "\r\n":
                    fitted = fitted[:-1]  # half a line break would come back as a whole one
                edit = Edit(fitted, edit.from_location, edit.to_location, edit.maintain_selection_offset)
                self._tell()
        result = super().edit(edit)
        if self._told:  # only then is the length needed again
            self._below(len(self.text), limit)
        return result

    def load_text(self, text: str) -> None:
        """Show saved text whole, even past the limit (nothing saved is ever cut); only growing it is stopped."""
        super().load_text(text)
        self._told = False
