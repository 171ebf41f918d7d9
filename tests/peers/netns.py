"""Network namespaces joined by veth pairs, with a NAT between them, for what loopback cannot
show: a phone behind a masquerading router, whose provider sees the router's address.

  public 203.0.113.2 <-veth-> nat 203.0.113.1 | 192.168.200.1 <-veth-> private 192.168.200.2

The private side's default route goes through the nat namespace, which masquerades what leaves
towards the public side; the public side has no route back into 192.168.200.0/24, so only
answers to what went out get in, as with a home router (`remap_ports`: one that also renumbers
UDP ports). The public side is a public range
(TEST-NET-3, RFC 5737), not a private one: pjsua treats a private address in the registrar's
`received` as a NAT inside the LAN and ignores a change of port behind it (pjsip ticket 864),
which would hide the port a router gives a new private address (test_ip_change). Every
namespace, veth and address is the test's own: nothing touches the host's network. Needs
root, iproute2 and nftables.

A process runs in a namespace when it is started inside `Namespace.entered()`: fork keeps the
calling thread's namespace, so peers and the softphone need no changes to run there.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Self

CLONE_NEWNET = 0x40000000
PUBLIC_NET, PUBLIC_ROUTER, PUBLIC_HOST = "203.0.113.0/24", "203.0.113.1", "203.0.113.2"
PRIVATE_NET, PRIVATE_ROUTER, PRIVATE_HOST = "192.168.200.0/24", "192.168.200.1", "192.168.200.2"
PREFIX = 24
COMMAND_TIMEOUT = 10
# nft ruleset of the router: masquerade towards the public side, like any home NAT. Linux keeps
# the source port where it can; many routers and carrier-grade NATs give UDP a port of their own
# instead (REMAPPED_PORTS, still one public port per private one whoever the far end is).
MASQUERADE = """
table ip nat {{
    chain postrouting {{
        type nat hook postrouting priority srcnat; policy accept;
        {udp_rule}
        oifname "{outside}" masquerade
    }}
}}
"""
REMAPPED_PORTS = (30000, 30999)


class NetnsUnavailable(RuntimeError):
    """Namespaces cannot be made here (not root, no iproute2 or nftables): a reason to skip."""


def _run(*command: str, stdin: str | None = None) -> None:
    result = subprocess.run(command, input=stdin, capture_output=True, text=True,
                            timeout=COMMAND_TIMEOUT)
    if result.returncode != 0:
        raise NetnsUnavailable(f"{' '.join(command)} failed: {result.stderr.strip()}")


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


@dataclass(frozen=True)
class Namespace:
    """One namespace made by a test, addressed as `address` by its neighbours."""

    name: str
    address: str

    def run(self, *command: str, stdin: str | None = None) -> None:
        _run("ip", "netns", "exec", self.name, *command, stdin=stdin)

    @contextlib.contextmanager
    def entered(self) -> Iterator[None]:
        """This thread in the namespace: sockets it opens and processes it starts live there.
        Back in the original namespace afterwards, even after an error."""
        with open("/proc/thread-self/ns/net") as home, open(f"/run/netns/{self.name}") as target:
            _setns(target.fileno())
            try:
                yield
            finally:
                _setns(home.fileno())


class NatNetwork:
    """The three namespaces above, made on enter and removed on exit (also after a failure,
    and also when making them failed half way)."""

    def __init__(self, remap_ports: bool = False) -> None:
        self.remap_ports = remap_ports
        tag = secrets.token_hex(3)  # interface names stay within the kernel's 15 characters
        self.tag = tag
        self.public = Namespace(f"sp{tag}-public", PUBLIC_HOST)
        self.nat = Namespace(f"sp{tag}-nat", PUBLIC_ROUTER)
        self.private = Namespace(f"sp{tag}-private", PRIVATE_HOST)
        self._made: list[Namespace] = []

    def __enter__(self) -> Self:
        check_available()
        try:
            self._build()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()

    def _build(self) -> None:
        for namespace in (self.public, self.nat, self.private):
            _run("ip", "netns", "add", namespace.name)
            self._made.append(namespace)
            namespace.run("ip", "link", "set", "lo", "up")
        outside, inside = f"sp{self.tag}o", f"sp{self.tag}i"
        self._link(self.public, f"sp{self.tag}p", PUBLIC_HOST, self.nat, outside, PUBLIC_ROUTER)
        self._link(self.private, f"sp{self.tag}c", PRIVATE_HOST, self.nat, inside,
                   PRIVATE_ROUTER)
        self.private.run("ip", "route", "add", "default", "via", PRIVATE_ROUTER)
        self.nat.run("sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
        low, high = REMAPPED_PORTS
        udp_rule = (f'oifname "{outside}" meta l4proto udp masquerade to :{low}-{high}'
                    if self.remap_ports else "")
        self.nat.run("nft", "-f", "-", stdin=MASQUERADE.format(outside=outside, udp_rule=udp_rule))

    def move_private(self, address: str) -> None:
        """The private host's address changes, as when a laptop joins another network: the
        old address goes, the new one (in PRIVATE_NET) comes, the default route with it."""
        device = f"sp{self.tag}c"
        self.private.run("ip", "addr", "flush", "dev", device)
        self.private.run("ip", "addr", "add", f"{address}/{PREFIX}", "dev", device)
        self.private.run("ip", "route", "add", "default", "via", PRIVATE_ROUTER)

    def _link(self, one: Namespace, one_device: str, one_address: str,
              other: Namespace, other_device: str, other_address: str) -> None:
        """A veth pair from `one` to `other`, both ends up and addressed."""
        _run("ip", "link", "add", one_device, "netns", one.name, "type", "veth",
             "peer", "name", other_device, "netns", other.name)
        for namespace, device, address in ((one, one_device, one_address),
                                           (other, other_device, other_address)):
            namespace.run("ip", "addr", "add", f"{address}/{PREFIX}", "dev", device)
            namespace.run("ip", "link", "set", device, "up")

    def remove(self) -> None:
        """Deleting a namespace deletes its veth ends (and so their peers) and its rules.
        Processes still inside keep it alive: callers stop theirs first."""
        while self._made:
            namespace = self._made.pop()
            subprocess.run(["ip", "netns", "delete", namespace.name], capture_output=True,
                           timeout=COMMAND_TIMEOUT, check=False)


def check_available() -> None:
    """NetnsUnavailable, saying why, unless this process may make namespaces and NAT."""
    if os.geteuid() != 0:
        raise NetnsUnavailable("network namespaces need root")
    for tool, package in (("ip", "iproute2"), ("nft", "nftables")):
        if shutil.which(tool, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin") is None:
            raise NetnsUnavailable(f"{tool} is not installed (Debian package {package})")


def udp_bound(address: str, port: int) -> bool:
    """True once a UDP socket is bound to address:port or *:port in this thread's namespace
    (call it inside `Namespace.entered()`); like ports.udp_port_bound, without binding."""
    packed = "".join(f"{int(part):02X}" for part in reversed(address.split(".")))
    wanted = {f"{packed}:{port:04X}", f"00000000:{port:04X}"}
    with open("/proc/thread-self/net/udp") as table:
        next(table)
        return any(line.split()[1] in wanted for line in table)
