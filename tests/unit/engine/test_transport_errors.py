"""Transport failures are recognised by status or, when pjsua drops the status, by text."""

from __future__ import annotations

import pytest

from softphone.engine.transport_errors import (
    CERTIFICATE,
    REFUSED,
    UNRESOLVED,
    transport_failure,
)

CERT_REASON = "SSL certificate verification error (PJSIP_TLS_ECERTVERIF)"


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        (171173, CERT_REASON, CERTIFICATE),
        (0, CERT_REASON, CERTIFICATE),  # the internal 503 carries only the text
        (70018, "Unable to resolve (PJ_ERESOLVE)", UNRESOLVED),
        (0, "Connection refused", REFUSED),
        (120111, "Connection refused", REFUSED),
    ],
)
def test_known_failures(status: int, reason: str, expected: object) -> None:
    assert transport_failure(status, reason) is expected


@pytest.mark.parametrize("reason", ["Service Unavailable", "Busy Here", "Forbidden"])
def test_real_sip_responses_are_not_transport_failures(reason: str) -> None:
    assert transport_failure(0, reason) is None


def test_unknown_local_failure_keeps_pjsip_words_and_may_be_retried() -> None:
    failure = transport_failure(171060, "Unsupported transport (PJSIP_EUNSUPTRANSPORT)")
    assert failure is not None
    assert "PJSIP_EUNSUPTRANSPORT" in failure.message
    assert not failure.permanent


def test_permanent_failures_need_the_user() -> None:
    assert CERTIFICATE.permanent and UNRESOLVED.permanent
    assert not REFUSED.permanent
