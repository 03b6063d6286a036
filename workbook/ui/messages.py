"""Messages the workbook's widgets send up to their screen."""

from __future__ import annotations

from textual.message import Message


class Edited(Message):
    """Something in the open review changed and should be saved soon."""

    def __init__(self, step_id: str) -> None:
        self.step_id = step_id
        super().__init__()
