"""Deliver each key only once the one before it has been fully handled.

Textual forwards a key to the focused widget at once, but a key bound on a screen (Tab, F4,
Ctrl+N, Esc...) is only acted on after it has bubbled back up to the app. Keys typed in the
meantime are forwarded to whatever had focus *before* the action ran: "Linda", Tab, "mother"
became one name, and words typed right after F4 landed in the previous entry. Pilot tests never
see this because they wait for the app to go idle after every key; a person does not wait.

`KeyGate` holds a key back while any part of the app is still working on an earlier one (a
message queue is not empty, a handler is running, a callback waits for the next refresh), then
releases held keys one at a time, in order, checking once more as each is delivered (work may
have started in between). When nothing is pending, which is the usual case when typing, a key
passes straight through with no added delay. No key is ever dropped: one that has waited
`MAX_HOLD` seconds is delivered even if the app is still busy.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual import events, messages
from textual.app import App
from textual.message_pump import MessagePump

MAX_HOLD = 3.0
"""Seconds a key may wait for the app to settle before it is delivered anyway (never lost).

Not counted while a step is being opened (a transition), which on a slow, busy machine can itself
take more than a second: the key then waits for the step it was typed for."""
POLL = 0.002
"""Seconds between checks while keys are held."""


_REPAINTS = (messages.Update, messages.Layout, messages.Prompt, events.Idle)
"""Messages that only repaint: a backlog of these never changes where the next key goes."""


def _queue_busy(pump: MessagePump) -> bool:
    queue: Any = pump._message_queue
    return queue.qsize() > 0 and any(not isinstance(message, _REPAINTS) for message in queue.values)


def _app_busy(app: App[Any]) -> bool:
    """The app's own queue, leaving out keys: those are input still to come, and pass through the gate in turn."""
    queue: Any = app._message_queue
    return queue.qsize() > 0 and any(not isinstance(message, (*_REPAINTS, events.Key)) for message in queue.values)


class KeyGate(App[Any]):
    """An App whose keys reach their target strictly one after another."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key] = deque()
        self._passed_keys: set[int] = set()
        self._forced_keys: set[int] = set()
        self._gate_task: asyncio.Task[None] | None = None
        self._transitions = 0

    # -- for the app's own code --------------------------------------------------------------

    @contextmanager
    def transition(self) -> Iterator[None]:
        """Hold keys for the duration (work that awaits outside one message handler, such as opening a step)."""
        self._transitions += 1
        try:
            yield
        finally:
            self._transitions -= 1

    def settled(self) -> bool:
        """True when no message, handler or after-refresh callback is pending anywhere in the app."""
        if self._transitions:
            return False
        if _app_busy(self):
            return False
        for node in list(self._registry):
            if node._next_callbacks or _queue_busy(node):
                return False
            # A widget composes and mounts outside its queue, as its task starts: until then it is still arriving.
            if not node._is_mounted and not (node._closing or node._closed):
                return False
        return True

    # -- the gate ----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and not self._may_pass(event):
            if self._gate_task is None or self._gate_task.done():
                self._gate_task = asyncio.create_task(self._release_held_keys())
            return
        await super().on_event(event)

    def _may_pass(self, key: events.Key) -> bool:
        """Deliver `key` now, or hold it (in order) until the app has settled."""
        if id(key) in self._forced_keys:
            self._forced_keys.discard(id(key))
            return True
        released = id(key) in self._passed_keys
        self._passed_keys.discard(id(key))
        # A new key never overtakes one that is held, or released and still on its way back to the app.
        first_in_line = released or not (self._held_keys or self._passed_keys or self._forced_keys)
        # Checked again at delivery: work may have started between the release and now.
        if first_in_line and self.settled():
            return True
        if released:
            self._held_keys.appendleft(key)  # still first in line
        else:
            self._held_keys.append(key)
        return False

    async def _release_held_keys(self) -> None:
        """Deliver held keys in order, each once the app has settled after the one before."""
        while self._held_keys:
            started = time.monotonic()
            quiet_checks = 0
            # Twice in a row, a poll apart: a worker started by the last key gets to run first.
            while quiet_checks < 2 and time.monotonic() - started < MAX_HOLD:
                await asyncio.sleep(POLL)
                quiet_checks = quiet_checks + 1 if self.settled() else 0
                if self._transitions:
                    started = time.monotonic()
            if self._closing or self._closed:
                return
            key = self._held_keys.popleft()
            # Never lose a key: one that has waited too long goes through even if the app is still busy.
            (self._passed_keys if quiet_checks >= 2 else self._forced_keys).add(id(key))
            self.post_message(key)
            await asyncio.sleep(0)  # let the app take it before the next settle check
