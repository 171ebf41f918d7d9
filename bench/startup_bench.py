"""Start-up: from launching `softphone` to its main window on screen and to its tray icon in the
tray, and the memory it holds once idle, side by side with a bare PySide6 window + tray icon
(the floor any Qt app on this Python pays) and baresip's idle memory (a softphone with no GUI).

    python -m bench.startup_bench [--runs 5]

Everything runs on a private Xvfb display with `trayer` as the tray host, as a user's session
would: "window shown" is the moment the X server maps a top-level window named "Softphone",
"tray ready" the moment the tray host has reparented our icon into its panel (both polled with
xwininfo every few ms, from outside the app, so the app carries no benchmark code). RSS idle is
summed over the app's whole process tree (its PortAudio child included) three seconds after the
tray icon appeared. The aim (issue 5) is under 1 s to both.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.peers.baresip import Baresip

SETTLE_SECONDS = 3.0
POLL_SECONDS = 0.005
START_TIMEOUT = 30.0
WINDOW_NAME = "Softphone"
PEER_NAME = "Bare Qt"
BARE_QT = f"""
from PySide6.QtGui import QIcon, QPixmap, QColor
from PySide6.QtWidgets import QApplication, QMainWindow, QSystemTrayIcon
app = QApplication([])
app.setApplicationName({PEER_NAME!r})
window = QMainWindow()
window.setWindowTitle({PEER_NAME!r})
window.show()
pixmap = QPixmap(22, 22)
pixmap.fill(QColor("green"))
tray = QSystemTrayIcon(QIcon(pixmap))
tray.setToolTip({PEER_NAME!r})
tray.show()
app.exec()
"""


@dataclass(frozen=True)
class Start:
    """One launch: seconds to the window shown and to the tray icon docked; idle RSS in MB."""

    window: float
    tray: float
    rss_mb: float


@contextlib.contextmanager
def desktop() -> Iterator[dict[str, str]]:
    """An Xvfb display with trayer on it; yields the environment that points at it."""
    display = f":{_free_display()}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    environment = {**os.environ, "DISPLAY": display}
    environment.pop("QT_QPA_PLATFORM", None)
    tray_host = None
    try:
        _wait_for(lambda: _tree(environment) is not None, "Xvfb")
        tray_host = subprocess.Popen(["trayer", "--edge", "top", "--align", "right",
                                      "--widthtype", "request", "--height", "24"],
                                     env=environment, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        _wait_for(lambda: '"panel"' in (_tree(environment) or ""), "trayer")
        yield environment
    finally:
        for process in (tray_host, server):
            if process is not None:
                process.terminate()
                process.wait(10)


def launch(command: list[str], environment: dict[str, str], name: str) -> Start:
    """Start one app, time its window and tray icon, read its idle memory, stop it."""
    started = time.perf_counter()
    app = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        window = tray = None
        deadline = started + START_TIMEOUT
        while (window is None or tray is None) and time.perf_counter() < deadline:
            tree = _tree(environment) or ""
            now = time.perf_counter() - started
            if window is None and _top_level_shown(tree, name):
                window = now
            if tray is None and _docked(tree, name):
                tray = now
            if app.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {app.returncode} while starting")
            time.sleep(POLL_SECONDS)
        if window is None or tray is None:
            raise RuntimeError(f"{name}: no window or tray icon within {START_TIMEOUT:.0f} s")
        time.sleep(SETTLE_SECONDS)
        return Start(window, tray, tree_rss_mb(app.pid))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(app.pid, signal.SIGTERM)
        try:
            app.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants."""
    total_kb = 0
    for member in _descendants(pid) | {pid}:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            status = Path(f"/proc/{member}/status").read_text()
            total_kb += next((int(line.split()[1]) for line in status.splitlines()
                              if line.startswith("VmRSS:")), 0)
    return total_kb / 1024


def baresip_idle_rss_mb(workdir: Path) -> float:
    """baresip registered nowhere, idle: its whole resident memory after the settle time."""
    with Baresip(workdir, tone_hz=None, answer=False, user="bench") as peer:
        time.sleep(SETTLE_SECONDS)
        return tree_rss_mb(peer._process.pid)


def softphone_home(root: Path) -> dict[str, str]:
    """A fresh user: a config file with no account (so no first-run wizard) in a private home."""
    config = root / "config" / "softphone"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("[startup]\nstart_minimised = false\n")
    return {"HOME": str(root), "XDG_CONFIG_HOME": str(root / "config"),
            "XDG_DATA_HOME": str(root / "data"), "XDG_STATE_HOME": str(root / "state"),
            "XDG_RUNTIME_DIR": str(_private_dir(root / "run"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ours_command = [str(Path(sys.executable).with_name("softphone"))]
    peer_command = [sys.executable, "-c", BARE_QT]
    ours: list[Start] = []
    peer: list[Start] = []
    with tempfile.TemporaryDirectory() as scratch, desktop() as environment:
        for run in range(args.runs):
            home = softphone_home(Path(scratch) / f"home{run}")
            ours.append(launch(ours_command, {**environment, **home}, WINDOW_NAME))
            peer.append(launch(peer_command, environment, PEER_NAME))
        baresip_mb = baresip_idle_rss_mb(Path(scratch) / "baresip")
    _report(ours, peer, baresip_mb)


def _report(ours: list[Start], peer: list[Start], baresip_mb: float) -> None:
    rows = [("window shown (s)", "window"), ("tray icon ready (s)", "tray"),
            ("RSS idle (MB)", "rss_mb")]
    print(f"{len(ours)} launches each, medians; peer = a bare PySide6 window + tray icon")
    print(f"{'':22}{'softphone':>11}{'bare Qt':>11}{'ratio':>8}")
    for title, field in rows:
        mine = statistics.median(getattr(start, field) for start in ours)
        floor = statistics.median(getattr(start, field) for start in peer)
        print(f"{title:22}{mine:11.3f}{floor:11.3f}{mine / floor:8.2f}")
    mine_rss = statistics.median(start.rss_mb for start in ours)
    print(f"baresip idle RSS (no GUI): {baresip_mb:.1f} MB; softphone/baresip "
          f"{mine_rss / baresip_mb:.2f}")


def _tree(environment: dict[str, str]) -> str | None:
    result = subprocess.run(["xwininfo", "-root", "-tree"], env=environment,
                            capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def _top_level_shown(tree: str, name: str) -> bool:
    """A mapped top-level window of real size (Qt's 1x1 helper windows do not count)."""
    pattern = rf'^ {{5}}0x[0-9a-f]+ "{re.escape(name)}": \(.*\)\s+(\d+)x(\d+)'
    return any(int(match[1]) > 100 and int(match[2]) > 100
               for match in re.finditer(pattern, tree, re.MULTILINE))


def _docked(tree: str, name: str) -> bool:
    """The icon window sits inside trayer's panel (deeper indentation than a top level)."""
    panel = tree.find('"panel"')
    return panel >= 0 and re.search(rf'^ {{8,}}0x[0-9a-f]+ "{re.escape(name)}"',
                                    tree[panel:], re.MULTILINE) is not None


def _descendants(pid: int) -> set[int]:
    children = set()
    with contextlib.suppress(FileNotFoundError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError):
                children |= {int(child) for child in
                             (task / "children").read_text().split()}
    return children | {grandchild for child in children for grandchild in _descendants(child)}


def _free_display() -> int:
    return next(number for number in range(90, 190)
                if not Path(f"/tmp/.X11-unix/X{number}").exists()
                and not Path(f"/tmp/.X{number}-lock").exists())


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True)
    return path


def _wait_for(ready: object, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start")


if __name__ == "__main__":
    if not shutil.which("Xvfb") or not shutil.which("trayer"):
        sys.exit("startup_bench needs Xvfb and trayer (apt-get install xvfb trayer x11-utils)")
    main()
