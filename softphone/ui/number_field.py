"""The field a number is typed or pasted into."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from softphone.numbers import DialError, format_as_you_type


class NumberField(QLineEdit):
    """Formats a number as the user types it, the way their country writes numbers.

    Only typing at the end is reformatted: rewriting the text while the user edits the middle
    would move the cursor under their fingers. Anything that is not a number in the making
    (a pasted `tel:` link, a SIP address) is left exactly as it is.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.country: str | None = None
        self.setPlaceholderText("Number or SIP address")
        self.setClearButtonEnabled(True)
        self.textEdited.connect(self._typed)

    def append(self, characters: str) -> None:
        """Keypad presses: added at the end and formatted like typing."""
        self._reformat(self.text() + characters)

    def _typed(self, text: str) -> None:
        if self.cursorPosition() == len(text):
            self._reformat(text)

    def _reformat(self, text: str) -> None:
        try:
            formatted = format_as_you_type(text, self.country)
        except DialError:  # a bad default_country: the dial attempt will say so
            formatted = text
        formatted = formatted or text  # the formatter drops a lone "(" or "-" just typed
        if formatted != self.text():
            self.setText(formatted)
