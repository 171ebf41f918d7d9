"""Our phone behind a masquerading NAT (network namespaces, tests/peers/netns.py), the provider
and the far end on the public side: the provider must see the router's address and reach us
through it (rport), and audio must flow both ways, not just out."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from softphone.credentials import TURN_PASSWORD_VARIABLE
from tests.integration.conftest import Figure, Peers, require
from tests.integration.lines import NUMBER, PASSWORD, ROUTED_PREFIX, TONE_HZ, USER, account
from tests.integration.softphone_cli import Outcome, Softphone, write_config
from tests.peers.coturn import Coturn, turnserver_binary
from tests.peers.kamailio import Kamailio, kamailio_binary
from tests.peers.netns import (
    PUBLIC_ROUTER,
    REMAPPED_PORTS,
    Namespace,
    NatNetwork,
    NetnsUnavailable,
    udp_bound,
)
from tests.peers.ports import HOST, sip_answers
from tests.peers.sipp import SippUAS, sipp_binary
from tests.peers.tones import dominant_frequency, read_wav, write_tone_wav

pytestmark = pytest.mark.integration

# The softphone's own Via, as the provider stamped it on the way through: where the request
# really came from (the router) and the port the NAT gave it.
NATED_VIA = re.compile(r"Via: SIP/2\.0/UDP [^\r\n]*;received=" + re.escape(PUBLIC_ROUTER)
                       + r";rport=\d+")
AUDIO_PORT = re.compile(r"^m=audio (\d+) ", re.MULTILINE)
# 50 packets a second each way; a third of the 6 s call is plenty and needs no exact timing.
MIN_PACKETS = 100


class PublicKamailio(Kamailio):
    """The provider listening on the public namespace's address instead of loopback."""

    def __init__(self, namespace: Namespace, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.host = namespace.address

    def render_config(self) -> str:
        return re.sub(rf"^listen=(udp|tcp):{re.escape(HOST)}:", rf"listen=\1:{self.host}:",
                      super().render_config(), flags=re.MULTILINE)

    def ready(self) -> bool:
        """Polled by start() in the thread that entered the namespace, so the probe is there."""
        return sip_answers(self.host, self.port, "udp") and sip_answers(self.host, self.port, "tcp")


class PublicFarEnd(SippUAS):
    """A SIPp far end on the public address. answer_echo sends our RTP back to where it came
    from (the router: it latches); early_media plays its tone to the address in our SDP, as a
    far end that trusts the SDP does."""

    def __init__(self, namespace: Namespace, workdir: Path, scenario: str,
                 media_delay_ms: int = 0) -> None:
        super().__init__(workdir, scenario)
        self.host = namespace.address
        if media_delay_ms:
            self.extra_args += ["-set", "media_delay_ms", str(media_delay_ms)]

    def ready(self) -> bool:
        return udp_bound(self.host, self.port)


def nat_network(remap_ports: bool = False) -> Iterator[NatNetwork]:
    for binary in (kamailio_binary, sipp_binary):
        require(binary)
    try:
        with NatNetwork(remap_ports) as made:
            yield made
    except NetnsUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture
def network() -> Iterator[NatNetwork]:
    yield from nat_network()


@pytest.fixture
def remapping_network() -> Iterator[NatNetwork]:
    """A router that gives our UDP ports numbers of its own (REMAPPED_PORTS)."""
    yield from nat_network(remap_ports=True)


def start_in(namespace: Namespace, peers: Peers, peer):
    with namespace.entered():
        return peers.start(peer)


def call_from_behind_nat(network: NatNetwork, peers: Peers, workdir: Path, scenario: str,
                         *extra: str, figure: Figure, media_delay_ms: int = 0,
                         network_settings: dict[str, Any] | None = None,
                         ) -> tuple[Outcome, PublicFarEnd, Path]:
    """Our `softphone call` in the private namespace, through the provider in the public one,
    to a SIPp far end there; returns once the call is over, with what we heard."""
    far_end = start_in(network.public, peers, PublicFarEnd(
        network.public, peers.workdir("sipp"), scenario, media_delay_ms))
    provider = start_in(network.public, peers, PublicKamailio(
        network.public, peers.workdir("kamailio"), {USER: PASSWORD},
        {ROUTED_PREFIX: (network.public.address, far_end.port)}))
    config = write_config(workdir / "config.toml", [account(
        provider, domain=f"{provider.host}:{provider.port}")], network_settings)
    heard = workdir / "heard.wav"
    started = time.monotonic()
    with network.private.entered():
        run = Softphone(workdir, ["call", NUMBER, "--config", str(config), "--record",
                                  str(heard), *extra], PASSWORD).start()
    try:
        run.wait_for("registration", 20, registered=True)
        figure("registered_through_nat_s", round(time.monotonic() - started, 2))
        return run.finish(40), far_end, heard
    finally:
        run.stop()


def test_call_from_behind_nat_registers_and_has_audio_both_ways(network, peers, tmp_path,
                                                               tone, figure):
    """The provider sees the router (received=its public address, rport) and we learn that
    address for our Contact, so requests inside the call can find us; the call connects and our tone
    comes back from the echoing far end: our RTP got out through the NAT and its RTP found
    the way back in."""
    outcome, echo, heard = call_from_behind_nat(network, peers, tmp_path, "answer_echo",
                                                "--play", str(tone), "--duration", "6",
                                                figure=figure)

    assert outcome.returncode == 0, outcome
    assert outcome.states()[-2:] == ["connected", "ended"], outcome
    invite = echo.messages()
    assert NATED_VIA.search(invite), invite
    assert f"Contact: <sip:{USER}@{PUBLIC_ROUTER}:" in invite, invite
    assert f"c=IN IP4 {PUBLIC_ROUTER}" in invite, "the SDP names the router, not 192.168.x"
    stats = outcome.of("stats")[-1]
    figure("rtp_sent", stats["tx_packets"])
    figure("rtp_received", stats["rx_packets"])
    assert stats["tx_packets"] > MIN_PACKETS and stats["rx_packets"] > MIN_PACKETS, stats
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)
    assert echo.wait(10) == 0, echo.log_tail()


def test_early_media_sent_to_our_sdp_is_heard_from_behind_nat(network, peers, tmp_path,
                                                             figure):
    """A far end that plays where our SDP says, without waiting to hear from us: the SDP must
    name the router's public side, and our RTP (sent from the moment the 183 arrives) opens
    the router's mapping before the tone, which starts 200 ms after the 183, comes in."""
    outcome, _, heard = call_from_behind_nat(network, peers, tmp_path, "early_media",
                                             "--duration", "1", figure=figure,
                                             media_delay_ms=200)

    assert outcome.returncode == 0, outcome
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)
    assert outcome.of("stats")[-1]["rx_packets"] > MIN_PACKETS, outcome


@pytest.mark.xfail(strict=True, reason=(
    "the far end starts its tone the instant it sends the 183, so the tone reaches the router "
    "before the 183 has reached us through the provider: Linux conntrack records that inbound "
    "flow, and our first RTP packet, sent to the same far end from the same port, clashes "
    "with it and is masqueraded from another port. The far end keeps sending to the port our "
    "SDP named and nothing comes in, for the whole call. No packet from us can win that race; "
    "only a relay fixes it: the provider's media relay (most providers have one), or a TURN "
    "relay of the user's (the next test)"))
def test_early_media_that_outruns_the_183_is_heard_from_behind_nat(network, peers, tmp_path,
                                                                  figure):
    """The same far end with no delay at all before its tone."""
    outcome, _, heard = call_from_behind_nat(network, peers, tmp_path, "early_media",
                                             "--duration", "1", figure=figure)

    assert outcome.returncode == 0, outcome
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)


def test_early_media_that_outruns_the_183_is_heard_through_a_turn_relay(
        network, peers, tmp_path, monkeypatch, figure):
    """The race above, with [network] turn_server set: our SDP names the relay, allocated
    before the INVITE, so the far end's tone goes there and reaches us over our allocation.
    The first packets, before the relay knows the far end, are dropped; the rest is heard."""
    require(turnserver_binary)
    relay = start_in(network.public, peers, Coturn(peers.workdir("coturn"),
                                                   network.public.address, "ada", "relay-pass"))
    monkeypatch.setenv(TURN_PASSWORD_VARIABLE, relay.password)
    outcome, far_end, heard = call_from_behind_nat(
        network, peers, tmp_path, "early_media", "--duration", "1", figure=figure,
        network_settings={
            "turn_server": f"{relay.host}:{relay.port}", "turn_username": relay.user})

    assert outcome.returncode == 0, outcome
    assert f"c=IN IP4 {relay.host}" in far_end.messages(), "the SDP names the relay"
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)
    stats = outcome.of("stats")[-1]
    figure("rtp_received_through_relay", stats["rx_packets"])
    figure("rtp_sent_through_relay", stats["tx_packets"])
    assert stats["rx_packets"] > MIN_PACKETS, stats


@pytest.mark.parametrize("stun", [False, True], ids=["without STUN", "with STUN"])
def test_behind_a_router_that_remaps_ports_stun_names_the_port_it_opened(
        remapping_network, peers, tmp_path, stun, figure):
    """The router gives our RTP socket a port of its own. The registrar's rport tells SIP its
    port, but nothing tells the SDP, which names our socket's port: a far end that sends where
    the SDP says is not heard (the control). With [network] stun_servers, pjsua asks the STUN
    server (coturn, on the public side) which address and port it saw, and the SDP names
    those: the far end's early media comes in through the port the router opened."""
    require(turnserver_binary)
    network = remapping_network
    server = start_in(network.public, peers, Coturn(peers.workdir("coturn"),
                                                    network.public.address, "ada", "unused"))
    settings = {"stun_servers": [f"{server.host}:{server.port}"]} if stun else None
    outcome, far_end, heard = call_from_behind_nat(
        network, peers, tmp_path, "early_media", "--duration", "1", figure=figure,
        media_delay_ms=200, network_settings=settings)

    assert outcome.returncode == 0, outcome
    invite = far_end.messages()
    assert f"c=IN IP4 {PUBLIC_ROUTER}" in invite, invite
    sdp_port = int(AUDIO_PORT.search(invite).group(1))
    low, high = REMAPPED_PORTS
    received = outcome.of("stats")[-1]["rx_packets"]
    figure("sdp_audio_port", sdp_port)
    figure("rtp_received", received)
    if not stun:
        assert not low <= sdp_port <= high, "the SDP names our own port"
        assert received < MIN_PACKETS, "nothing comes in where the router has no mapping"
        return
    assert low <= sdp_port <= high, "the SDP names the router's port, learned by STUN"
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)
    assert received > MIN_PACKETS, outcome


FAR_USER, FAR_PASSWORD, FAR_TONE_HZ = "1002", "secret1002", 660.0


def test_two_phones_with_ice_hear_each_other_across_the_nat(network, peers, tmp_path,
                                                           monkeypatch, figure):
    """An ICE-capable far end: a second Softphone on the public side, both with the relay
    configured, so both offer ICE (host, and relayed candidates). The two ICE agents must
    agree on a pair through the NAT and each hear the other's tone, as when a TURN user calls
    another ICE phone registered with the same provider."""
    require(turnserver_binary)
    relay = start_in(network.public, peers, Coturn(peers.workdir("coturn"),
                                                   network.public.address, "ada", "relay-pass"))
    monkeypatch.setenv(TURN_PASSWORD_VARIABLE, relay.password)
    provider = start_in(network.public, peers, PublicKamailio(
        network.public, peers.workdir("kamailio"), {USER: PASSWORD, FAR_USER: FAR_PASSWORD}))
    settings = {"turn_server": f"{relay.host}:{relay.port}", "turn_username": relay.user}
    domain = f"{provider.host}:{provider.port}"
    runs = []
    try:
        far_dir, near_dir = tmp_path / "far", tmp_path / "near"
        for folder in (far_dir, near_dir):
            folder.mkdir()
        far_config = write_config(far_dir / "config.toml", [{
            **account(provider, domain=domain), "username": FAR_USER}], settings)
        far_tone = write_tone_wav(far_dir / "tone.wav", FAR_TONE_HZ, 8.0)
        with network.public.entered():
            far = Softphone(far_dir, ["listen", "--config", str(far_config), "--wait", "40",
                                      "--play", str(far_tone), "--record",
                                      str(far_dir / "heard.wav")], FAR_PASSWORD).start()
        runs.append(far)
        far.wait_for("registration", 20, registered=True)
        near_config = write_config(near_dir / "config.toml", [account(provider, domain=domain)],
                                   settings)
        near_tone = write_tone_wav(near_dir / "tone.wav", TONE_HZ, 8.0)
        with network.private.entered():
            near = Softphone(near_dir, ["call", f"sip:{FAR_USER}@{domain}", "--config",
                                        str(near_config), "--duration", "6", "--play",
                                        str(near_tone), "--record", str(near_dir / "heard.wav")],
                             PASSWORD).start()
        runs.append(near)
        outcome = near.finish(60)
        far_outcome = far.finish(30)
    finally:
        for run in runs:
            run.stop()

    assert outcome.returncode == 0, outcome
    assert "connected" in outcome.states(), outcome
    assert far_outcome.returncode == 0, far_outcome
    for folder, expected, run in ((near_dir, FAR_TONE_HZ, outcome),
                                  (far_dir, TONE_HZ, far_outcome)):
        samples, rate = read_wav(folder / "heard.wav")
        assert dominant_frequency(samples, rate) == pytest.approx(expected, abs=10), run
    stats = outcome.of("stats")[-1]
    figure("rtp_received_near", stats["rx_packets"])
    figure("rtp_received_far", far_outcome.of("stats")[-1]["rx_packets"])
    assert stats["rx_packets"] > MIN_PACKETS, stats
    agreed = [line for line in outcome.log.splitlines()
              if "ICE negotiation" in line and "success" in line.lower()]
    assert agreed, outcome.log[-3000:]
    figure("ice", agreed[0].split("ICE negotiation", 1)[1].strip()[:100])
