"""`softphone install-desktop` into a throwaway XDG home, checked with the freedesktop tools a
desktop itself uses: the entry validates, and tel:/sip:/callto: links are ours."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.softphone_cli import REPO

pytestmark = pytest.mark.integration


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    for tool in ("desktop-file-validate", "xdg-mime"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: desktop-file-utils, xdg-utils)")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONPATH": str(REPO)}
    env.pop("XDG_DATA_DIRS", None)
    env.pop("DISPLAY", None)
    return env


def softphone(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "softphone", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def default_handler(env: dict[str, str], scheme: str) -> str:
    query = subprocess.run(["xdg-mime", "query", "default", f"x-scheme-handler/{scheme}"],
                           env=env, capture_output=True, text=True, timeout=30)
    return query.stdout.strip()


def test_install_makes_a_valid_entry_that_handles_phone_links(home):
    result = softphone(home, "install-desktop", "--autostart")
    assert result.returncode == 0, result.stderr

    data, config = Path(home["XDG_DATA_HOME"]), Path(home["XDG_CONFIG_HOME"])
    entry = data / "applications" / "softphone.desktop"
    validate = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                              text=True)
    assert validate.returncode == 0 and validate.stdout == "", validate.stdout
    text = entry.read_text()
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert Path(exec_line.split()[0].removeprefix("Exec=")).is_absolute(), exec_line
    assert "x-scheme-handler/tel;x-scheme-handler/sip;x-scheme-handler/callto;" in text
    for scheme in ("tel", "sip", "callto"):
        assert default_handler(home, scheme) == "softphone.desktop"
    assert (data / "icons/hicolor/scalable/apps/softphone.svg").is_file()
    assert (data / "icons/hicolor/48x48/apps/softphone.png").is_file()
    assert (config / "autostart" / "softphone.desktop").is_file()


def test_uninstall_takes_it_all_back(home):
    softphone(home, "install-desktop", "--autostart")
    result = softphone(home, "uninstall-desktop")
    assert result.returncode == 0, result.stderr

    data, config = Path(home["XDG_DATA_HOME"]), Path(home["XDG_CONFIG_HOME"])
    leftovers = [p for p in data.rglob("softphone*") if p.is_file()]
    assert leftovers == []
    assert not (config / "autostart" / "softphone.desktop").exists()
    assert default_handler(home, "tel") == ""


def test_uninstall_gives_links_back_to_the_app_that_had_them(home):
    """The user chose one of two softphones for tel: and callto: before; installing (twice:
    the second time we are the handler already) and uninstalling leaves them with that one
    again, not whichever the desktop would pick, and sip:, which nobody had, with nobody."""
    applications = Path(home["XDG_DATA_HOME"]) / "applications"
    applications.mkdir(parents=True)
    for name in ("linphone", "ekiga"):  # xdg-mime passes over a default whose program is not there
        (applications / f"{name}.desktop").write_text(
            f"[Desktop Entry]\nType=Application\nName={name}\nExec=/bin/true {name} %u\n"
            "MimeType=x-scheme-handler/tel;x-scheme-handler/callto;\n")
    subprocess.run(["update-desktop-database", str(applications)], check=True, timeout=30)
    for scheme in ("tel", "callto"):
        subprocess.run(["xdg-mime", "default", "linphone.desktop", f"x-scheme-handler/{scheme}"],
                       env=home, check=True, timeout=30)
    for _ in range(2):
        assert softphone(home, "install-desktop").returncode == 0
    assert default_handler(home, "tel") == "softphone.desktop"

    result = softphone(home, "uninstall-desktop")
    assert result.returncode == 0, result.stderr
    assert default_handler(home, "tel") == "linphone.desktop"
    assert default_handler(home, "callto") == "linphone.desktop"
    assert default_handler(home, "sip") == ""
    mimeapps = (Path(home["XDG_CONFIG_HOME"]) / "mimeapps.list").read_text()
    assert "softphone.desktop" not in mimeapps, mimeapps
