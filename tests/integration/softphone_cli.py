"""Runs the real `softphone` command in a subprocess, as a user or a script would.

pjsua allows one endpoint per process, and a user meets the CLI as a process anyway: every
integration test drives `python -m softphone ... --json` and reads its JSON event lines.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.peers.ports import wait_until

REPO = Path(__file__).resolve().parents[2]


def write_config(path: Path, accounts: list[dict[str, Any]],
                 network: dict[str, Any] | None = None, **tables: dict[str, Any]) -> Path:
    """A config.toml as a user would write it (values are simple strings, numbers, bools):
    the accounts, then [network] and any other tables (calls=..., audio=...)."""
    lines: list[str] = []
    for account in accounts:
        lines.append("[[account]]")
        lines += [f"{key} = {_toml(value)}" for key, value in account.items()]
    for table, values in {"network": network, **tables}.items():
        if values:
            lines.append(f"[{table}]")
            lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


@dataclass(repr=False)
class Outcome:
    returncode: int
    events: list[dict[str, Any]]
    stderr: str
    log: str = ""

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["event"] == kind]

    def states(self) -> list[str]:
        return [event["state"] for event in self.of("call_state")]

    def ended(self) -> dict[str, Any]:
        ended = [event for event in self.of("call_state") if event["state"] == "ended"]
        assert ended, f"no ended event in {self.states()}\n{self}"
        return ended[-1]

    def __repr__(self) -> str:
        lines = [json.dumps(event) for event in self.events]
        return (f"exit {self.returncode}\nstderr: {self.stderr}\nevents:\n" + "\n".join(lines)
                + f"\n--- engine log tail ---\n{self.log[-4000:]}")


class Softphone:
    """One `softphone` run; `password` goes in SOFTPHONE_PASSWORD as a script would set it.

    A reader thread collects the JSON event lines as they come, so a test can act on an event
    (press Ctrl-C once connected) while the call goes on."""

    def __init__(self, workdir: Path, args: list[str], password: str | None = None,
                 module: str = "softphone") -> None:
        self.workdir = workdir
        self.args = args
        self.password = password
        self.module = module
        self.log_path = workdir / f"softphone-{Path(args[0]).stem}.log"
        self.events: list[dict[str, Any]] = []
        self.process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def start(self) -> Softphone:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        env.pop("SOFTPHONE_PASSWORD", None)
        env.pop("PYTHONUNBUFFERED", None)  # stdout buffered, as in a user's pipeline
        if self.password is not None:
            env["SOFTPHONE_PASSWORD"] = self.password
        json_flag = ["--json"] if self.module == "softphone" else []
        command = [sys.executable, "-m", self.module, *self.args, *json_flag,
                   "--log", str(self.log_path)]
        self.process = subprocess.Popen(
            command, cwd=self.workdir, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self._reader = threading.Thread(target=self._read_events, daemon=True)
        self._reader.start()
        return self

    def _read_events(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.events.append(json.loads(line))
            elif self.module == "softphone":  # --json output is for programs: nothing else
                self.events.append({"event": "stray_output", "line": line})

    def wait_for(self, kind: str, timeout: float = 15.0, **fields: Any) -> dict[str, Any]:
        """The first event of `kind` whose fields match, waiting for it if need be."""
        def match() -> dict[str, Any] | None:
            return next((e for e in self.events if e["event"] == kind
                         and all(e.get(k) == v for k, v in fields.items())), None)

        wait_until(lambda: match() is not None, timeout, f"{kind} event with {fields}")
        return match()

    def wait_for_state(self, state: str, timeout: float = 15.0) -> None:
        self.wait_for("call_state", timeout, state=state)

    def interrupt(self) -> None:
        """Ctrl-C, as a person at the terminal would press it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)

    def finish(self, timeout: float = 30.0) -> Outcome:
        """Wait for the run to end by itself (killed after `timeout`) and collect its output."""
        assert self.process is not None and self._reader is not None
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(5)
        stderr = self.process.stderr.read() if self.process.stderr else ""
        log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return Outcome(self.process.returncode, list(self.events), stderr, log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def run_softphone(workdir: Path, args: list[str], password: str | None = None,
                  timeout: float = 30.0) -> Outcome:
    process = Softphone(workdir, args, password).start()
    try:
        return process.finish(timeout)
    finally:
        process.stop()


def start_script(workdir: Path, config: Path, steps: list[dict[str, Any]],
                 password: str) -> Softphone:
    """Start tests.integration.phone_script: the command layer driven step by step."""
    script = workdir / "script.json"
    script.write_text(json.dumps(steps))
    return Softphone(workdir, [str(config), str(script)], password,
                     module="tests.integration.phone_script").start()


def run_script(workdir: Path, config: Path, steps: list[dict[str, Any]], password: str,
               timeout: float = 60.0) -> Outcome:
    process = start_script(workdir, config, steps, password)
    try:
        return process.finish(timeout)
    finally:
        process.stop()
