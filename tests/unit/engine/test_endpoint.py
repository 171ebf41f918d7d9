"""Which account a call refused by pjsua itself was for (the sentence depends on its SRTP
setting); the end-to-end behaviour is in tests/integration/test_srtp.py."""

from __future__ import annotations

from softphone.config import AccountConfig
from softphone.engine.endpoint import called_account

HOME = AccountConfig(name="home", username="1001", domain="sip.example.net", srtp="mandatory")
WORK = AccountConfig(name="work", username="2002", domain="pbx.example.org", srtp="off")


def test_the_to_uri_user_names_the_account() -> None:
    assert called_account('"Us" <sip:2002@pbx.example.org>', [HOME, WORK]) is WORK
    assert called_account("<sip:1001@sip.example.net;transport=tcp>", [HOME, WORK]) is HOME


def test_a_provider_rewritten_to_with_one_account_is_that_account() -> None:
    assert called_account("<sip:+15550001001@sip.example.net>", [HOME]) is HOME


def test_an_unknown_user_among_several_accounts_names_none() -> None:
    assert called_account("<sip:+15550001001@sip.example.net>", [HOME, WORK]) is None
    assert called_account("<sip:1001@x>", []) is None
