"""The softphone's settings: one TOML file with ``[[account]]`` tables and a ``[network]`` table.

Every mistake in the file is reported as a :class:`ConfigError` that names the file, the line and
the field, because a user who typed ``usernmae`` or ``transport = "sctp"`` should be told where to
look instead of getting a registration failure from the SIP stack later on. The password is
deliberately not part of this file: see :mod:`softphone.credentials`.
"""

from __future__ import annotations

import codecs
import difflib
import ipaddress
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import phonenumbers
import platformdirs

TRANSPORTS = ("udp", "tcp", "tls")
TURN_TRANSPORTS = ("udp", "tcp")
DTMF_METHODS = ("rfc4733", "info", "inband")
TRANSFER_POLICIES = ("ask", "accept", "reject")
SRTP_MODES = ("off", "optional", "mandatory")
CODECS = ("G722", "PCMA", "PCMU", "speex", "iLBC", "GSM", "L16")
DEFAULT_CODECS = ("G722", "PCMA", "PCMU")
# The pjsua2-python wheel is built with PJSUA_MAX_CALLS = 4: a fifth call fails to start.
MAX_CALLS_RANGE = (1, 4)
RTP_TIMEOUT_RANGE = (5, 3600)  # seconds


@dataclass(frozen=True)
class AccountConfig:
    """One SIP provider account; the password lives in the keyring under ``name``."""

    name: str
    username: str
    domain: str
    registrar: str | None = None
    proxy: str | None = None
    transport: str = "udp"
    register: bool = True
    display_name: str = ""
    caller_id: str | None = None
    default_country: str | None = None
    auth_username: str | None = None
    codecs: tuple[str, ...] = DEFAULT_CODECS
    verify_server: bool = True
    dtmf_method: str = "rfc4733"
    incoming_transfers: str = "ask"
    calls_from_provider_only: bool = True
    dial_plan: tuple[tuple[str, str], ...] = ()
    srtp: str = "optional"  # offer SRTP and use it where the provider takes it; see SRTP_MODES

    @property
    def registrar_uri(self) -> str:
        """Where to register: an explicit ``registrar`` is used verbatim, as the user wrote it.

        Otherwise the domain is the registrar. A non-UDP transport is requested with a
        ``;transport=`` parameter rather than a ``sips:`` URI, because ``sips:`` demands TLS on
        every hop beyond the provider too, which most providers cannot promise.
        """
        if self.registrar:
            return self.registrar
        uri = f"sip:{self.domain}"
        return uri if self.transport == "udp" else f"{uri};transport={self.transport}"

    @property
    def aor(self) -> str:
        """The address of record, ``sip:<username>@<domain>``.

        The domain is kept exactly as written, port included, so that a provider on a
        non-standard port sees the same host:port in From/To that it was configured with.
        """
        return f"sip:{self.username}@{self.domain}"


@dataclass(frozen=True)
class NetworkConfig:
    """Local network settings shared by all accounts."""

    sip_port: int = 0
    rtp_port: int = 4000
    bind_address: str = ""
    ca_file: str = ""
    stun_servers: tuple[str, ...] = ()
    # A TURN relay for the audio ("" for none): behind a NAT that remaps our port (a far end
    # that sends first, a carrier-grade NAT) the far end sends to the relay instead, which
    # we reach from inside. Its password is in the keyring (`softphone password --turn`).
    turn_server: str = ""
    turn_username: str = ""
    turn_transport: str = "udp"


@dataclass(frozen=True)
class AudioConfig:
    """Which devices to use ("" follows the system default) and which voice processing runs."""

    input_device: str = ""
    output_device: str = ""
    ringer_device: str = ""  # where the ringtone plays; "" rings on the speaker (output_device)
    echo_cancellation: bool = True
    noise_suppression: bool = True
    auto_gain: bool = True


@dataclass(frozen=True)
class CallsConfig:
    """How many calls at once (the rest get 486 Busy) and when a silent call counts as lost."""

    max_calls: int = 4
    rtp_timeout: int = 30
    confirm_links: bool = True  # show a clicked tel:/sip: link's number and ask before calling
    auto_answer: bool = False  # answer incoming calls at once (intercom use); off: a person decides
    do_not_disturb: bool = False  # incoming calls are declined with 486 and listed as missed


@dataclass(frozen=True)
class StartupConfig:
    """How the desktop app starts and what closing its window does."""

    start_minimised: bool = False  # start with only the tray icon (the window stays hidden)
    close_to_tray: bool = True  # closing the window keeps the app running in the tray
    start_at_login: bool = False  # an autostart entry is installed (softphone install-desktop)


@dataclass(frozen=True)
class Config:
    """The whole file; ``path`` is remembered so that later errors can point back at it."""

    accounts: tuple[AccountConfig, ...] = ()
    network: NetworkConfig = field(default_factory=NetworkConfig)
    calls: CallsConfig = field(default_factory=CallsConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    startup: StartupConfig = field(default_factory=StartupConfig)
    path: Path | None = None

    def account(self, name: str | None) -> AccountConfig:
        """The account to use: ``None`` means the first one, as most users have just one."""
        if not self.accounts:
            raise ConfigError(
                "no accounts are configured; add an [[account]] table with name, username "
                "and domain",
                path=self.path,
            )
        if name is None:
            return self.accounts[0]
        for account in self.accounts:
            if account.name == name:
                return account
        known = ", ".join(repr(account.name) for account in self.accounts)
        raise ConfigError(
            f"no account named {name!r}; configured accounts: {known}", path=self.path
        )


class ConfigError(Exception):
    """A problem with the configuration file, located as precisely as the file allows.

    ``section`` says which table the problem is in (e.g. ``account 'provider'``) because line
    numbers alone are hard to act on when the file has several accounts.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        section: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.section = section
        self.field = field

    def __str__(self) -> str:
        where = [
            str(self.path) if self.path else None,
            f"line {self.line}" if self.line else None,
            f"column {self.column}" if self.column else None,
            self.section,
            f"field {self.field!r}" if self.field else None,
        ]
        location = ", ".join(part for part in where if part)
        return f"{location}: {self.message}" if location else self.message


def default_config_path() -> Path:
    """The per-user config file, in the platform's usual place (XDG on Linux)."""
    return platformdirs.user_config_path("softphone") / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config file.

    A missing file at the default location is an empty config, since a new user has not set up a
    provider yet; a missing file the user named explicitly is an error, since it is likely a typo.
    """
    explicit = path is not None
    path = path if explicit else default_config_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if explicit:
            raise ConfigError("file not found", path=path) from None
        return Config(path=path)
    except OSError as error:
        raise ConfigError(f"cannot read the file: {error.strerror}", path=path) from error
    text = _decode(data, path)
    return _build(_parse_toml(text, path), _SourceMap(text), path)


# --- Reading the file ---------------------------------------------------------------------------

_TOML_POSITION = re.compile(
    r"^(?P<message>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$"
)


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 as TOML requires; a leading BOM is tolerated because Windows editors add one."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8",
            path=path,
            line=line,
        ) from None


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    """Parse, moving tomllib's "(at line L, column C)" suffix into the error's location."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_POSITION.match(str(error))
        if match is None:
            raise ConfigError(f"invalid TOML: {error}", path=path) from None
        if match["line"] is None:
            last_line = len(text.rstrip().split("\n"))
            raise ConfigError(
                f"invalid TOML: {match['message']} (reached the end of the file)",
                path=path,
                line=last_line,
            ) from None
        raise ConfigError(
            f"invalid TOML: {match['message']}",
            path=path,
            line=int(match["line"]),
            column=int(match["column"]),
        ) from None


@dataclass
class _Block:
    """One table of the source text: its header line and the first line of each key in it."""

    line: int | None
    keys: dict[str, int] = field(default_factory=dict)


_HEADER = re.compile(r"^\s*\[\[?(?P<name>[^\[\]]+)\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*(?P<key>[A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*[.=]""")


class _SourceMap:
    """Finds the line of a key, since tomllib only reports positions for syntax errors.

    A line-by-line scan is enough for the tables and keys this file uses; when it cannot find a
    key it falls back to the enclosing table's header, or for an inline table to its key's line.
    """

    def __init__(self, text: str) -> None:
        top = _Block(line=None)
        self._blocks: dict[str, list[_Block]] = {"": [top]}
        current = top
        for number, line in enumerate(text.split("\n"), start=1):
            if header := _HEADER.match(line):
                current = _Block(line=number)
                name = "".join(header["name"].split())
                self._blocks.setdefault(name, []).append(current)
            elif key := _KEY.match(line):
                current.keys.setdefault(key["key"].strip("\"'"), number)

    def line(self, table: str, index: int, key: str | None) -> int | None:
        """The line of ``key`` in the ``index``-th table named ``table`` ("" is the top level)."""
        blocks = self._blocks.get(table, [])
        if index >= len(blocks):
            return self._blocks[""][0].keys.get(table)
        block = blocks[index]
        if key in block.keys:
            return block.keys[key]
        nested = self._blocks.get(f"{table}.{key}" if table else str(key))
        return nested[0].line if nested else block.line


@dataclass(frozen=True)
class _Scope:
    """Where in the file values are being checked, so that an error can say so."""

    source: _SourceMap
    path: Path
    table: str = ""
    index: int = 0
    section: str | None = None

    def error(self, key: str | None, message: str) -> ConfigError:
        return ConfigError(
            message,
            path=self.path,
            line=self.source.line(self.table, self.index, key),
            section=self.section,
            field=key,
        )


# --- Checking values ----------------------------------------------------------------------------


class _Invalid(Exception):
    """A value is wrong; raised where the value is understood, located by the caller."""


Parser = Callable[[Any], Any]

_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_E164 = re.compile(r"\+[1-9][0-9]{5,14}")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST_PORT = re.compile(
    rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[1-9][0-9]{{0,4}}))?"
)
_SIP_URI = re.compile(r"sips?:\S+", re.IGNORECASE)


def _show(value: object) -> str:
    """A value as it would look in TOML, for "(got ...)" in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"must be a string in quotes (got {_show(value)})")
    return value


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false (got {_show(value)})")
    return value


def _matching(pattern: re.Pattern[str], requirement: str) -> Parser:
    """A parser for strings of a given shape; ``requirement`` completes "must ..."."""

    def parse(value: object) -> str:
        if not pattern.fullmatch(_string(value)):
            raise _Invalid(f"must {requirement} (got {_show(value)})")
        return value

    return parse


def _choice(options: tuple[str, ...]) -> Parser:
    """A parser accepting any spelling of the options, returning the canonical one."""
    canonical = {option.lower(): option for option in options}

    def parse(value: object) -> str:
        if _string(value).lower() not in canonical:
            raise _Invalid(f"must be one of {', '.join(options)} (got {_show(value)})")
        return canonical[value.lower()]

    return parse


def _whole_number(low: int, high: int) -> Parser:
    def parse(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(f"must be a whole number (got {_show(value)})")
        if not low <= value <= high:
            raise _Invalid(f"must be between {low} and {high} (got {value})")
        return value

    return parse


def _list(value: object, item: Parser, requirement: str) -> tuple[Any, ...]:
    """A TOML array whose items all pass ``item``; item messages all start with "must"."""
    if not isinstance(value, list):
        raise _Invalid(f"must be {requirement} (got {_show(value)})")
    try:
        return tuple(item(element) for element in value)
    except _Invalid as error:
        raise _Invalid(f"each item {error}") from None


def _host_port(value: object) -> str:
    match = _HOST_PORT.fullmatch(_string(value))
    if not match or int(match["port"] or 0) > 65535:
        raise _Invalid(
            f"must be a host name, optionally with :port, e.g. sip.example.net (got {_show(value)})"
        )
    return value


def _non_empty(value: object) -> str:
    if not _string(value).strip():
        raise _Invalid("must not be empty")
    return value


def _username(value: object) -> str:
    """Only the user part, since ``1001@sip.example.net`` would produce a broken address."""
    if "@" in _non_empty(value) or any(char.isspace() for char in value):
        raise _Invalid(
            f"must be only the user part, without '@domain' or spaces (got {_show(value)})"
        )
    return value


def _region(value: object) -> str:
    """Checked against the phone number library's regions, which catches "UK" for "GB"."""
    region = _string(value).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise _Invalid(
            f"must be a two-letter ISO 3166 region code such as US, DE or GB (got {_show(value)})"
        )
    return region


def _codecs(value: object) -> tuple[str, ...]:
    codecs = _list(value, _choice(CODECS), 'a list of codec names, e.g. ["G722", "PCMA"]')
    if not codecs:
        raise _Invalid(f"must name at least one codec; choose from {', '.join(CODECS)}")
    duplicates = sorted({codec for codec in codecs if codecs.count(codec) > 1})
    if duplicates:
        raise _Invalid(f"lists {', '.join(duplicates)} more than once")
    return codecs


def _ip_address(value: object) -> str:
    if _string(value):
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise _Invalid(
                f'must be a local IP address such as 192.168.1.10, or "" for all addresses '
                f"(got {_show(value)})"
            ) from None
    return value


def _ca_file(value: object) -> str:
    """An existing absolute path: a relative one would depend on the directory we start in."""
    if not _string(value):
        return value
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise _Invalid(f"must be an absolute path, or start with ~ (got {_show(value)})")
    if not path.is_file():
        raise _Invalid(f"no such file: {str(path)!r}")
    return str(path)


def _stun_servers(value: object) -> tuple[str, ...]:
    return _list(value, _host_port, 'a list of "host" or "host:port" strings')


def _dial_plan(value: object) -> tuple[tuple[str, str], ...]:
    """[[pattern, replacement], ...]: regular expressions applied in order to what the user
    typed, before it is read as a number (e.g. ["^0", "+44"] for a UK landline habit)."""
    requirement = 'a list of [pattern, replacement] pairs, e.g. [["^0", "+44"]]'
    if not isinstance(value, list):
        raise _Invalid(f"must be {requirement}")
    rules = []
    for rule in value:
        if not (isinstance(rule, list) and len(rule) == 2
                and all(isinstance(part, str) for part in rule)):
            raise _Invalid(f"must be {requirement} (got {_show(rule)})")
        try:
            re.compile(rule[0])
        except re.error as err:
            raise _Invalid(f"pattern {rule[0]!r} is not a valid regular expression: {err}") \
                from None
        rules.append((rule[0], rule[1]))
    return tuple(rules)


_ACCOUNT_FIELDS: dict[str, Parser] = {
    "name": _matching(_NAME, "use only letters, digits, '_', '.' and '-'"),
    "username": _username,
    "domain": _host_port,
    "registrar": _matching(_SIP_URI, "be a sip: or sips: URI, e.g. sip:sip.example.net:5060"),
    "proxy": _matching(_SIP_URI, "be a sip: or sips: URI, e.g. sip:sip.example.net:5060"),
    "transport": _choice(TRANSPORTS),
    "register": _boolean,
    "display_name": _string,
    "caller_id": _matching(_E164, "be an E.164 number: '+' then 6 to 15 digits, e.g. +15550001001"),
    "default_country": _region,
    "auth_username": _non_empty,
    "codecs": _codecs,
    "verify_server": _boolean,
    "dtmf_method": _choice(DTMF_METHODS),
    "incoming_transfers": _choice(TRANSFER_POLICIES),
    "calls_from_provider_only": _boolean,
    "dial_plan": _dial_plan,
    "srtp": _choice(SRTP_MODES),
}
REQUIRED_ACCOUNT_FIELDS = ("name", "username", "domain")

_NETWORK_FIELDS: dict[str, Parser] = {
    "sip_port": _whole_number(0, 65535),
    "rtp_port": _whole_number(1024, 65535),
    "bind_address": _ip_address,
    "ca_file": _ca_file,
    "stun_servers": _stun_servers,
    "turn_server": _host_port,
    "turn_username": _string,
    "turn_transport": _choice(TURN_TRANSPORTS),
}

_CALLS_FIELDS: dict[str, Parser] = {
    "max_calls": _whole_number(*MAX_CALLS_RANGE),
    "rtp_timeout": _whole_number(*RTP_TIMEOUT_RANGE),
    "confirm_links": _boolean,
    "auto_answer": _boolean,
    "do_not_disturb": _boolean,
}

_AUDIO_FIELDS: dict[str, Parser] = {
    "input_device": _string,
    "output_device": _string,
    "ringer_device": _string,
    "echo_cancellation": _boolean,
    "noise_suppression": _boolean,
    "auto_gain": _boolean,
}

_STARTUP_FIELDS: dict[str, Parser] = {
    "start_minimised": _boolean,
    "close_to_tray": _boolean,
    "start_at_login": _boolean,
}

_TABLES = ("account", "network", "calls", "audio", "startup")
_PARSERS: dict[str, dict[str, Parser]] = {
    "account": _ACCOUNT_FIELDS,
    "network": _NETWORK_FIELDS,
    "calls": _CALLS_FIELDS,
    "audio": _AUDIO_FIELDS,
    "startup": _STARTUP_FIELDS,
}


def parse_field(table: str, key: str, value: object) -> Any:
    """One value checked exactly as it would be in the file, for forms that edit the config
    (the Settings dialog): returns it in its canonical form ("UDP" -> "udp", a list -> a tuple)
    or raises ConfigError naming the field, with the same sentence the file would get."""
    try:
        return _PARSERS[table][key](value)
    except _Invalid as error:
        raise ConfigError(str(error), field=key) from None


# --- Building the config ------------------------------------------------------------------------


def _build(document: dict[str, Any], source: _SourceMap, path: Path) -> Config:
    scope = _Scope(source, path)
    _reject_unknown(document, _TABLES, scope, "table")
    accounts = _accounts(document.get("account", []), scope)
    network = _network(document.get("network", {}), scope)
    calls = CallsConfig(**_table(document.get("calls", {}), "calls", _CALLS_FIELDS, scope))
    audio = AudioConfig(**_table(document.get("audio", {}), "audio", _AUDIO_FIELDS, scope))
    startup = StartupConfig(
        **_table(document.get("startup", {}), "startup", _STARTUP_FIELDS, scope))
    return Config(accounts=accounts, network=network, calls=calls, audio=audio, startup=startup,
                  path=path)


def _accounts(value: object, scope: _Scope) -> tuple[AccountConfig, ...]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise scope.error(
            "account", "accounts must be written as [[account]] tables, one per account"
        )
    accounts = tuple(
        _account(table, replace(scope, table="account", index=index))
        for index, table in enumerate(value)
    )
    _reject_duplicate_names(accounts, scope)
    return accounts


def _account(table: dict[str, Any], scope: _Scope) -> AccountConfig:
    scope = replace(scope, section=_account_label(table, scope.index))
    values = _fields(table, _ACCOUNT_FIELDS, REQUIRED_ACCOUNT_FIELDS, scope)
    return AccountConfig(**values)


def _account_label(table: Mapping[str, Any], index: int) -> str:
    """Name the account by its name when that is usable, else by its position in the file."""
    name = table.get("name")
    if isinstance(name, str) and _NAME.fullmatch(name):
        return f"account {name!r}"
    return f"account #{index + 1}"


def _reject_duplicate_names(accounts: tuple[AccountConfig, ...], scope: _Scope) -> None:
    """Names are keyring keys and ``--account`` values, so two accounts cannot share one."""
    first_index: dict[str, int] = {}
    for index, account in enumerate(accounts):
        if account.name in first_index:
            duplicate = replace(
                scope, table="account", index=index, section=f"account {account.name!r}"
            )
            raise duplicate.error(
                "name",
                f"duplicate account name; account #{first_index[account.name] + 1} already uses it",
            )
        first_index[account.name] = index


def _network(value: object, scope: _Scope) -> NetworkConfig:
    return NetworkConfig(**_table(value, "network", _NETWORK_FIELDS, scope))


def _table(value: object, name: str, fields: dict[str, Parser], scope: _Scope) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise scope.error(name, f"must be a single [{name}] table")
    scope = replace(scope, table=name, section=f"[{name}]")
    return _fields(value, fields, (), scope)


def _fields(
    table: dict[str, Any], parsers: Mapping[str, Parser], required: tuple[str, ...], scope: _Scope
) -> dict[str, Any]:
    """Check a table against its known fields; the first problem found is raised."""
    _reject_unknown(table, tuple(parsers), scope, "key")
    for key in required:
        if key not in table:
            raise scope.error(key, "is required but missing")
    values = {}
    for key, value in table.items():
        try:
            values[key] = parsers[key](value)
        except _Invalid as error:
            raise scope.error(key, str(error)) from None
    return values


def _reject_unknown(
    table: Mapping[str, Any], known: tuple[str, ...], scope: _Scope, kind: str
) -> None:
    """Unknown keys are errors: a silently ignored typo would leave a setting at its default."""
    for key in table:
        if key not in known:
            raise scope.error(key, _unknown_message(key, known, kind))


def _unknown_message(key: str, known: tuple[str, ...], kind: str) -> str:
    if key.lower() in ("password", "secret", "auth_password"):
        return (
            "passwords are not kept in the config file; remove this line and run "
            "`softphone password <account name>` to store it in the system keyring"
        )
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known {kind}s: {', '.join(known)}"
    return f"unknown {kind}; {hint}"
