"""Who was on the other end of a call, as something the phone can dial back."""

from __future__ import annotations

import contextlib

from softphone.contacts.matching import numeric_user
from softphone.numbers import DialError, parse_target

# RFC 3323 and providers' habits for a caller who withheld their number.
WITHHELD_USERS = {"anonymous", "restricted", "unknown", "unavailable", "private", "withheld"}


def dialable(remote_uri: str, default_country: str | None) -> str | None:
    """The E.164 number, extension or SIP URI to call `remote_uri` back; None when withheld.

    Providers put the caller's number in the user part (sip:+12025550143@provider, or in
    national format), so that is preferred to the URI, which may name a host we can't reach.
    """
    try:
        target = parse_target(remote_uri, default_country)
    except DialError:
        return None
    if target.kind != "sip":
        return target.value
    user, _, host = target.display.rpartition("@")
    if user.lower() in WITHHELD_USERS or host.endswith(".invalid"):
        return None
    number = numeric_user(target)
    if number is not None:
        with contextlib.suppress(DialError):
            return parse_target(number, default_country).value
    return target.value
