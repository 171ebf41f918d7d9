"""Kamailio as the SIP provider: registrar with digest auth plus a prefix-routing proxy."""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from tests.peers.ports import HOST, free_port, sip_answers
from tests.peers.process import PeerError, PeerProcess

TEMPLATE = Path(__file__).with_name("kamailio.cfg")
# Values go into double-quoted cfg strings; refuse anything needing escapes.
SAFE_VALUE = re.compile(r"[A-Za-z0-9+*#._:@-]+")


def kamailio_binary() -> str:
    """Debian installs it in /usr/sbin, which is not on every user's PATH."""
    found = shutil.which("kamailio") or shutil.which("kamailio", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise PeerError("kamailio is not installed")
    return found


def htable_set(table: str, key: str, value: str) -> str:
    for text in (key, value):
        if not SAFE_VALUE.fullmatch(text):
            raise ValueError(f"{text!r} cannot go into the kamailio config")
    return f'\t$sht({table}=>{key}) = "{value}";'


@dataclass(frozen=True)
class TlsIdentity:
    """The provider's TLS certificate chain and key (PEM files), e.g. from a trustme CA."""

    certificate: Path
    private_key: Path


class Kamailio(PeerProcess):
    """The provider, on 127.0.0.1:`port` for UDP and TCP.

    `users` maps username -> password; REGISTER and outgoing INVITEs must
    authenticate as one of them (realm `.realm`), a wrong password gets 403.
    `routes` maps a dialled-number prefix -> (host, port) of a far end; the
    longest matching prefix wins. Calls to a registered user need no auth,
    as calls from a trunk would (480 when that user is not registered);
    numbers without a route get 404.
    Registrations live in memory only, so restart() forgets them.
    With `tls`, it also listens for SIP over TLS on 127.0.0.1:`tls_port`.
    `max_expires` caps how long a registration lasts, so clients refresh that often.
    """

    name = "kamailio"
    realm = HOST
    domain = HOST

    def __init__(
        self,
        workdir: Path,
        users: Mapping[str, str],
        routes: Mapping[str, tuple[str, int]] | None = None,
        port: int | None = None,
        tls: TlsIdentity | None = None,
        max_expires: int = 3600,
    ) -> None:
        super().__init__(workdir)
        self.max_expires = max_expires
        self.tls = tls
        self.tls_port = free_port() if tls else None
        self.users = dict(users)
        self.routes = dict(routes or {})
        self.port = port or free_port()
        self.config_path = self.workdir / "kamailio.cfg"
        self.rundir = self.workdir / "kamailio-run"
        self._nonce_secret = secrets.token_hex(16)

    def command(self) -> list[str]:
        return [
            kamailio_binary(),
            "-DD",
            "-E",
            "-f", str(self.config_path),
            "-P", str(self.rundir / "kamailio.pid"),
            "-Y", str(self.rundir),
            "-m", "64",
            "-M", "8",
            *self.defines(),
        ]  # fmt: skip

    def defines(self) -> list[str]:
        """#!ifdef switches of kamailio.cfg: the TLS listener only when a certificate is given."""
        return ["-A", "WITH_TLS"] if self.tls else []

    def ready(self) -> bool:
        return sip_answers(HOST, self.port, "udp") and sip_answers(HOST, self.port, "tcp")

    def start(self) -> Self:
        self.rundir.mkdir(exist_ok=True)
        self.config_path.write_text(self.render_config())
        self.check_config()
        return super().start()

    def restart(self) -> Self:
        """Stop and start again on the same port, like a provider outage."""
        self.stop()
        return self.start()

    def render_config(self) -> str:
        lines = [htable_set("users", user, password) for user, password in self.users.items()]
        lines += [
            htable_set("routes", prefix, f"{host}:{port}")
            for prefix, (host, port) in self.routes.items()
        ]
        values = {
            "PORT": str(self.port),
            "REALM": self.realm,
            "MAX_EXPIRES": str(self.max_expires),
            "NONCE_SECRET": self._nonce_secret,
            "HTABLE_INIT": "\n".join(lines),
            "TLS_PORT": str(self.tls_port),
            "TLS_CERTIFICATE": str(self.tls.certificate) if self.tls else "",
            "TLS_PRIVATE_KEY": str(self.tls.private_key) if self.tls else "",
        }
        text = TEMPLATE.read_text()
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return text

    def check_config(self) -> None:
        """`kamailio -c` first, so a template mistake reads as one, not as a start timeout."""
        result = subprocess.run(
            [kamailio_binary(), "-c", "-f", str(self.config_path), *self.defines()],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode != 0:
            raise PeerError(f"{self.config_path} is invalid:\n{result.stdout}{result.stderr}")
