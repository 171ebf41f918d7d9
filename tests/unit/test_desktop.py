"""The desktop entry's Exec line: whatever folder Softphone lives in, the launcher gets back
exactly its path (quoted as the Desktop Entry spec says, checked by desktop-file-validate)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from softphone.desktop import desktop_entry, exec_argument, uninstall

AWKWARD_PATHS = [
    "/opt/softphone/softphone",
    "/home/ada/My Apps/softphone/softphone",
    "/home/ada/$HOME's \"phone\" (old)/back\\slash/softphone",
    "/home/ada/100% done/softphone",
]


def launcher_argument(exec_value: str) -> str:
    """What a launcher runs, read back from Exec: the string escape (`\\\\` is a backslash), then
    the quoting, whose rules are the shell's for double quotes (so a shell reads it back); `%%`
    is a literal `%`."""
    quoted = exec_value.replace("\\\\", "\\").replace("%%", "%")
    shell = subprocess.run(["sh", "-c", f"printf %s {quoted}"], capture_output=True, text=True,
                           check=True, timeout=10)
    return shell.stdout


@pytest.mark.parametrize("path", AWKWARD_PATHS)
def test_exec_gives_the_launcher_back_its_path(path: str) -> None:
    assert launcher_argument(exec_argument(path)) == path


@pytest.mark.parametrize("path", AWKWARD_PATHS)
def test_the_entry_validates_wherever_softphone_lives(path: str, tmp_path: Path) -> None:
    if shutil.which("desktop-file-validate") is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    entry = tmp_path / "softphone.desktop"
    entry.write_text(desktop_entry(exec_argument(path)))
    validate = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                              text=True, timeout=30)
    assert validate.returncode == 0 and validate.stdout == "", validate.stdout


def test_uninstall_leaves_other_applications_listed_beside_us(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    mimeapps = tmp_path / "config" / "mimeapps.list"
    mimeapps.parent.mkdir()
    mimeapps.write_text("[Default Applications]\n"
                        "x-scheme-handler/tel=softphone.desktop;linphone.desktop;\n"
                        "x-scheme-handler/sip=softphone.desktop\n"
                        "text/html=firefox.desktop\n")
    uninstall()

    assert mimeapps.read_text() == ("[Default Applications]\n"
                                    "x-scheme-handler/tel=linphone.desktop;\n"
                                    "text/html=firefox.desktop\n")
