"""Where icons and sounds are: `resources/` in a source checkout, `<prefix>/share/softphone/`
once installed from a wheel (pip, pipx, uv tool), as pyproject's data-files puts them. The
frozen build (packaging/softphone.spec) copies them to `resources/` beside its `softphone`
package, as in a checkout, so the first candidate finds them there too."""

from __future__ import annotations

import sys
from pathlib import Path

_CANDIDATES = (
    Path(__file__).resolve().parent.parent / "resources",
    Path(sys.prefix) / "share" / "softphone",
)


class MissingResource(FileNotFoundError):
    """A file the installation should have shipped is not there."""


def resource_path(relative: str) -> Path:
    for base in _CANDIDATES:
        if (base / relative).is_file():
            return base / relative
    searched = ", ".join(str(base) for base in _CANDIDATES)
    raise MissingResource(f"{relative} is missing from this installation (looked in {searched})")
