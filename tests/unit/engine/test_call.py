"""Tests for softphone.engine.call.split_remote: From/To values as pjsua2 reports them."""

from __future__ import annotations

import pytest

from softphone.engine.call import split_remote


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ('"Bob" <sip:+15551234@host>;tag=1', ("Bob", "sip:+15551234@host", "+15551234")),
        ("Bob <sip:bob@host>", ("Bob", "sip:bob@host", "bob")),
        ("  Bob  Smith   <sip:bob@host>  ", ("Bob  Smith", "sip:bob@host", "bob")),
        ('"Smith, Bob" <sip:bob@host>', ("Smith, Bob", "sip:bob@host", "bob")),
        ("<sip:bob@host>", ("", "sip:bob@host", "bob")),
        ("sip:bob@host", ("", "sip:bob@host", "bob")),
        ("  sip:bob@host:5060 ", ("", "sip:bob@host:5060", "bob")),
        ('"" <sip:anonymous@anonymous.invalid>',
         ("", "sip:anonymous@anonymous.invalid", "anonymous")),
        ("<sips:alice@host:5061;transport=tls>",
         ("", "sips:alice@host:5061;transport=tls", "alice")),
        ("<sip:+15551234;npdi@host;user=phone>",
         ("", "sip:+15551234;npdi@host;user=phone", "+15551234")),
        ("tel:+1555", ("", "tel:+1555", "+1555")),
        ("<tel:+1555;phone-context=example.com>",
         ("", "tel:+1555;phone-context=example.com", "+1555")),
        ("", ("", "", "")),
    ],
)
def test_split_remote(remote: str, expected: tuple[str, str, str]) -> None:
    assert split_remote(remote) == expected


@pytest.mark.parametrize("remote", ["<sip:10.0.0.1>", "sip:trunk.example.net:5060"])
def test_uri_without_user_has_no_user_part(remote: str) -> None:
    assert split_remote(remote)[2] == ""
