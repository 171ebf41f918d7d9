"""Tests for softphone.engine.transports: which host a provider is on and where to bind."""

from __future__ import annotations

from pathlib import Path

import pytest

from softphone.config import AccountConfig, NetworkConfig
from softphone.engine import transports
from softphone.engine.transports import bind_host, host_of, is_loopback, system_ca_bundle


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("sip:sip.example.net", "sip.example.net"),
        ("sip:sip.example.net:5060", "sip.example.net"),
        ("sips:proxy.example.net:5061;transport=tls", "proxy.example.net"),
        ("sip:127.0.0.1:5999;transport=tcp", "127.0.0.1"),
        ("sip:user@10.0.0.1:5070;lr", "10.0.0.1"),
        ("sip:[::1]:5060", "::1"),
        ("sip:[2001:db8::1];transport=udp", "2001:db8::1"),
        ("127.0.0.1:5999", "127.0.0.1"),
        ("provider.example.net", "provider.example.net"),
        ("[::1]:5060", "::1"),
        ("localhost", "localhost"),
    ],
)
def test_host_of(value: str, host: str) -> None:
    assert host_of(value) == host


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("sip.example.net:5060", "sip.example.net"),  # returns '5060'
        ("sipgate.de", "sipgate.de"),  # IndexError
        ("SIP:127.0.0.1:5999", "127.0.0.1"),  # returns 'SIP'
    ],
)
def test_host_of_domains_that_start_with_sip(value: str, host: str) -> None:
    assert host_of(value) == host


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.10.20.30", True),
        ("::1", True),
        ("localhost", True),
        ("10.0.0.1", False),
        ("192.168.1.10", False),
        ("::2", False),
        ("sip.example.net", False),
        ("localhost.example.net", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def account(**fields: object) -> AccountConfig:
    return AccountConfig(**{"name": "test", "username": "alice", "domain": "127.0.0.1:5999",
                            **fields})


@pytest.mark.parametrize(
    ("fields", "host"),
    [
        ({}, "127.0.0.1"),
        ({"domain": "localhost:5060", "transport": "tcp"}, "127.0.0.1"),
        ({"domain": "sip.example.net"}, ""),
        ({"domain": "sip.example.net", "registrar": "sip:127.0.0.1:5070"}, "127.0.0.1"),
        ({"registrar": "sip:sip.example.net"}, ""),
        ({"domain": "sip.example.net", "proxy": "sip:127.0.0.1:5070"}, "127.0.0.1"),
        ({"proxy": "sip:proxy.example.net"}, ""),  # the proxy is where packets go
    ],
)
def test_bind_host_follows_where_the_provider_is(fields: dict[str, object], host: str) -> None:
    assert bind_host(account(**fields), NetworkConfig()) == host


@pytest.mark.parametrize("domain", ["127.0.0.1:5999", "sip.example.net"])
def test_configured_bind_address_always_wins(domain: str) -> None:
    network = NetworkConfig(bind_address="192.168.1.10")
    assert bind_host(account(domain=domain), network) == "192.168.1.10"


def test_ipv6_loopback_provider_binds_ipv6_loopback() -> None:
    assert bind_host(account(domain="[::1]:5060"), NetworkConfig()) == "::1"


@pytest.fixture
def ca_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No CA file from OpenSSL's defaults, and the well-known bundle paths inside tmp_path."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
    monkeypatch.setattr(transports, "_CA_BUNDLES",
                        tuple(str(tmp_path / name) for name in ("a.crt", "b.crt", "c.crt")))
    return tmp_path


def test_ca_bundle_from_openssl_environment_comes_first(ca_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = ca_dir / "env.pem"
    bundle.write_text("certs")
    (ca_dir / "a.crt").write_text("certs")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert system_ca_bundle() == str(bundle)


def test_ca_bundle_is_the_first_existing_file(ca_dir: Path) -> None:
    (ca_dir / "a.crt").mkdir()  # a directory is not a bundle
    (ca_dir / "b.crt").write_text("certs")
    (ca_dir / "c.crt").write_text("certs")
    assert system_ca_bundle() == str(ca_dir / "b.crt")


def test_no_ca_bundle_anywhere_is_empty(ca_dir: Path) -> None:
    assert system_ca_bundle() == ""
