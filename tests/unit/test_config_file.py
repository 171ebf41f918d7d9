"""Saving the config: what is written loads back equal, the user's comments survive an edit,
the write is atomic and private, and a file that failed to load is kept before it is replaced."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from softphone.config import (
    AccountConfig,
    AudioConfig,
    CallsConfig,
    Config,
    ConfigError,
    NetworkConfig,
    StartupConfig,
    load_config,
    parse_field,
)
from softphone.config_file import ConfigSaveError, keep_backup, save_config

FULL_ACCOUNT = AccountConfig(
    name="provider", username="1001", domain="sip.example.net:5080",
    registrar="sip:reg.example.net:5060", proxy="sip:proxy.example.net", transport="tcp",
    register=False, display_name="Ada Lovelace", caller_id="+15550001001",
    default_country="GB", auth_username="auth1001", codecs=("PCMU", "speex", "G722"),
    verify_server=False, dtmf_method="info", incoming_transfers="accept",
    calls_from_provider_only=False, dial_plan=(("^0", "+44"), (r"^(\d{4})$", r"+4420\1")),
    srtp="mandatory")

EVERY_TABLE = Config(
    accounts=(FULL_ACCOUNT, AccountConfig(name="second", username="2002", domain="pbx.local")),
    network=NetworkConfig(sip_port=5070, rtp_port=6000, bind_address="127.0.0.1",
                          stun_servers=("stun.example.net:3478", "stun2.example.net")),
    calls=CallsConfig(max_calls=2, rtp_timeout=45, confirm_links=False, auto_answer=True,
                      do_not_disturb=True),
    audio=AudioConfig(input_device="USB Mic", output_device="Speakers", ringer_device="Bell",
                      echo_cancellation=False, noise_suppression=False, auto_gain=False),
    startup=StartupConfig(start_minimised=True, close_to_tray=False, start_at_login=True),
)

COMMENTED = """\
# My phone, set up by hand.
[[account]]
name = "provider"   # the one I use
username = "1001"
domain = "sip.example.net"
codecs = ["G722", "PCMA"]  # wideband first

# the office PBX
[[account]]
name = "office"
username = "2002"
domain = "pbx.local"

[calls]
# four lines on this desk
max_calls = 4
"""


def saved_and_loaded(config: Config, path: Path) -> Config:
    save_config(config, path)
    return load_config(path)


def test_every_table_and_field_loads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert saved_and_loaded(EVERY_TABLE, path) == replace(EVERY_TABLE, path=path)


def test_a_new_file_holds_only_what_differs_from_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    account = AccountConfig(name="provider", username="1001", domain="sip.example.net")
    save_config(Config(accounts=(account,), calls=CallsConfig(auto_answer=True)), path)

    assert path.read_text() == (
        '[[account]]\nname = "provider"\nusername = "1001"\ndomain = "sip.example.net"\n\n'
        "[calls]\nauto_answer = true\n")


def test_defaults_only_make_an_empty_file_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert saved_and_loaded(Config(), path) == Config(path=path)
    assert path.read_text() == ""


def test_an_edit_keeps_comments_and_changes_only_what_changed(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    config = load_config(path)
    provider = replace(config.accounts[0], transport="tls", codecs=("PCMA", "G722"))
    edited = replace(config, accounts=(provider, config.accounts[1]),
                     calls=replace(config.calls, rtp_timeout=60))

    assert saved_and_loaded(edited, path) == edited
    text = path.read_text()
    for kept in ("# My phone, set up by hand.", 'name = "provider"   # the one I use',
                 "# the office PBX", "# four lines on this desk"):
        assert kept in text
    assert 'codecs = ["PCMA", "G722"]' in text
    assert 'transport = "tls"' in text
    assert "rtp_timeout = 60" in text
    assert "max_calls = 4" in text, "a value the user wrote at its default stays written"


def test_removing_renaming_and_adding_accounts(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    config = load_config(path)
    renamed = replace(config.accounts[0], name="main")
    added = AccountConfig(name="new", username="3003", domain="sip.new.example")
    edited = replace(config, accounts=(renamed, added))

    assert saved_and_loaded(edited, path) == edited
    text = path.read_text()
    assert "# the one I use" in text, "a renamed account keeps its table and comments"
    assert "\"office\"" not in text


def test_reordering_accounts_makes_the_other_one_the_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    config = load_config(path)
    swapped = replace(config, accounts=config.accounts[::-1])

    assert saved_and_loaded(swapped, path).account(None).name == "office"
    assert "# the one I use" in path.read_text()


def test_clearing_an_optional_field_removes_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(EVERY_TABLE, path)
    cleared = replace(FULL_ACCOUNT, registrar=None, proxy=None, caller_id=None)
    config = replace(EVERY_TABLE, accounts=(cleared,))

    assert saved_and_loaded(config, path) == replace(config, path=path)
    assert "registrar" not in path.read_text()


def test_accounts_written_as_inline_tables_are_saved_as_tables(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('account = [{name = "a", username = "1", domain = "x.example"}]\n')
    config = load_config(path)
    added = AccountConfig(name="b", username="2", domain="y.example")
    edited = replace(config, accounts=(added, *config.accounts))

    assert saved_and_loaded(edited, path) == edited


def test_the_file_is_private_and_its_new_folder_too(tmp_path: Path) -> None:
    path = tmp_path / "new-folder" / "config.toml"
    save_config(EVERY_TABLE, path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"], "no temporary file left"


def test_a_file_made_readable_by_others_is_private_again_after_a_save(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    path.chmod(0o644)
    save_config(load_config(path), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlinked_file_is_written_through_the_link(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "softphone.toml"
    target.parent.mkdir()
    target.write_text(COMMENTED)
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    save_config(replace(load_config(link), calls=CallsConfig(auto_answer=True)), link)

    assert link.is_symlink()
    assert "auto_answer = true" in target.read_text()


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(ConfigSaveError, match="Cannot write to"):
            save_config(EVERY_TABLE, path)
    finally:
        tmp_path.chmod(0o700)
    assert path.read_text() == COMMENTED


@contextlib.contextmanager
def small_file_limit() -> Iterator[None]:
    """Writes past 100 bytes fail with EFBIG, as on a full disk (works as root too). The limit
    holds only inside the block: it applies to the whole process, pytest's own output too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_write_that_cannot_finish_leaves_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("")
    with pytest.raises(ConfigSaveError, match="the file was not changed"), small_file_limit():
        save_config(EVERY_TABLE, path)
    assert path.read_text() == ""
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"], "no temporary file left"


def test_a_broken_file_is_kept_as_bak_before_it_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    broken = '[[account]]\nname = "provider"\nusername = "1001"\ntransport = "sctp"\n'
    path.write_text(broken)
    with pytest.raises(ConfigError):
        load_config(path)

    assert saved_and_loaded(EVERY_TABLE, path) == replace(EVERY_TABLE, path=path)
    backup = tmp_path / "config.toml.bak"
    assert backup.read_text() == broken
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_half_written_toml_is_kept_too(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[[account]]\nname = "provi')
    save_config(Config(), path)
    assert (tmp_path / "config.toml.bak").read_bytes() == b'[[account]]\nname = "provi'


def test_an_older_backup_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    (tmp_path / "config.toml.bak").write_text("the first broken file")
    path.write_text("the second broken file = ")

    backup = keep_backup(path)
    assert backup is not None and backup.name.startswith("config.toml.bak-")
    assert backup.read_text() == "the second broken file = "
    assert (tmp_path / "config.toml.bak").read_text() == "the first broken file"
    assert keep_backup(path) == backup, "the same contents are kept once"


def test_no_file_no_backup(tmp_path: Path) -> None:
    assert keep_backup(tmp_path / "config.toml") is None


@pytest.mark.parametrize(("table", "key", "value", "expected"), [
    ("account", "transport", "TLS", "tls"),
    ("account", "codecs", ["pcmu", "G722"], ("PCMU", "G722")),
    ("account", "default_country", "gb", "GB"),
    ("calls", "max_calls", 2, 2),
])
def test_parse_field_gives_the_canonical_value(table: str, key: str, value: object,
                                               expected: object) -> None:
    assert parse_field(table, key, value) == expected


@pytest.mark.parametrize(("table", "key", "value", "message"), [
    ("account", "username", "1001@sip.example.net", "must be only the user part"),
    ("account", "domain", "sip example", "must be a host name"),
    ("account", "caller_id", "5550001001", "must be an E.164 number"),
    ("calls", "max_calls", 9, "must be between 1 and 4"),
])
def test_parse_field_says_what_is_wrong_as_the_file_would(table: str, key: str, value: object,
                                                          message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        parse_field(table, key, value)
    assert raised.value.field == key
