"""Tests for softphone.engine.account: the URI parameters added for the registrar and proxy."""

from __future__ import annotations

import pytest

from softphone.config import AccountConfig
from softphone.engine.account import loose_route, with_transport


@pytest.mark.parametrize(
    ("uri", "transport", "expected"),
    [
        ("sip:sip.example.net", "udp", "sip:sip.example.net"),
        ("sip:sip.example.net", "tcp", "sip:sip.example.net;transport=tcp"),
        ("sip:sip.example.net:5061", "tls", "sip:sip.example.net:5061;transport=tls"),
        ("sip:sip.example.net;lr", "tcp", "sip:sip.example.net;lr;transport=tcp"),
        ("sip:sip.example.net;transport=tcp", "tcp", "sip:sip.example.net;transport=tcp"),
        ("sip:sip.example.net;TRANSPORT=TLS", "tls", "sip:sip.example.net;TRANSPORT=TLS"),
        # a transport the user wrote in the URI is theirs to choose
        ("sip:sip.example.net;transport=udp", "tcp", "sip:sip.example.net;transport=udp"),
    ],
)
def test_with_transport(uri: str, transport: str, expected: str) -> None:
    assert with_transport(uri, transport) == expected


@pytest.mark.parametrize("transport", ["udp", "tcp", "tls"])
def test_registrar_from_domain_gets_exactly_one_transport(transport: str) -> None:
    config = AccountConfig(name="test", username="alice", domain="sip.example.net",
                           transport=transport)
    uri = with_transport(config.registrar_uri, transport)
    assert uri.count(";transport=") == (0 if transport == "udp" else 1)
    assert uri.startswith("sip:sip.example.net")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("sip:proxy.example.net", "sip:proxy.example.net;lr"),
        ("sip:proxy.example.net:5060;transport=tcp", "sip:proxy.example.net:5060;transport=tcp;lr"),
        ("sip:proxy.example.net;lr", "sip:proxy.example.net;lr"),
        ("sip:proxy.example.net;LR", "sip:proxy.example.net;LR"),
        ("sip:proxy.example.net;lr;transport=tls", "sip:proxy.example.net;lr;transport=tls"),
    ],
)
def test_loose_route(uri: str, expected: str) -> None:
    assert loose_route(uri) == expected
