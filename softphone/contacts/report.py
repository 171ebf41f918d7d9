"""What an import did, told entry by entry where it matters to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from softphone.contacts.store import Absorbed

# A hostile file can be a million broken lines; the user needs the first few reasons, not all.
MAX_SKIP_DETAILS = 200


@dataclass(frozen=True)
class Skipped:
    """An entry of an import file that was not imported, and why."""

    where: str
    reason: str


@dataclass
class ImportReport:
    """Counts of what an import did; `skips` holds the first `MAX_SKIP_DETAILS` reasons."""

    path: Path
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    skips: list[Skipped] = field(default_factory=list)

    def count(self, outcome: Absorbed) -> None:
        if outcome is Absorbed.ADDED:
            self.added += 1
        elif outcome is Absorbed.MERGED:
            self.merged += 1
        else:
            self.unchanged += 1

    def skip(self, skipped: Skipped) -> None:
        self.skipped += 1
        if len(self.skips) < MAX_SKIP_DETAILS:
            self.skips.append(skipped)

    @property
    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.merged} merged into existing contacts"]
        if self.unchanged:
            parts.append(f"{self.unchanged} already there")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return f"{self.path.name}: " + ", ".join(parts) + "."
