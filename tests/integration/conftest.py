"""Real peers for the integration tests: the provider (Kamailio), scripted far ends
(SIPp) and a real softphone far end (baresip), all on 127.0.0.1.

Every peer is started through the `peers` fixture, which stops them all at
teardown, pass or fail, and appends their log tails to a failing test's report.
A test is skipped only when the binary of a peer it needs is not installed.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.integration.lines import (
    PASSWORD,
    ROUTED_PREFIX,
    TONE_HZ,
    USER,
    Line,
    account,
)
from tests.integration.softphone_cli import write_config
from tests.peers.baresip import Baresip, baresip_binary
from tests.peers.kamailio import Kamailio, kamailio_binary
from tests.peers.ports import HOST
from tests.peers.process import PeerError, PeerProcess
from tests.peers.sipp import SippUAC, SippUAS, sipp_binary
from tests.peers.tones import write_tone_wav

USERS = {"1001": "secret1001", "1002": "secret1002"}

Peer = TypeVar("Peer", bound=PeerProcess)


class Peers:
    """The peers one test started, each in its own folder under the test's tmp_path."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[PeerProcess] = []
        self._made: Counter[str] = Counter()

    def workdir(self, name: str) -> Path:
        """`name`, or `name-2`, `name-3`... when the test runs several of a kind."""
        self._made[name] += 1
        count = self._made[name]
        return self.tmp_path / (name if count == 1 else f"{name}-{count}")

    def start(self, peer: Peer) -> Peer:
        peer.start()
        self.started.append(peer)
        return peer

    def stop_all(self) -> None:
        """Stop in reverse order; one failing stop does not spare the others."""
        with contextlib.ExitStack() as stack:
            for peer in self.started:
                stack.callback(peer.stop)


def require(find_binary: Callable[[], str]) -> None:
    try:
        find_binary()
    except PeerError as error:
        pytest.skip(str(error))


Figure = Callable[[str, object], None]


@pytest.fixture
def figure(record_property: Figure) -> Figure:
    """figure(name, value): a measured figure, printed (pytest -s) and kept in the JUnit XML
    report, where `python -m bench.faults_report` reads the network tests' figures."""
    def note(name: str, value: object) -> None:
        print(f"{name}: {value}")
        record_property(name, value)

    return note


@pytest.fixture
def peers(tmp_path: Path) -> Iterator[Peers]:
    started = Peers(tmp_path)
    yield started
    started.stop_all()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Put each peer's log tail into a failed test's report, while the peers still run."""
    report = yield
    started = getattr(item, "funcargs", {}).get("peers")
    if report.failed and isinstance(started, Peers):
        for peer in started.started:
            report.sections.append((f"{peer.name} log", peer.log_tail()))
    return report


@pytest.fixture
def make_kamailio(peers: Peers) -> Callable[..., Kamailio]:
    """Factory: make_kamailio(users=USERS, routes={prefix: (host, port)}) -> running Kamailio."""
    require(kamailio_binary)

    def make(
        users: Mapping[str, str] = USERS,
        routes: Mapping[str, tuple[str, int]] | None = None,
    ) -> Kamailio:
        return peers.start(Kamailio(peers.workdir("kamailio"), users, routes))

    return make


@pytest.fixture
def kamailio(make_kamailio: Callable[..., Kamailio]) -> Kamailio:
    """The provider with users 1001/secret1001 and 1002/secret1002 and no trunk routes."""
    return make_kamailio()


@pytest.fixture
def sipp_uas(peers: Peers) -> Callable[..., SippUAS]:
    """Factory: sipp_uas("busy") -> a running far end waiting for one INVITE."""
    require(sipp_binary)

    def make(scenario: str, port: int | None = None, calls: int = 1) -> SippUAS:
        return peers.start(SippUAS(peers.workdir(f"sipp-{scenario}"), scenario, port, calls))

    return make


@pytest.fixture
def sipp_uac(peers: Peers) -> Callable[..., SippUAC]:
    """Factory: sipp_uac("uac_call", target_port, to_user, auth=(user, password), ...)."""
    require(sipp_binary)

    def make(scenario: str, *args: Any, **kwargs: Any) -> SippUAC:
        return peers.start(SippUAC(peers.workdir(f"sipp-{scenario}"), scenario, *args, **kwargs))

    return make


@pytest.fixture
def baresip(peers: Peers) -> Callable[..., Baresip]:
    """Factory: baresip(tone_hz=440.0, answer=True, register=(kamailio_port, user, password),
    user="baresip", source=None) -> a running, auto-answering baresip playing the tone, or the
    16 kHz mono WAV `source`."""
    require(baresip_binary)

    def make(
        tone_hz: float | None = 440.0,
        answer: bool = True,
        register: tuple[int, str, str] | None = None,
        user: str = "baresip",
        source: Path | None = None,
    ) -> Baresip:
        return peers.start(Baresip(peers.workdir("baresip"), tone_hz, answer, register, user,
                                   source))

    return make


@pytest.fixture
def line(tmp_path: Path, sipp_uas: Callable[..., SippUAS],
         make_kamailio: Callable[..., Kamailio]) -> Callable[..., Line]:
    """Factory: line("answer_echo", transport="udp", **account settings) -> Line."""
    def make(scenario: str, transport: str = "udp", **settings: object) -> Line:
        far_end = sipp_uas(scenario)
        provider = make_kamailio({USER: PASSWORD}, {ROUTED_PREFIX: (HOST, far_end.port)})
        config = write_config(tmp_path / "config.toml",
                              [account(provider, transport=transport, **settings)])
        return Line(tmp_path, config, far_end, provider)

    return make


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    """3 s of TONE_HZ, the signal most audio checks look for."""
    return write_tone_wav(tmp_path / "tone.wav", TONE_HZ, 3.0)
