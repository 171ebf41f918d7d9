"""The pjsua2 Endpoint, for the one thing it alone hears: incoming calls pjsua refuses by
itself, before any account sees them.

pjsua answers an INVITE whose media it cannot set up (488) while creating the call, so no
account callback runs and the caller simply vanishes. When the account's SRTP setting is the
likely reason (it insists on or refuses encryption), the user is told; other refusals (garbage,
floods) stay in the log, and even these sentences come at most every few seconds, so a hostile
sender cannot fill the window with them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import pjsua2 as pj

from softphone.config import AccountConfig
from softphone.engine.call import NOT_ACCEPTABLE, SRTP_REFUSED, split_remote
from softphone.engine.guard import guarded
from softphone.events import EngineProblem, Event

QUIET_SECONDS = 5.0


class SoftEndpoint(pj.Endpoint):
    """`accounts` gives the configured accounts when a refusal needs explaining."""

    def __init__(self, accounts: Callable[[], Iterable[AccountConfig]],
                 emit: Callable[[Event], None]) -> None:
        super().__init__()
        self._accounts = accounts
        self._emit = emit
        self._last_told = -QUIET_SECONDS

    @guarded
    def onRejectedIncomingCall(self, prm: pj.OnRejectedIncomingCallParam) -> None:
        if prm.statusCode != NOT_ACCEPTABLE:
            return
        account = called_account(prm.localInfo, list(self._accounts()))
        if account is None or account.srtp not in SRTP_REFUSED:
            return
        now = time.monotonic()
        if now - self._last_told < QUIET_SECONDS:
            return
        self._last_told = now
        name, uri, user = split_remote(prm.remoteInfo)
        caller = name or user or uri or "an unknown caller"
        self._emit(EngineProblem(f"A call from {caller} was refused. {SRTP_REFUSED[account.srtp]}"))


def called_account(local_info: str, accounts: list[AccountConfig]) -> AccountConfig | None:
    """The account the refused call was for, by the user part of its To URI; with one account,
    that one (providers rewrite To to a DID that is not our username)."""
    _, _, user = split_remote(local_info)
    matching = [account for account in accounts if account.username == user]
    if matching:
        return matching[0]
    return accounts[0] if len(accounts) == 1 else None
