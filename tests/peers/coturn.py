"""coturn as the TURN relay a user behind a hostile NAT configures: long-term credentials,
one realm, plain UDP/TCP (no TLS), relayed ports from a range of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.peers.netns import udp_bound
from tests.peers.ports import free_port
from tests.peers.process import PeerError, PeerProcess

REALM = "softphone.test"
RELAY_PORTS = (49160, 49200)


def turnserver_binary() -> str:
    found = shutil.which("turnserver")
    if found is None:
        raise PeerError("turnserver is not installed (Debian package coturn)")
    return found


class Coturn(PeerProcess):
    """Listens on `host`:`port`; `user`/`password` may allocate relays there."""

    name = "coturn"

    def __init__(self, workdir: Path, host: str, user: str, password: str) -> None:
        super().__init__(workdir)
        self.host = host
        self.port = free_port()
        self.user = user
        self.password = password

    def command(self) -> list[str]:
        low, high = RELAY_PORTS
        return [
            turnserver_binary(), "-n",  # no config file: everything is here
            "--listening-ip", self.host, "--listening-port", str(self.port),
            "--relay-ip", self.host, "--min-port", str(low), "--max-port", str(high),
            "--lt-cred-mech", "--user", f"{self.user}:{self.password}", "--realm", REALM,
            "--no-tls", "--no-dtls", "--no-cli", "--no-software-attribute",
            "--pidfile", str(self.workdir / "turnserver.pid"),
            "--log-file", "stdout", "--simple-log",
        ]  # fmt: skip

    def ready(self) -> bool:
        """Polled in the thread that started it, so inside its network namespace if any."""
        return udp_bound(self.host, self.port)
