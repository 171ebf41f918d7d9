"""Faults report: the figures of issue 7's network-fault and hostile-input checks, from the
same scenarios the tests in tests/integration/reliability/ run, against the real peers.

    .venv/bin/python -m bench.faults_report [--json] [--no-tests]

1. Registration recovery: registered over TCP and over UDP, the provider (Kamailio) is killed
   and started again on the same ports; seconds from the provider being back to our phone
   registered again (our backoff decides over TCP, pjsip's retransmissions over UDP).
2. A call through the provider while it is down: RTP packets still received in that time.
3. Hostile input: every fuzzer category over UDP and TCP (messages sent, how the phone
   answered, whether it survived and then answered a legitimate call), and an INVITE flood;
   RSS, descriptors and threads of the phone before and after.
4. The tests that need network namespaces (root) or run long, run by pytest: behind a NAT
   (registration time, RTP both ways), a router renumbering ports with and without STUN, a
   TURN relay, an address change mid-registration and mid-call, the 300-call soak. Their
   figures are what they recorded (the `figure` fixture) in pytest's JUnit XML report.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tests.integration.conftest import Peers
from tests.integration.reliability.hostile import FLOOD_CALLS, FLOOD_RATE, PhoneUnderFire
from tests.integration.reliability.scenarios import (
    call_through_provider_outage,
    registration_recovery,
)
from tests.integration.softphone_cli import REPO
from tests.peers import fuzz

FIGURE_TESTS = ("tests/integration/reliability/test_nat.py",
                "tests/integration/reliability/test_ip_change.py",
                "tests/integration/reliability/test_soak.py")
TESTS_TIMEOUT = 900


def with_peers(workdir: Path, name: str, scenario: Any) -> Any:
    """Run one scenario with peers of its own, stopped whatever happens."""
    folder = workdir / name
    folder.mkdir()
    peers = Peers(folder)
    try:
        return scenario(peers, folder)
    finally:
        peers.stop_all()


def recovery_figures(workdir: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for transport in ("tcp", "udp"):
        recovery = with_peers(workdir, f"recovery-{transport}",
                              lambda peers, folder, t=transport: registration_recovery(
                                  peers, folder, t))
        figures[transport] = {"seconds": round(recovery.seconds, 2),
                              "told_user": recovery.lost["message"],
                              "call_after": 200 in recovery.caller_codes}
    outage = with_peers(workdir, "call-outage", call_through_provider_outage)
    figures["rtp_packets_during_outage"] = outage.rx_during
    return figures


def hostile_figures(peers: Peers, folder: Path) -> dict[str, Any]:
    phone = PhoneUnderFire(peers, folder)
    try:
        phone.legit_call_codes()  # the call's pools and media clock exist before the baseline
        before = phone.footprint()
        categories = {}
        for transport in ("udp", "tcp"):
            for category in fuzz.CATEGORIES:
                report = phone.fuzz(category, transport)
                categories[f"{transport} {category}"] = {
                    "sent": report.sent, "replies": dict(report.replies),
                    "alive": phone.alive(), "call_after": phone.legit_call_codes(transport)}
        after_fuzz = phone.footprint()
        flood = phone.flood()
        during = phone.legit_call_codes()
        flood.wait(60)
        refused = sum(code >= 300 for code in flood.received_codes())
        return {"categories": categories, "before": asdict(before),
                "after_fuzz": asdict(after_fuzz), "after_flood": asdict(phone.footprint()),
                "flood": {"invites": FLOOD_CALLS, "rate": FLOOD_RATE, "answered": refused,
                          "alive": phone.alive(), "call_during": during,
                          "call_after": phone.legit_call_codes()}}
    finally:
        phone.close()


def figures_of_tests(workdir: Path) -> dict[str, dict[str, Any]]:
    """Each figure test's outcome (passed, failed, skipped: why, xfail) and recorded figures."""
    report = workdir / "figures.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    f"--junitxml={report}", *FIGURE_TESTS], cwd=REPO, capture_output=True,
                   timeout=TESTS_TIMEOUT, check=False)
    results = {}
    for case in ElementTree.parse(report).iter("testcase"):
        outcome = next((f"{_outcome(child)}: {child.get('message', '')[:120]}"
                        for child in case if child.tag in ("failure", "error", "skipped")),
                       "passed")
        figures = {item.get("name"): item.get("value") for item in case.iter("property")}
        results[case.get("name")] = {"outcome": outcome, **figures}
    return results


def _outcome(element: ElementTree.Element) -> str:
    """JUnit XML has no expected failure: pytest writes it as skipped, of type pytest.xfail."""
    return "expected failure" if element.get("type") == "pytest.xfail" else element.tag


def print_report(recovery: dict[str, Any], hostile: dict[str, Any]) -> None:
    print("Registration recovery after a provider restart (kill -9, same ports):")
    for transport in ("tcp", "udp"):
        figure = recovery[transport]
        print(f"  {transport}: {figure['seconds']:.2f} s after the provider was back "
              f"(told the user: {figure['told_user']!r}; call after: {figure['call_after']})")
    print(f"RTP packets received during a 4 s provider outage mid-call: "
          f"{recovery['rtp_packets_during_outage']}")
    print("Hostile input (sent; answers; alive; legitimate call after):")
    for name, figure in hostile["categories"].items():
        print(f"  {name:22} {figure['sent']:3} sent  {figure['replies']}  alive="
              f"{figure['alive']}  call={figure['call_after']}")
    flood = hostile["flood"]
    print(f"INVITE flood: {flood['invites']} at {flood['rate']}/s, {flood['answered']} got a "
          f"final answer; alive={flood['alive']}; call during {flood['call_during']}, after "
          f"{flood['call_after']}")
    for moment in ("before", "after_fuzz", "after_flood"):
        figure = hostile[moment]
        print(f"  {moment:12} RSS {figure['rss_kb'] / 1024:.1f} MB, {figure['fds']} fds, "
              f"{figure['threads']} threads")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-tests", action="store_true",
                        help="leave out the figures of the namespace and soak tests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="faults-") as workdir:
        root = Path(workdir)
        recovery = recovery_figures(root)
        hostile = with_peers(root, "hostile", hostile_figures)
        tests = {} if args.no_tests else figures_of_tests(root)
    if args.json:
        print(json.dumps({"recovery": recovery, "hostile": hostile, "tests": tests}, indent=2))
        return
    print_report(recovery, hostile)
    if tests:
        print("Network and soak tests (pytest; the namespaces need root):")
        for name, figures in tests.items():
            outcome = figures.pop("outcome")
            shown = ", ".join(f"{key}={value}" for key, value in figures.items())
            print(f"  {name}: {outcome}{'; ' + shown if shown else ''}")


if __name__ == "__main__":
    main()
