"""The running app after Settings are saved, and at its start: a broken config file is kept
as .bak and the user told where; saved settings are put into effect without a restart where
they can be, and the rest is said."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from softphone.config import (
    AccountConfig,
    CallsConfig,
    Config,
    NetworkConfig,
    StartupConfig,
    load_config,
)
from softphone.config_file import save_config
from softphone.credentials import TURN_CREDENTIAL
from softphone.ui import app
from softphone.ui.app import Desktop
from tests.gui.conftest import ACCOUNT, Recorder

BROKEN = ('[[account]]\nname = "provider"\nusername = "1001"\n'
          'domain = "sip.example.net"\ntransport = "sctp"\n')


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's data and config folders (history, autostart entry) inside the test's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("SOFTPHONE_PASSWORD", raising=False)
    monkeypatch.setattr("keyring.get_keyring", fail.Keyring)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    texts: list[str] = []
    monkeypatch.setattr(app.QMessageBox, "warning",
                        lambda _parent, _title, text: texts.append(text))
    return texts


def test_a_broken_file_is_kept_as_bak_defaults_are_loaded_and_the_user_told_where(
        qtbot: QtBot, tmp_path: Path, shown: list[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(BROKEN)

    assert app._load(path) == Config(path=path)
    backup = tmp_path / "config.toml.bak"
    assert backup.read_text() == BROKEN
    assert len(shown) == 1
    assert "line 5" in shown[0] and "field 'transport'" in shown[0]
    assert f"A copy of the file is kept as {backup}" in shown[0]
    assert path.read_text() == BROKEN, "replaced only when settings are saved"


def test_a_second_broken_start_keeps_the_first_copy(
        qtbot: QtBot, tmp_path: Path, shown: list[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(BROKEN)
    app._load(path)
    path.write_text("not = [toml")
    app._load(path)

    assert (tmp_path / "config.toml.bak").read_text() == BROKEN
    [second] = [p for p in tmp_path.iterdir() if p.name.startswith("config.toml.bak-")]
    assert second.read_text() == "not = [toml"
    assert str(second) in shown[1]


def test_saving_over_the_broken_file_replaces_it_and_the_copy_stays(
        qtbot: QtBot, tmp_path: Path, shown: list[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(BROKEN)
    defaults = app._load(path)
    save_config(replace(defaults, accounts=(ACCOUNT,)))

    assert load_config(path).accounts == (ACCOUNT,)
    assert (tmp_path / "config.toml.bak").read_text() == BROKEN


@pytest.fixture
def desktop(qtbot: QtBot, tmp_path: Path) -> tuple[Desktop, Recorder]:
    made = Desktop(Config(accounts=(ACCOUNT,), path=tmp_path / "config.toml"))
    qtbot.addWidget(made.window)
    engine = Recorder()
    made.phone.engine = engine  # type: ignore[assignment]
    return made, engine


def test_accounts_change_in_the_running_app(desktop: tuple[Desktop, Recorder]) -> None:
    app_, engine = desktop
    trunk = AccountConfig(name="trunk", username="pbx", domain="pbx.example.net",
                          register=False)
    notes = app_.apply_settings(Config(accounts=(trunk,)), set())

    assert ("remove_account", "provider") in engine.calls
    assert ("add_account", trunk, None, True) in engine.calls
    assert notes == []
    assert list(app_.window.accounts.accounts) == ["trunk"]
    assert app_.session.accounts["trunk"].text == "Ready (no registration)"
    assert "provider" not in app_.session.accounts


def test_a_new_password_registers_the_unchanged_account_again(
        desktop: tuple[Desktop, Recorder]) -> None:
    app_, engine = desktop
    notes = app_.apply_settings(Config(accounts=(ACCOUNT,)), {"provider"})
    assert [call[0] for call in engine.calls] == []
    assert notes == [app_.session.accounts["provider"].text.removeprefix("Failed: ")]
    assert "No system keyring" in notes[0]


def test_calls_settings_apply_at_once_and_max_calls_waits_for_a_restart(
        desktop: tuple[Desktop, Recorder], tmp_path: Path) -> None:
    app_, engine = desktop
    calls = CallsConfig(auto_answer=True, rtp_timeout=90, max_calls=2, do_not_disturb=True)
    notes = app_.apply_settings(Config(accounts=(ACCOUNT,), calls=calls), set())

    assert app_.incoming.auto_answer
    assert app_.phone.engine.rtp_timeout == 90
    assert ("set_do_not_disturb", True) in engine.calls
    assert app_.do_not_disturb.on
    assert not (tmp_path / "config.toml").exists(), "saving is the dialog's: not written again"
    assert notes == ["Calls at once will take effect the next time Softphone starts."]


def test_start_at_login_installs_and_removes_the_autostart_entry(
        desktop: tuple[Desktop, Recorder], tmp_path: Path) -> None:
    app_, _ = desktop
    entry = tmp_path / "config" / "autostart" / "softphone.desktop"
    app_.apply_settings(Config(accounts=(ACCOUNT,),
                               startup=StartupConfig(start_at_login=True)), set())
    assert "X-GNOME-Autostart-enabled=true" in entry.read_text()
    app_.apply_settings(Config(accounts=(ACCOUNT,)), set())
    assert not entry.exists()


def test_network_settings_and_the_relay_password_wait_for_a_restart_and_say_so(
        desktop: tuple[Desktop, Recorder]) -> None:
    app_, engine = desktop
    network = NetworkConfig(turn_server="turn.example.net:3478", turn_username="ada")
    notes = app_.apply_settings(Config(accounts=(ACCOUNT,), network=network),
                                {TURN_CREDENTIAL})

    assert engine.calls == [], "no account is registered again for them"
    assert notes == ["Network settings and the relay's new password will take effect the next "
                     "time Softphone starts."]
