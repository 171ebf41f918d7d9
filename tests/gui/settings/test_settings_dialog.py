"""The Settings dialog on a real Phone whose engine is a recorder: accounts added, edited,
checked by the config file's rules, removed; codecs; calls and startup; saved to the file
(comments kept) and applied; the keyring's refusal shown without losing anything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from softphone.config import AccountConfig, Config, NetworkConfig, load_config
from softphone.credentials import TURN_CREDENTIAL
from softphone.phone import Phone
from softphone.ui.adapter import EngineBridge
from softphone.ui.restart import HANG_UP_FIRST, Restart
from softphone.ui.settings.account_form import AccountForm
from softphone.ui.settings.dialog import SettingsDialog
from softphone.ui.settings.network_page import NetworkPage
from tests.gui.conftest import ACCOUNT, Recorder
from tests.gui.events import registration

FILE = """\
# written by hand
[[account]]
name = "provider"  # my main line
username = "1001"
domain = "sip.example.net"
default_country = "US"
"""

NEW_ACCOUNT = {"name": "office", "username": "2002", "domain": "pbx.example.net:5070",
               "caller_id": "+15550002002"}


class Applied:
    """The app's apply_settings as the dialog sees it: what it was given, a note back."""

    def __init__(self) -> None:
        self.calls: list[tuple[Config, set[str]]] = []

    def __call__(self, config: Config, renewed: set[str]) -> list[str]:
        self.calls.append((config, renewed))
        return ["Applied."]


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a desktop without a Secret Service: the keyring refuses with a sentence."""
    monkeypatch.delenv("SOFTPHONE_PASSWORD", raising=False)
    monkeypatch.setattr("keyring.get_keyring", fail.Keyring)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(FILE)
    return path


@pytest.fixture
def phone(bridge: EngineBridge, engine: Recorder, config_file: Path) -> Phone:
    made = Phone(load_config(config_file), bridge.deliver)
    made.engine = engine  # type: ignore[assignment]
    return made


@pytest.fixture
def applied() -> Applied:
    return Applied()


@pytest.fixture
def dialog(qtbot: QtBot, phone: Phone, bridge: EngineBridge, applied: Applied) -> SettingsDialog:
    shown = SettingsDialog(phone.config, phone, bridge, applied)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def fill(form: AccountForm, **values: str) -> None:
    for key, value in values.items():
        widget = form.inputs[key] if key != "password" else form.password
        assert isinstance(widget, QLineEdit)
        widget.setText(value)


def open_editor(dialog: SettingsDialog, button: str) -> AccountForm:
    dialog.accounts_page.buttons[button].click()
    assert dialog.accounts_page.editor is not None
    return dialog.accounts_page.editor.form


def press_ok(dialog: SettingsDialog) -> None:
    editor = dialog.accounts_page.editor
    assert editor is not None
    editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def shown_errors(form: AccountForm) -> dict[str, str]:
    return {key: label.text() for key, label in form.errors.items() if not label.isHidden()}


def test_each_wrong_field_is_explained_next_to_it_in_the_files_words(
        dialog: SettingsDialog) -> None:
    form = open_editor(dialog, "add")
    fill(form, name="provider", username="1001@sip.example.net", domain="",
         caller_id="5550001001", default_country="UK")
    press_ok(dialog)

    errors = shown_errors(form)
    assert errors == {
        "name": "Another account already has this name.",
        "username": "Must be only the user part, without '@domain' or spaces (got "
                    "'1001@sip.example.net').",
        "domain": "Must be a host name, optionally with :port, e.g. sip.example.net (got '').",
        "caller_id": "Must be an E.164 number: '+' then 6 to 15 digits, e.g. +15550001001 "
                     "(got '5550001001').",
        "default_country": "Must be a two-letter ISO 3166 region code such as US, DE or GB "
                           "(got 'UK').",
    }
    assert dialog.accounts_page.editor.isVisible(), "what was typed stays on screen"
    assert form.inputs["username"].text() == "1001@sip.example.net"
    assert dialog.accounts.names() == ["provider"]


def test_an_added_account_is_saved_with_the_users_comments_kept_and_applied(
        dialog: SettingsDialog, config_file: Path, applied: Applied) -> None:
    form = open_editor(dialog, "add")
    fill(form, **NEW_ACCOUNT)
    form.inputs["transport"].setCurrentText("tcp")
    form.inputs["srtp"].setCurrentText("mandatory")
    form.inputs["dtmf_method"].setCurrentText("info")
    press_ok(dialog)
    dialog.apply_button.click()

    office = AccountConfig(name="office", username="2002", domain="pbx.example.net:5070",
                           caller_id="+15550002002", transport="tcp", srtp="mandatory",
                           dtmf_method="info")
    assert load_config(config_file).accounts == (ACCOUNT, office)
    assert "# written by hand" in config_file.read_text()
    assert "# my main line" in config_file.read_text()
    assert applied.calls == [(load_config(config_file), set())]
    assert dialog.message.text() == "Saved. Applied."


def test_a_password_the_keyring_refuses_is_said_and_the_rest_is_saved(
        dialog: SettingsDialog, config_file: Path) -> None:
    form = open_editor(dialog, "add")
    fill(form, **NEW_ACCOUNT, password="s3cret-pass")
    press_ok(dialog)
    dialog.ok_button.click()

    assert dialog.isVisible(), "the dialog stays open so the password can be saved later"
    assert "No system keyring is available for the password of account 'office'" in (
        dialog.message.text())
    assert [a.name for a in load_config(config_file).accounts] == ["provider", "office"]
    assert "s3cret-pass" not in config_file.read_text()
    assert dialog.accounts.passwords == {"office": "s3cret-pass"}, "kept to retry"


def test_editing_keeps_the_name_which_is_the_keyring_entry(
        dialog: SettingsDialog, config_file: Path) -> None:
    dialog.accounts_page.list.setCurrentRow(0)
    form = open_editor(dialog, "edit")
    assert form.inputs["name"].isReadOnly()
    assert form.inputs["domain"].text() == "sip.example.net"
    fill(form, display_name="Ada", registrar="sip:reg.example.net:5060")
    press_ok(dialog)
    dialog.apply_button.click()

    saved = load_config(config_file).accounts[0]
    assert (saved.name, saved.display_name, saved.registrar) == (
        "provider", "Ada", "sip:reg.example.net:5060")


def test_removing_asks_first_and_then_the_account_is_gone_from_the_file(
        qtbot: QtBot, dialog: SettingsDialog, config_file: Path) -> None:
    dialog.accounts_page.list.setCurrentRow(0)
    dialog.accounts_page.buttons["remove"].click()
    question = dialog.accounts_page.findChild(QMessageBox)
    assert "deleted from the system keyring" in question.text()
    remove = next(b for b in question.buttons() if b.text() == "Remove")
    remove.click()
    qtbot.waitUntil(lambda: dialog.accounts.names() == [])
    dialog.apply_button.click()

    assert load_config(config_file).accounts == ()
    assert "No system keyring" in dialog.message.text(), "its keyring entry could not go"


def test_codecs_are_reordered_and_switched_per_account(
        dialog: SettingsDialog, config_file: Path) -> None:
    page = dialog.pages[1]
    codecs = page.codecs
    assert [codecs.item(row).text() for row in range(3)] == ["G722", "PCMA", "PCMU"]
    codecs.setCurrentRow(2)
    page.up.click()  # PCMU before PCMA
    codecs.item(0).setCheckState(codecs.item(0).checkState().Unchecked)  # G722 off
    dialog.apply_button.click()

    assert load_config(config_file).accounts[0].codecs == ("PCMU", "PCMA")


def test_the_last_codec_cannot_be_switched_off(dialog: SettingsDialog) -> None:
    page = dialog.pages[1]
    for _ in range(3):
        page.codecs.item(0).setCheckState(page.codecs.item(0).checkState().Unchecked)
    assert page.note.text() == "At least one codec must stay on."
    assert dialog.accounts.accounts[0].codecs == ("PCMU",)


def test_calls_and_startup_settings_are_saved(dialog: SettingsDialog, config_file: Path) -> None:
    calls, startup = dialog.pages[-2], dialog.pages[-1]
    calls.checks["auto_answer"].setChecked(True)
    calls.checks["confirm_links"].setChecked(False)
    calls.max_calls.setValue(2)
    calls.rtp_timeout.setValue(60)
    startup.checks["start_minimised"].setChecked(True)
    dialog.ok_button.click()

    saved = load_config(config_file)
    assert (saved.calls.auto_answer, saved.calls.confirm_links, saved.calls.max_calls,
            saved.calls.rtp_timeout) == (True, False, 2, 60)
    assert saved.startup.start_minimised
    assert not dialog.isVisible()


def test_the_limits_of_numbers_are_the_files(dialog: SettingsDialog) -> None:
    calls = dialog.pages[-2]
    assert (calls.max_calls.minimum(), calls.max_calls.maximum()) == (1, 4)
    assert (calls.rtp_timeout.minimum(), calls.rtp_timeout.maximum()) == (5, 3600)


def test_test_registration_registers_the_account_as_typed_and_shows_the_answer(
        dialog: SettingsDialog, engine: Recorder, deliver: Callable[[Any], None]) -> None:
    dialog.accounts_page.list.setCurrentRow(0)
    form = open_editor(dialog, "edit")
    fill(form, password="typed-password", domain="sip2.example.net")
    form.test_button.click()

    tried = replace(ACCOUNT, domain="sip2.example.net")
    assert engine.calls == [("add_account", tried, "typed-password", True)]
    assert form.status.text() == "Registering…"
    deliver(registration(False, 403, "The provider refused the username or password."))
    assert form.status.text() == "The provider refused the username or password."
    form.test_button.click()
    deliver(registration(True))
    assert form.status.text() == "Registered"


def test_test_registration_without_a_password_says_what_the_keyring_said(
        dialog: SettingsDialog, engine: Recorder) -> None:
    dialog.accounts_page.list.setCurrentRow(0)
    form = open_editor(dialog, "edit")
    form.test_button.click()
    assert form.status.text().startswith("No system keyring is available")
    assert engine.calls == []


def test_cancel_puts_back_an_account_tried_with_unsaved_settings(
        dialog: SettingsDialog, engine: Recorder, config_file: Path) -> None:
    form = open_editor(dialog, "add")
    fill(form, **NEW_ACCOUNT, password="pw")
    form.test_button.click()
    press_ok(dialog)
    dialog.reject()

    assert engine.calls[-1] == ("remove_account", "office")
    assert load_config(config_file).accounts == (ACCOUNT,), "nothing saved"


def network_page(dialog: SettingsDialog) -> NetworkPage:
    page = next(page for page in dialog.pages if isinstance(page, NetworkPage))
    dialog.tabs.setCurrentWidget(page)
    return page


def test_network_settings_are_saved_in_the_files_form(
        dialog: SettingsDialog, config_file: Path, applied: Applied) -> None:
    page = network_page(dialog)
    page.inputs["sip_port"].setValue(5070)
    page.inputs["rtp_port"].setValue(16384)
    page.inputs["stun_servers"].setText("stun1.example.net:3478,  stun2.example.net")
    page.inputs["turn_server"].setText("turn.example.net:3478")
    page.inputs["turn_username"].setText("ada")
    page.inputs["turn_transport"].setCurrentText("tcp")
    dialog.apply_button.click()

    assert load_config(config_file).network == NetworkConfig(
        sip_port=5070, rtp_port=16384, stun_servers=("stun1.example.net:3478",
                                                     "stun2.example.net"),
        turn_server="turn.example.net:3478", turn_username="ada", turn_transport="tcp")
    assert "# my main line" in config_file.read_text()
    assert applied.calls[-1][0].network == load_config(config_file).network


def test_an_unset_port_reads_any_and_empty_fields_stay_unset(dialog: SettingsDialog,
                                                             config_file: Path) -> None:
    page = network_page(dialog)
    assert page.inputs["sip_port"].text() == "Any free port"
    assert not page.password.isEnabled(), "no relay, so nothing to log in to"
    dialog.apply_button.click()

    assert load_config(config_file).network == NetworkConfig()


def test_wrong_network_fields_are_explained_and_nothing_is_saved(
        dialog: SettingsDialog, config_file: Path, tmp_path: Path) -> None:
    before = config_file.read_text()
    page = network_page(dialog)
    dialog.tabs.setCurrentIndex(0)  # the problems are found from another page
    page.inputs["bind_address"].setText("192.168.1.300")
    page.inputs["ca_file"].setText(str(tmp_path / "missing.pem"))
    page.inputs["stun_servers"].setText("stun.example.net:99999")
    page.inputs["turn_server"].setText("turn server")
    dialog.ok_button.click()

    assert dialog.isVisible()
    assert dialog.tabs.currentWidget() is page, "the page with the problems is shown"
    assert dialog.message.text() == ("Nothing was saved: correct the fields marked on the "
                                     "Network page first.")
    errors = {key: label.text() for key, label in page.errors.items() if not label.isHidden()}
    assert errors == {
        "bind_address": 'Must be a local IP address such as 192.168.1.10, or "" for all '
                        "addresses (got '192.168.1.300').",
        "ca_file": f"No such file: {str(tmp_path / 'missing.pem')!r}.",
        "stun_servers": "Each item must be a host name, optionally with :port, e.g. "
                        "sip.example.net (got 'stun.example.net:99999').",
        "turn_server": "Must be a host name, optionally with :port, e.g. sip.example.net (got "
                       "'turn server').",
    }
    assert config_file.read_text() == before

    page.inputs["bind_address"].clear()
    page.inputs["ca_file"].clear()
    page.inputs["stun_servers"].clear()
    page.inputs["turn_server"].clear()
    dialog.apply_button.click()
    assert dialog.message.text().startswith("Saved.")
    assert all(label.isHidden() for label in page.errors.values())


def test_the_relay_password_waits_for_the_keyring_and_never_reaches_the_file(
        dialog: SettingsDialog, config_file: Path) -> None:
    page = network_page(dialog)
    page.inputs["turn_server"].setText("turn.example.net")
    assert page.password.isEnabled()
    page.inputs["turn_username"].setText("ada")
    page.password.setText("relay-s3cret")
    dialog.apply_button.click()

    assert "No system keyring is available for the password of the TURN relay" in (
        dialog.message.text())
    assert "SOFTPHONE_TURN_PASSWORD" in dialog.message.text()
    assert "relay-s3cret" not in config_file.read_text()
    assert load_config(config_file).network.turn_server == "turn.example.net"
    assert dialog.accounts.passwords == {TURN_CREDENTIAL: "relay-s3cret"}, "kept to retry"
    assert page.password.text() == ""


def test_a_password_typed_for_a_relay_then_removed_is_not_kept(dialog: SettingsDialog) -> None:
    page = network_page(dialog)
    page.inputs["turn_server"].setText("turn.example.net")
    page.password.setText("relay-s3cret")
    page.inputs["turn_server"].clear()
    dialog.apply_button.click()

    assert dialog.accounts.passwords == {}
    assert dialog.message.text() == "Saved. Applied."


@pytest.mark.parametrize("in_a_call", [False, True])
def test_restart_now_is_offered_once_settings_wait_for_it_and_never_ends_a_call(
        qtbot: QtBot, phone: Phone, bridge: EngineBridge, config_file: Path,
        in_a_call: bool) -> None:
    quits: list[bool] = []
    restart = Restart(lambda: in_a_call, lambda: quits.append(True))

    def applied(config: Config, renewed: set[str]) -> list[str]:
        restart.pending = True  # as the app does for network settings
        return ["Network settings will take effect the next time Softphone starts."]

    shown = SettingsDialog(phone.config, phone, bridge, applied, restart)
    qtbot.addWidget(shown)
    shown.show()
    assert not shown.restart_button.isVisible()
    network_page(shown).inputs["sip_port"].setValue(5070)
    shown.apply_button.click()
    assert shown.restart_button.isVisible()

    shown.restart_button.click()
    assert quits == ([] if in_a_call else [True])
    if in_a_call:
        assert shown.message.text() == HANG_UP_FIRST
    assert load_config(config_file).network.sip_port == 5070
