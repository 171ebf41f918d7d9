"""Tests for softphone.config: real TOML files, exact values, exact error locations."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from softphone import config
from softphone.config import AccountConfig, Config, ConfigError, NetworkConfig, load_config

MINIMAL_ACCOUNT = """\
[[account]]
name = "provider"
username = "1001"
domain = "sip.example.net"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == path
    return caught.value


def test_full_example_is_parsed(tmp_path: Path) -> None:
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text("not really a certificate")
    path = write(
        tmp_path,
        f"""\
        [[account]]
        name = "provider"
        username = "1001"
        domain = "sip.example.net"
        registrar = "sip:sip.example.net:5060"
        proxy = "sips:proxy.example.net"
        transport = "TLS"
        register = false
        display_name = "Ada"
        caller_id = "+15550001001"
        default_country = "us"
        auth_username = "ada@example.net"
        codecs = ["pcmu", "g722", "ilbc"]
        verify_server = false

        [[account]]
        name = "second.one"
        username = "2002"
        domain = "10.0.0.1:5070"

        [network]
        sip_port = 5060
        rtp_port = 10000
        bind_address = "192.168.1.10"
        ca_file = "{ca_file}"
        stun_servers = ["stun.example.net", "stun2.example.net:3478"]
        turn_server = "turn.example.net:3478"
        turn_username = "ada"
        turn_transport = "TCP"
        """,
    )

    assert load_config(path) == Config(
        accounts=(
            AccountConfig(
                name="provider",
                username="1001",
                domain="sip.example.net",
                registrar="sip:sip.example.net:5060",
                proxy="sips:proxy.example.net",
                transport="tls",
                register=False,
                display_name="Ada",
                caller_id="+15550001001",
                default_country="US",
                auth_username="ada@example.net",
                codecs=("PCMU", "G722", "iLBC"),
                verify_server=False,
            ),
            AccountConfig(name="second.one", username="2002", domain="10.0.0.1:5070"),
        ),
        network=NetworkConfig(
            sip_port=5060,
            rtp_port=10000,
            bind_address="192.168.1.10",
            ca_file=str(ca_file),
            stun_servers=("stun.example.net", "stun2.example.net:3478"),
            turn_server="turn.example.net:3478",
            turn_username="ada",
            turn_transport="tcp",
        ),
        path=path,
    )


def test_minimal_account_gets_the_documented_defaults(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, MINIMAL_ACCOUNT))

    account = loaded.account(None)
    assert (account.registrar, account.proxy, account.transport) == (None, None, "udp")
    assert (account.register, account.verify_server, account.display_name) == (True, True, "")
    assert (account.caller_id, account.default_country, account.auth_username) == (None,) * 3
    assert account.codecs == ("G722", "PCMA", "PCMU")
    assert loaded.network == NetworkConfig(
        sip_port=0, rtp_port=4000, bind_address="", ca_file="", stun_servers=(),
        turn_server="", turn_username="", turn_transport="udp",
    )


def test_ca_file_may_start_with_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "ca.pem").write_text("")
    loaded = load_config(write(tmp_path, '[network]\nca_file = "~/ca.pem"\n'))
    assert loaded.network.ca_file == str(tmp_path / "ca.pem")


def test_a_leading_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL_ACCOUNT.encode())
    assert load_config(path).account("provider").username == "1001"


@pytest.mark.parametrize(
    ("transport", "registrar", "expected"),
    [
        ("udp", None, "sip:sip.example.net:5070"),
        ("tcp", None, "sip:sip.example.net:5070;transport=tcp"),
        ("tls", None, "sip:sip.example.net:5070;transport=tls"),
        ("tls", "sip:reg.example.net;transport=tls", "sip:reg.example.net;transport=tls"),
    ],
)
def test_registrar_uri(transport: str, registrar: str | None, expected: str) -> None:
    account = AccountConfig(
        name="p", username="1001", domain="sip.example.net:5070", transport=transport,
        registrar=registrar,
    )  # fmt: skip
    assert account.registrar_uri == expected


def test_aor_keeps_the_domain_as_written() -> None:
    account = AccountConfig(name="p", username="1001", domain="sip.example.net:5070")
    assert account.aor == "sip:1001@sip.example.net:5070"


def test_account_lookup() -> None:
    first = AccountConfig(name="first", username="1", domain="a.example")
    second = AccountConfig(name="second", username="2", domain="b.example")
    loaded = Config(accounts=(first, second), path=Path("/cfg.toml"))

    assert loaded.account(None) is first
    assert loaded.account("second") is second
    with pytest.raises(ConfigError) as caught:
        loaded.account("thrid")
    assert str(caught.value) == (
        "/cfg.toml: no account named 'thrid'; configured accounts: 'first', 'second'"
    )


def test_account_lookup_without_accounts_explains_what_to_add() -> None:
    with pytest.raises(ConfigError, match=r"no accounts are configured; add an \[\[account\]\]"):
        Config().account(None)


def test_error_without_location_is_just_the_message() -> None:
    assert str(ConfigError("something is off")) == "something is off"


def test_missing_default_file_is_an_empty_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "softphone" / "config.toml"
    monkeypatch.setattr(config, "default_config_path", lambda: default)
    assert load_config() == Config(path=default)


def test_default_file_is_read_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, MINIMAL_ACCOUNT)
    monkeypatch.setattr(config, "default_config_path", lambda: path)
    assert load_config().account(None).name == "provider"


def test_default_path_is_the_user_config_dir() -> None:
    assert config.default_config_path().parts[-2:] == ("softphone", "config.toml")


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: file not found"


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path)


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(MINIMAL_ACCOUNT.encode() + b'display_name = "Jos\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 5
    assert str(caught.value) == (
        f"{path}, line 5: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"
    )


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT + "transport = udp\n")
    assert (error.line, error.column, error.field) == (5, 13, None)
    assert str(error) == f"{error.path}, line 5, column 13: invalid TOML: Invalid value"


def test_syntax_error_at_end_of_file_names_the_last_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT + 'codecs = ["G722",\n\n')
    assert error.line == 5
    assert "reached the end of the file" in error.message


def test_unknown_key_suggests_the_closest_one(tmp_path: Path) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT + 'usernmae = "1002"\n')
    assert str(error) == (
        f"{error.path}, line 5, account 'provider', field 'usernmae': "
        "unknown key; did you mean 'username'?"
    )


def test_unknown_key_without_a_close_match_lists_the_known_ones(tmp_path: Path) -> None:
    error = load_error(tmp_path, "[network]\nfoo = 1\n")
    assert (error.line, error.section, error.field) == (2, "[network]", "foo")
    assert error.message == (
        "unknown key; known keys: sip_port, rtp_port, bind_address, ca_file, stun_servers, "
        "turn_server, turn_username, turn_transport"
    )


def test_unknown_table_suggests_the_closest_one(tmp_path: Path) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT + "\n[netwrok]\nsip_port = 5060\n")
    assert (error.line, error.field) == (6, "netwrok")
    assert error.message == "unknown table; did you mean 'network'?"


def test_a_password_in_the_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT + 'password = "hunter2"\n')
    assert (error.line, error.field) == (5, "password")
    assert "softphone password" in error.message
    assert "hunter2" not in str(error)


def test_inline_tables_are_located_by_their_key(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """\
        # accounts written inline
        account = [{ name = "p", username = "1", domain = "d", transport = "x" }]
        """,
    )
    assert (error.line, error.section, error.field) == (2, "account 'p'", "transport")


def test_single_account_table_must_be_an_array_of_tables(tmp_path: Path) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT.replace("[[account]]", "[account]"))
    assert (error.line, error.field) == (1, "account")
    assert "[[account]]" in error.message


def test_network_must_be_a_table(tmp_path: Path) -> None:
    error = load_error(tmp_path, "network = 5\n")
    assert (error.line, error.field) == (1, "network")
    assert error.message == "must be a single [network] table"


@pytest.mark.parametrize("missing", ["name", "username", "domain"])
def test_missing_required_field_points_at_the_account_header(tmp_path: Path, missing: str) -> None:
    second = "\n".join(
        line for line in MINIMAL_ACCOUNT.splitlines() if not line.startswith(missing)
    )
    error = load_error(tmp_path, MINIMAL_ACCOUNT + "\n" + second.replace("provider", "other"))
    assert (error.line, error.field) == (6, missing)
    assert error.message == "is required but missing"
    assert error.section == ("account #2" if missing == "name" else "account 'other'")


def test_duplicate_account_name_points_at_the_second_name(tmp_path: Path) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT + "\n" + MINIMAL_ACCOUNT)
    assert str(error) == (
        f"{error.path}, line 7, account 'provider', field 'name': "
        "duplicate account name; account #1 already uses it"
    )


def test_bad_transport_reads_as_documented(tmp_path: Path) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT + 'transport = "sctp"\n')
    assert str(error) == (
        f"{error.path}, line 5, account 'provider', field 'transport': "
        "must be one of udp, tcp, tls (got 'sctp')"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('register = "yes"', "must be true or false (got 'yes')"),
        ("verify_server = 1", "must be true or false (got 1)"),
        ("display_name = 42", "must be a string in quotes (got 42)"),
        ('codecs = "G722"', "must be a list of codec names"),
        ("codecs = [1]", "each item must be a string in quotes (got 1)"),
        ('codecs = ["opus"]', "each item must be one of G722, PCMA, PCMU, speex, iLBC, GSM, L16"),
        ("codecs = []", "must name at least one codec"),
        ('codecs = ["PCMA", "pcma"]', "lists PCMA more than once"),
        ('caller_id = "5550001001"', "must be an E.164 number"),
        ('caller_id = "+1555"', "must be an E.164 number"),
        ('caller_id = "+1 555 000 1001"', "must be an E.164 number"),
        ('default_country = "UK"', "must be a two-letter ISO 3166 region code"),
        ('default_country = "USA"', "must be a two-letter ISO 3166 region code"),
        ('name = "my provider"', "must use only letters, digits, '_', '.' and '-'"),
        ('username = "1001@sip.example.net"', "must be only the user part"),
        ('username = ""', "must not be empty"),
        ('auth_username = " "', "must not be empty"),
        ('domain = "sip:sip.example.net"', "must be a host name, optionally with :port"),
        ('domain = "sip.example.net:99999"', "must be a host name, optionally with :port"),
        ('registrar = "sip.example.net"', "must be a sip: or sips: URI"),
        ('proxy = "http://proxy.example.net"', "must be a sip: or sips: URI"),
    ],
)
def test_bad_account_value_names_its_line_and_field(
    tmp_path: Path, line: str, message: str
) -> None:
    body = MINIMAL_ACCOUNT.replace("[[account]]", "[[account]]\n# a comment")
    key = line.split(" = ")[0]
    lines = [text for text in body.splitlines() if not text.startswith(f"{key} =")]
    error = load_error(tmp_path, "\n".join([*lines, "", line]) + "\n")
    assert (error.line, error.field) == (len(lines) + 2, key)
    assert message in error.message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("sip_port = 70000", "must be between 0 and 65535 (got 70000)"),
        ("rtp_port = 80", "must be between 1024 and 65535 (got 80)"),
        ("rtp_port = true", "must be a whole number (got true)"),
        ("sip_port = 5060.0", "must be a whole number (got 5060.0)"),
        ('bind_address = "eth0"', "must be a local IP address"),
        ('ca_file = "certs/ca.pem"', "must be an absolute path, or start with ~"),
        ('ca_file = "/nonexistent/ca.pem"', "no such file: '/nonexistent/ca.pem'"),
        ('stun_servers = "stun.example.net"', 'must be a list of "host" or "host:port" strings'),
        ('stun_servers = ["stun:stun.example.net"]', "each item must be a host name"),
        ('turn_server = "turn:turn.example.net"', "must be a host name, optionally with :port"),
        ('turn_transport = "tls"', "must be one of udp, tcp (got 'tls')"),
    ],
)
def test_bad_network_value_names_its_line_and_field(
    tmp_path: Path, line: str, message: str
) -> None:
    error = load_error(tmp_path, MINIMAL_ACCOUNT + "\n[network]\n" + line + "\n")
    assert (error.line, error.section, error.field) == (7, "[network]", line.split(" = ")[0])
    assert message in error.message
