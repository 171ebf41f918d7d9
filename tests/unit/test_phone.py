"""The command layer's reading of what a user types, before any engine is involved."""

from __future__ import annotations

import pytest

from softphone.config import AccountConfig, Config
from softphone.numbers import DialError
from softphone.phone import Phone

UK_HABIT = AccountConfig(name="uk", username="u", domain="sip.example.net",
                         default_country="US", dial_plan=(("^0", "+44"), (r"^\+440", "+44")))


@pytest.fixture
def phone() -> Phone:
    """A Phone whose engine is never started: resolve() needs none."""
    return Phone(Config(accounts=(UK_HABIT,)), lambda event: None)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("020 7946 0958", "+442079460958"),  # the dial plan's "strip 0, add +44"
        ("+1 202 555 0143", "+12025550143"),  # untouched by it
        ("(202) 555-0143", "+12025550143"),  # and the account's country still applies
    ],
)
def test_dial_plan_rewrites_before_the_number_is_read(phone: Phone, typed: str,
                                                      e164: str) -> None:
    assert phone.resolve(typed, UK_HABIT).value == e164


def test_a_rewrite_that_breaks_the_number_is_refused_clearly(phone: Phone) -> None:
    broken = AccountConfig(name="b", username="u", domain="d.net", dial_plan=(("^", "+"),))
    with pytest.raises(DialError, match=r"country code|too short|not a phone number"):
        phone.resolve("0", broken)


def test_caller_id_is_asked_for_with_p_preferred_identity() -> None:
    account = AccountConfig(name="a", username="u", domain="sip.example.net",
                            caller_id="+15550001001")
    assert Phone._caller_id_headers(account) == {
        "P-Preferred-Identity": "<sip:+15550001001@sip.example.net>"}
    assert Phone._caller_id_headers(UK_HABIT) == {}
