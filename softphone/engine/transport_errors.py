"""Local transport failures (no SIP response at all) in words a person can act on.

pjsua reports these as an invented SIP code (usually 503) whose reason is pjlib's error text,
e.g. "SSL certificate verification error (PJSIP_TLS_ECERTVERIF)"; depending on timing the
pj_status_t comes with it or is 0. So failures are recognised by status where given and by the
error's symbol or system text in the reason otherwise. The statuses are pjlib/pjsip codes the
SWIG binding does not export: PJ_ERRNO_START_SYS (120000) + errno, PJSIP_ERRNO_START_PJSIP
(171000) + n.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TransportFailure:
    message: str
    permanent: bool  # retrying cannot help: the user must change a setting


CERTIFICATE = TransportFailure(
    "The provider's TLS certificate could not be verified: it is not issued by an authority "
    "this computer trusts, or it is for another server name. Check the domain, or set "
    "network.ca_file to your provider's CA.", permanent=True)
UNRESOLVED = TransportFailure(
    "The provider's server name could not be found: check the domain.", permanent=True)
REFUSED = TransportFailure(
    "The provider refused the connection: check the server address and port.", permanent=False)
TIMED_OUT = TransportFailure("The connection to the provider timed out.", permanent=False)
UNREACHABLE = TransportFailure(
    "The provider's server cannot be reached from this network.", permanent=False)

_BY_STATUS = {
    171173: CERTIFICATE,  # PJSIP_TLS_ECERTVERIF
    70018: UNRESOLVED,  # PJ_ERESOLVE
    120111: REFUSED,  # ECONNREFUSED
    120110: TIMED_OUT,  # ETIMEDOUT
    120113: UNREACHABLE,  # EHOSTUNREACH
    120101: UNREACHABLE,  # ENETUNREACH
}
_BY_TEXT = [
    (re.compile(r"PJSIP_TLS_ECERT|certificate", re.IGNORECASE), CERTIFICATE),
    (re.compile(r"PJ_ERESOLVE|PJLIB_UTIL_EDNS|could not resolve", re.IGNORECASE), UNRESOLVED),
    (re.compile(r"connection refused", re.IGNORECASE), REFUSED),
    (re.compile(r"timed out", re.IGNORECASE), TIMED_OUT),
    (re.compile(r"unreachable", re.IGNORECASE), UNREACHABLE),
]
_PJ_SYMBOL = re.compile(r"\((PJ\w+)\)|Connection refused|timed out|unreachable")


def transport_failure(status: int, reason: str) -> TransportFailure | None:
    """What went wrong below SIP, or None when the reason is a real SIP response."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status == 0 and not _PJ_SYMBOL.search(reason):
        return None
    found = next((failure for pattern, failure in _BY_TEXT if pattern.search(reason)), None)
    return found or TransportFailure(f"The provider could not be reached ({reason}).",
                                     permanent=False)
