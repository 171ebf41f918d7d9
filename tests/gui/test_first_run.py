"""The first-run wizard: shown to a new user only; an account typed (checked like Settings)
or skipped; the echo test call; finishing or cancelling saves, so it never shows again. The
last test is a new user's real first start, echo call connected on the real engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from softphone.config import AccountConfig, Config, load_config
from softphone.events import CallState
from softphone.phone import Phone
from softphone.ui import first_run
from softphone.ui.adapter import EngineBridge
from softphone.ui.first_run import CONNECTED_WORDS, FirstRunWizard, is_first_run
from tests.gui.conftest import Recorder
from tests.gui.events import call_state
from tests.gui.settings.test_settings_dialog import Applied
from tests.gui.settings.test_settings_flow import run_flow


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.delenv("SOFTPHONE_PASSWORD", raising=False)
    monkeypatch.setattr("keyring.get_keyring", fail.Keyring)
    warned: list[str] = []
    monkeypatch.setattr(first_run.QMessageBox, "warning",
                        lambda _parent, _title, text: warned.append(text))
    return warned


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "softphone" / "config.toml"


@pytest.fixture
def wizard(qtbot: QtBot, path: Path, bridge: EngineBridge, engine: Recorder) -> FirstRunWizard:
    phone = Phone(Config(path=path), bridge.deliver)
    phone.engine = engine  # type: ignore[assignment]
    shown = FirstRunWizard(Config(path=path), phone, bridge, Applied())
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_only_a_new_user_gets_the_wizard(path: Path) -> None:
    assert is_first_run(Config(path=path))
    account = AccountConfig(name="provider", username="1001", domain="sip.example.net")
    assert not is_first_run(Config(accounts=(account,), path=path))
    path.parent.mkdir()
    path.write_text("")
    assert not is_first_run(Config(path=path)), "skipped once: the file is there"


def test_skipping_everything_saves_and_the_wizard_does_not_come_back(
        wizard: FirstRunWizard, path: Path) -> None:
    wizard.next()
    wizard.next()
    wizard.accept()
    assert load_config(path) == Config(path=path)
    assert not is_first_run(load_config(path))


def test_cancelling_counts_as_skipping(wizard: FirstRunWizard, path: Path) -> None:
    wizard.reject()
    assert path.exists() and not is_first_run(load_config(path))


def test_a_typed_account_is_checked_and_saved_and_a_refused_password_said(
        wizard: FirstRunWizard, path: Path, no_keyring: list[str]) -> None:
    form = wizard.form
    form.inputs["username"].setText("1001@sip.example.net")
    wizard.next()
    assert wizard.currentPage() is wizard.account_step, "a wrong field holds the step"
    assert not form.errors["username"].isHidden()
    form.inputs["username"].setText("1001")
    form.inputs["domain"].setText("sip.example.net")
    form.password.setText("pw-1001")
    wizard.next()
    wizard.next()
    wizard.accept()

    assert load_config(path).accounts == (
        AccountConfig(name="provider", username="1001", domain="sip.example.net"),)
    assert "pw-1001" not in path.read_text()
    assert len(no_keyring) == 1 and "No system keyring" in no_keyring[0]


def test_the_echo_step_calls_the_echo_line_and_says_connected(
        wizard: FirstRunWizard, engine: Recorder, deliver) -> None:
    wizard.next()
    wizard.next()
    step = wizard.echo_step
    step.call_id = 7  # as phone.dial_echo_test() returns it (the recorder returns None)
    deliver(call_state(CallState.CONNECTED, call_id=7))
    assert step.state.text() == CONNECTED_WORDS
    deliver(call_state(CallState.ENDED, call_id=7, message="You hung up."))
    assert step.state.text() == "You hung up."
    assert step.call_button.isEnabled()


@pytest.mark.integration
def test_a_new_users_first_start_reaches_the_echo_test(tmp_path: Path) -> None:
    steps = run_flow(tmp_path, "first-run")
    assert steps["wizard"]["shown"] == "Welcome to Softphone"
    assert steps["echo"]["shown"] == CONNECTED_WORDS
    assert steps["finished"] == {"step": "finished", "shown": "saved", "again": "False"}
    assert (tmp_path / "config" / "softphone" / "config.toml").exists()
