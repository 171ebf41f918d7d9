"""A private X server (Xvfb) for tests that must see the real app as a person would: its
windows found by title and keys sent to them with xdotool, as on a desktop."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

START_TIMEOUT = 10.0


@contextlib.contextmanager
def x_display(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """`env` pointing at a new Xvfb display (its number chosen by Xvfb itself, so another
    X server on this machine is never used); the server is stopped afterwards."""
    for tool, package in (("Xvfb", "xvfb"), ("xdotool", "xdotool")):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: {package})")
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1024x768x24",
                               "-nolisten", "tcp"], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as announced:
            number = announced.readline().strip()  # written once the server accepts clients
        if not number:
            raise RuntimeError("Xvfb did not start")
        shown = {**env, "DISPLAY": f":{number}"}
        shown.pop("QT_QPA_PLATFORM", None)
        yield shown
    finally:
        server.terminate()
        server.wait(10)


def find_window(env: dict[str, str], title: str, timeout: float = 20.0) -> str:
    """The id of the visible window titled exactly `title`, once it shows."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                               env=env, capture_output=True, text=True, timeout=10)
        if found.stdout.split():
            return found.stdout.split()[0]
        time.sleep(0.1)
    raise AssertionError(f"no window {title!r} within {timeout} s")


def press(env: dict[str, str], window: str, key: str) -> None:
    subprocess.run(["xdotool", "windowfocus", "--sync", window, "key", key], env=env,
                   check=True, timeout=10)
