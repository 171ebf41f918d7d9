"""SIP over TLS to the provider: certificates are verified by default (the issuer and the name),
and a provider whose certificate is not trusted is refused with a message that says so."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme

from tests.integration.softphone_cli import run_softphone, write_config
from tests.peers.kamailio import Kamailio, TlsIdentity
from tests.peers.ports import HOST

pytestmark = pytest.mark.integration

USER, PASSWORD = "1001", "secret1001"
ROUTED_PREFIX = "+1202555"


@pytest.fixture
def provider_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_line(tmp_path, provider_ca, peers, sipp_uas):
    """Kamailio with a certificate for 127.0.0.1 issued by `provider_ca`, routing to SIPp."""
    return tls_provider(tmp_path, provider_ca.issue_cert(HOST), peers, sipp_uas)


def tls_provider(tmp_path: Path, identity: trustme.LeafCert, peers, sipp_uas) -> Kamailio:
    certificate, key = tmp_path / "provider.pem", tmp_path / "provider.key"
    identity.cert_chain_pems[0].write_to_path(str(certificate))
    for extra in identity.cert_chain_pems[1:]:
        certificate.write_bytes(certificate.read_bytes() + extra.bytes())
    identity.private_key_pem.write_to_path(str(key))
    far_end = sipp_uas("answer_echo")
    return peers.start(Kamailio(peers.workdir("kamailio"), {USER: PASSWORD},
                                {ROUTED_PREFIX: (HOST, far_end.port)},
                                tls=TlsIdentity(certificate, key)))


def call_over_tls(tmp_path: Path, provider: Kamailio, ca: trustme.CA, **account: object):
    ca_file = tmp_path / "trusted-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    config = write_config(
        tmp_path / "config.toml",
        [{"name": "provider", "username": USER, "domain": f"{HOST}:{provider.tls_port}",
          "transport": "tls", "default_country": "US", **account}],
        {"ca_file": str(ca_file)},
    )
    return run_softphone(tmp_path, ["call", "202 555 0143", "--config", str(config),
                                    "--duration", "1"], PASSWORD)


def test_call_over_tls_to_a_trusted_provider(tmp_path, tls_line, provider_ca):
    outcome = call_over_tls(tmp_path, tls_line, provider_ca)

    assert outcome.returncode == 0, outcome
    assert outcome.of("registration")[0]["registered"] is True
    assert "connected" in outcome.states()


def test_untrusted_provider_certificate_is_refused(tmp_path, tls_line):
    outcome = call_over_tls(tmp_path, tls_line, trustme.CA())

    assert outcome.returncode == 1, outcome
    assert "TLS certificate could not be verified" in outcome.stderr, outcome
    assert outcome.of("registration")[0]["retry_in"] is None, "no retry can fix this"
    assert outcome.of("call_state") == []


def test_a_trusted_certificate_for_another_host_is_refused(tmp_path, provider_ca, peers,
                                                          sipp_uas):
    """Signed by the CA we trust, but issued to another name: anyone with any certificate
    from that CA could otherwise pose as the provider."""
    provider = tls_provider(tmp_path, provider_ca.issue_cert("sip.other.example"), peers,
                            sipp_uas)
    outcome = call_over_tls(tmp_path, provider, provider_ca)

    assert outcome.returncode == 1, outcome
    assert "TLS certificate could not be verified" in outcome.stderr, outcome
    assert outcome.of("call_state") == []


def test_verification_can_be_turned_off_for_one_account(tmp_path, tls_line):
    outcome = call_over_tls(tmp_path, tls_line, trustme.CA(), verify_server=False)

    assert outcome.returncode == 0, outcome
