"""Starting the app: a broken config file or a missing password is shown, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from softphone.config import AccountConfig, Config
from softphone.ui import app
from softphone.ui.app import Desktop
from tests.gui.conftest import ACCOUNT, Recorder


def test_a_broken_config_file_is_reported_and_the_app_starts_with_defaults(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[account]]\nname = "provider"\nusername = "1001"\n'
                    'domain = "sip.example.net"\ntransport = "sctp"\n')
    shown: list[str] = []
    monkeypatch.setattr(app.QMessageBox, "warning",
                        lambda _parent, _title, text: shown.append(text))
    config = app._load(path)
    assert config == Config(path=path)
    assert len(shown) == 1 and str(path) in shown[0] and "line 5" in shown[0]
    assert path.read_text().endswith('transport = "sctp"\n')  # nothing the user wrote is lost


def test_an_account_without_a_password_shows_it_as_its_state(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOFTPHONE_PASSWORD", raising=False)
    monkeypatch.setattr("keyring.get_keyring", fail.Keyring)
    trunk = AccountConfig(name="trunk", username="pbx", domain="pbx.example.net",
                          register=False)
    desktop = Desktop(Config(accounts=(ACCOUNT, trunk)))
    qtbot.addWidget(desktop.window)
    engine = Recorder()
    desktop.phone.engine = engine  # type: ignore[assignment]
    desktop._enable_accounts()
    assert desktop.session.accounts["provider"].text.startswith("Failed: ")
    assert desktop.session.accounts["trunk"].text == "Ready (no registration)"
    assert [call[0] for call in engine.calls] == ["add_account"]
