"""A provider account whose number prefix reaches one far end: what most call tests need."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.integration.softphone_cli import Softphone
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST
from tests.peers.sipp import SippUAS

USER, PASSWORD = "1001", "secret1001"
ROUTED_PREFIX = "+1202555"
NUMBER = "(202) 555-0143"  # read with default_country US: +12025550143, routed to the far end
TONE_HZ = 1000.0


@dataclass
class Line:
    """Our account at a Kamailio provider whose ROUTED_PREFIX reaches `far_end`."""

    workdir: Path
    config: Path
    far_end: SippUAS
    provider: Kamailio

    def call(self, *extra: str, password: str = PASSWORD, target: str = NUMBER) -> Softphone:
        return Softphone(self.workdir, ["call", target, "--config", str(self.config), *extra],
                         password).start()


def account(provider: Kamailio, **settings: object) -> dict[str, object]:
    """Our provider account as the user would configure it for this provider."""
    return {"name": "provider", "username": USER, "domain": f"{HOST}:{provider.port}",
            "default_country": "US", "display_name": "Ada", **settings}
