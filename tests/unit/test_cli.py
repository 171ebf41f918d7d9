"""Tests for softphone.cli: input the `softphone` command must refuse, run in-process."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from softphone.cli import main
from softphone.engine import Engine

ACCOUNT = """\
[[account]]
name = "test"
username = "alice"
domain = "127.0.0.1:5999"
register = false
"""
DIALLABLE = "+15551234567"


class EngineStarted(Exception):
    """Raised instead of starting the SIP engine, so input checks are seen to come first."""


@pytest.fixture
def engine_must_not_start(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Engine, timeout: float = 15.0) -> None:
        raise EngineStarted("the SIP engine was started before the input was checked")

    monkeypatch.setattr(Engine, "start", refuse)


def write_config(tmp_path: Path, text: str = ACCOUNT) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run `softphone ARGV`, check it exits 2 with one message and nothing on stdout."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("softphone: ")
    assert err.count("\n") == 1
    return err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: softphone")
    assert "call" in out and "password" in out and "install-desktop" in out


def test_no_command_without_a_display_says_what_to_do(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`softphone` alone opens the app; with no display it explains instead of Qt aborting."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "no graphical display" in err and "softphone call" in err


@pytest.mark.usefixtures("engine_must_not_start")
def test_config_syntax_error_names_file_and_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, ACCOUNT.replace('username = "alice"', 'username = "alice'))
    err = refused(["call", "--config", str(config), DIALLABLE], capsys)
    assert f"{config}, line 3" in err
    assert "invalid TOML" in err


@pytest.mark.usefixtures("engine_must_not_start")
def test_missing_config_file_is_refused(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "missing.toml"
    err = refused(["call", "--config", str(config), DIALLABLE], capsys)
    assert err == f"softphone: {config}: file not found\n"


# Valid config, bad command line: (arguments after `call --config FILE`, words in the message).
# "{tmp}" stands for the test's tmp_path.
BAD_INPUT = {
    "unknown-account": (["--account", "nope", DIALLABLE],
                        ["no account named 'nope'", "configured accounts: 'test'"]),
    "undiallable-target": (["+1 555"], ["'+1 555'", "too short to be a phone number"]),
    "missing-play-wav": (["--play", "{tmp}/missing.wav", DIALLABLE],
                         ["{tmp}/missing.wav", "no such file"]),
    "unwritable-record-wav": (["--record", "{tmp}/no-dir/out.wav", DIALLABLE],
                              ["{tmp}/no-dir/out.wav", "cannot be written"]),
}
@pytest.mark.usefixtures("unraisable", "engine_must_not_start")
@pytest.mark.parametrize(("args", "words"), list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_is_refused_before_the_engine_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: list[str]
) -> None:
    config = write_config(tmp_path)
    args = [arg.format(tmp=tmp_path) for arg in args]
    err = refused(["call", "--config", str(config), *args], capsys)
    for word in words:
        assert word.format(tmp=tmp_path) in err


@pytest.mark.parametrize("args", [["password"], ["password", "test", "--turn"]],
                         ids=["neither", "both"])
def test_password_wants_an_account_or_turn(args: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert "give an account name, or --turn" in capsys.readouterr().err
