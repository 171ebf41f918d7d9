"""Tests for softphone.sipstatus: SIP codes in words, and which registration failures retry."""

from __future__ import annotations

import pytest

from softphone.sipstatus import (
    CLASS_MESSAGES,
    call_failure_message,
    registration_message,
    retryable_registration_failure,
)

# The codes the product spec names, with words the message must contain.
SPEC_CALL_MESSAGES = {
    403: "may not call this number",
    404: "does not exist",
    407: "username or password is wrong",
    408: "no answer",
    480: "not available",
    486: "busy",
    487: "cancelled",
    488: "no common codec",
    503: "try again later",
}


@pytest.mark.parametrize(("code", "words"), SPEC_CALL_MESSAGES.items())
def test_spec_codes_have_their_own_message(code: int, words: str) -> None:
    message = call_failure_message(code)
    assert words in message.lower()
    assert message != CLASS_MESSAGES[code // 100]


def test_spec_codes_have_distinct_messages() -> None:
    messages = {call_failure_message(code) for code in SPEC_CALL_MESSAGES}
    assert len(messages) == len(SPEC_CALL_MESSAGES)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (302, "redirected"),
        (399, "redirected"),
        (422, "could not be completed"),
        (499, "could not be completed"),
        (555, "provider had a problem"),
        (599, "provider had a problem"),
        (699, "other side refused"),
    ],
)
def test_unknown_codes_fall_back_to_their_class(code: int, words: str) -> None:
    message = call_failure_message(code)
    assert message == CLASS_MESSAGES[code // 100]
    assert words in message


@pytest.mark.parametrize("code", [0, 183, 200, 700])
def test_codes_outside_the_failure_classes_name_the_code(code: int) -> None:
    assert call_failure_message(code) == f"The call failed ({code})."


@pytest.mark.parametrize("code", [200, 202, 299])
def test_any_2xx_means_registered(code: int) -> None:
    assert registration_message(code) == "Registered."


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (401, "Wrong username or password"),
        (407, "Wrong username or password"),
        (403, "account is disabled"),
        (404, "does not know this username"),
        (408, "not answering"),
        (503, "unavailable"),
    ],
)
def test_registration_failures_in_words(code: int, words: str) -> None:
    assert words in registration_message(code)


@pytest.mark.parametrize("code", [0, 300, 418, 606])
def test_unknown_registration_failures_name_the_code(code: int) -> None:
    assert registration_message(code) == f"Registration failed ({code})."


@pytest.mark.parametrize("code", [0, 408, 480, 500, 502, 503, 504, 600, 603])
def test_temporary_registration_failures_are_retried(code: int) -> None:
    assert retryable_registration_failure(code) is True


@pytest.mark.parametrize("code", [400, 401, 403, 404, 407, 488, 501])
def test_credential_and_request_failures_are_never_retried(code: int) -> None:
    assert retryable_registration_failure(code) is False
