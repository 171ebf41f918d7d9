"""The command layer's reading of what a user types, before any engine is involved."""

from __future__ import annotations

import time

import keyring
import pytest
from keyring.backends import null

from softphone.config import AccountConfig, Config, NetworkConfig
from softphone.credentials import TURN_PASSWORD_VARIABLE
from softphone.engine import Relay
from softphone.events import EngineProblem, Event
from softphone.numbers import DialError
from softphone.phone import Phone
from tests.peers.ports import free_port

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


def turn_phone(events: list[Event]) -> Phone:
    network = NetworkConfig(turn_server="turn.example.net:3478", turn_username="ada",
                            turn_transport="tcp")
    phone = Phone(Config(accounts=(UK_HABIT,), network=network), events.append)
    phone.engine.start = lambda timeout=15.0: None  # the relay is chosen before the engine runs
    return phone


def test_the_configured_turn_relay_goes_to_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TURN_PASSWORD_VARIABLE, "relay-secret")
    phone = turn_phone([])
    phone.start()
    assert phone.engine.relay == Relay("turn.example.net:3478", "ada", "relay-secret", "tcp")


def test_without_the_turn_password_calls_go_straight_and_the_user_is_told(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TURN_PASSWORD_VARIABLE, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    try:
        events: list[Event] = []
        phone = turn_phone(events)
        phone.start()
    finally:
        keyring.set_keyring(previous)
    assert phone.engine.relay is None
    [problem] = events
    assert isinstance(problem, EngineProblem)
    assert "No system keyring is available for the password of the TURN relay" in (
        problem.message)
    assert problem.message.endswith("Until then calls go without the relay.")


def test_a_stun_server_that_does_not_answer_is_named_at_start() -> None:
    """A closed port on loopback: the kernel refuses at once, as a missing server would."""
    closed = f"127.0.0.1:{free_port()}"
    events: list[Event] = []
    phone = Phone(Config(network=NetworkConfig(stun_servers=(closed,))), events.append)
    phone.engine.start = lambda timeout=15.0: None
    phone.start()

    deadline = time.monotonic() + 5
    while not events and time.monotonic() < deadline:
        time.sleep(0.01)
    assert events == [EngineProblem(f"Nothing answers at {closed}: no STUN server listens on "
                                    "that port.")]
