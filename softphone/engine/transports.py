"""SIP transports, created on demand per protocol and local address.

Accounts whose provider is on this machine (the built-in echo line, tests) get transports bound
to loopback, so nothing they send or advertise ever names another interface.
"""

from __future__ import annotations

import ipaddress
import re
import ssl
from dataclasses import dataclass
from pathlib import Path

import pjsua2 as pj

from softphone.config import AccountConfig, NetworkConfig

_KINDS = {
    "udp": pj.PJSIP_TRANSPORT_UDP,
    "tcp": pj.PJSIP_TRANSPORT_TCP,
    "tls": pj.PJSIP_TRANSPORT_TLS,
}
_KINDS6 = {
    "udp": pj.PJSIP_TRANSPORT_UDP6,
    "tcp": pj.PJSIP_TRANSPORT_TCP6,
    "tls": pj.PJSIP_TRANSPORT_TLS6,
}
_CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
)


_SCHEME = re.compile(r"^sips?:", re.IGNORECASE)


@dataclass(frozen=True)
class TransportKey:
    kind: str
    host: str
    verify_server: bool


def host_of(domain_or_uri: str) -> str:
    """The host part of 'sip:host:port;params', 'host:port' or '[v6]:port'."""
    rest = _SCHEME.sub("", domain_or_uri).split(";", 1)[0].split("@")[-1]
    if rest.startswith("["):
        return rest[1 : rest.index("]")]
    return rest.split(":", 1)[0]


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def bind_host(account: AccountConfig, network: NetworkConfig) -> str:
    """Where this account's SIP and RTP sockets live: the configured address, or loopback for
    a provider on this machine, or every interface."""
    if network.bind_address:
        return network.bind_address
    host = host_of(account.proxy or account.registrar_uri)
    if is_loopback(host):
        return "::1" if ":" in host else "127.0.0.1"
    return ""


def system_ca_bundle() -> str:
    """The bundled OpenSSL of the pjsua2 wheel does not know where the OS keeps its CAs."""
    candidates = [ssl.get_default_verify_paths().cafile, *_CA_BUNDLES]
    return next((path for path in candidates if path and Path(path).is_file()), "")


class Transports:
    """Creates each (protocol, address, verification) transport once and reuses it."""

    def __init__(self, endpoint: pj.Endpoint, network: NetworkConfig) -> None:
        self._endpoint = endpoint
        self._network = network
        self._ids: dict[TransportKey, int] = {}

    def for_account(self, account: AccountConfig) -> int:
        key = TransportKey(account.transport, bind_host(account, self._network),
                           account.verify_server)
        if key not in self._ids:
            self._ids[key] = self._create(key)
        return self._ids[key]

    def local_name(self, transport_id: int) -> str:
        return self._endpoint.transportGetInfo(transport_id).localName

    def _create(self, key: TransportKey) -> int:
        cfg = pj.TransportConfig()
        cfg.port = self._network.sip_port
        if key.host:
            cfg.boundAddress = key.host
            cfg.publicAddress = key.host
        if key.kind == "tls":
            cfg.tlsConfig.CaListFile = self._network.ca_file or system_ca_bundle()
            cfg.tlsConfig.verifyServer = key.verify_server
            cfg.tlsConfig.method = pj.PJSIP_TLSV1_2_METHOD
        kinds = _KINDS6 if ":" in key.host else _KINDS
        return self._endpoint.transportCreate(kinds[key.kind], cfg)
