"""Control characters in a family's text are shown, never acted on: in the app, the exports and the CLI.

A typed key never puts ESC, a C1 control or a bidirectional override into an answer, but a bundle,
a hand-edited file or a paste can. Passed to a terminal they run as commands (set the window title,
clear the screen, hide the rest of a line); a bidi override reorders what a reader sees. So C0
controls and DEL become their Unicode pictures (ESC shows as "␛"), and C1 controls and bidi
overrides and isolates become "[U+202E]". Tabs and line endings are kept. Left-to-right and
right-to-left marks (U+200E, U+200F, U+061C) and joiners (U+200C, U+200D) are ordinary text and
are kept. `show_controls_in` applies this to every string of review data as it comes in from
outside (a bundle, a file), so every screen and export shows it safely; the exports apply it again.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal or a bidi-aware reader would act on rather than show (tab, LF and CR are not here)."""
_SHOWN: dict[int, str] = {0: "\ufffd", 0x7F: "\u2421"}  # NUL as CommonMark wants; DEL as its picture
_SHOWN.update({c: chr(0x2400 + c) for c in range(1, 0x20) if c not in (0x09, 0x0A, 0x0D)})  # U+2401..U+241F
_SHOWN.update({c: f"[U+{c:04X}]" for c in [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]})


def show_controls(text: str) -> str:
    """The text with every control character shown instead of acted on (see the module docstring).

    Tabs, line feeds and carriage returns are kept; lone surrogates become U+FFFD. Everything else
    (accents, emoji and their joiners, Arabic and Hebrew letters and marks) is kept as it is.
    Applying it twice changes nothing more.
    """
    if _CONTROLS.search(text):  # the common case, no control at all, costs one scan in C
        text = text.translate(_SHOWN)
    return _SURROGATES.sub("\ufffd", text)




def show_controls_in(data: Any) -> Any:
    """The same data with `show_controls` applied to every string in it (keys too); other values unchanged.

    Returns the very same object when nothing needed changing, so the common case copies nothing.
    """
    if isinstance(data, str):
        return show_controls(data)
    if isinstance(data, list):
        shown = [show_controls_in(item) for item in data]
        return data if all(a is b for a, b in zip(shown, data, strict=True)) else shown
    if isinstance(data, dict):
        pairs = [(show_controls_in(k), show_controls_in(v)) for k, v in data.items()]
        if all(k2 is k and v2 is v for (k2, v2), (k, v) in zip(pairs, data.items(), strict=True)):
            return data
        return dict(pairs)
    return data
