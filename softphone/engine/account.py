"""A provider account: pjsua2 configuration from AccountConfig, registration with backoff."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pjsua2 as pj

from softphone.config import AccountConfig
from softphone.engine.call import SoftCall, split_remote
from softphone.engine.guard import guarded
from softphone.engine.transport_errors import TransportFailure, transport_failure
from softphone.events import Direction, EngineProblem, IncomingCall, RegistrationChanged
from softphone.sipstatus import registration_message, retryable_registration_failure

if TYPE_CHECKING:
    from softphone.engine.engine import Engine

REGISTRATION_SECONDS = 300
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 300.0
NO_ANSWER_WARNING_SECONDS = 8.0
REFRESH_LEAD_SECONDS = 5  # pjsua refreshes a registration this long before it expires
DO_NOT_DISTURB_MESSAGE = "Missed while Do Not Disturb was on (the caller heard busy)."
SRTP_USE = {
    "off": pj.PJMEDIA_SRTP_DISABLED,
    "optional": pj.PJMEDIA_SRTP_OPTIONAL,  # RTP/AVP with a=crypto: plain peers still connect
    "mandatory": pj.PJMEDIA_SRTP_MANDATORY,  # RTP/SAVP: a peer without SRTP refuses the call
}


def source_host(address: str) -> str:
    """'127.0.0.1:5060' or '[::1]:5060' -> the host alone."""
    return address.rsplit(":", 1)[0].strip("[]")


def with_transport(uri: str, transport: str) -> str:
    """Add ;transport= so the registrar and proxy are reached over the account's transport."""
    if transport == "udp" or ";transport=" in uri.lower():
        return uri
    return f"{uri};transport={transport}"


def loose_route(uri: str) -> str:
    """An outbound proxy must be loose-routing (;lr) or it would rewrite the request target."""
    return uri if ";lr" in uri.lower() else f"{uri};lr"


@dataclass(frozen=True)
class Relay:
    """A TURN server for the audio: "host:port", the user and password it gave, udp or tcp."""

    server: str
    username: str
    password: str
    transport: str = "udp"


def build_config(account: AccountConfig, password: str | None, transport_id: int,
                 media_host: str, rtp_port: int, relay: Relay | None = None,
                 stun: bool = False) -> pj.AccountConfig:
    cfg = pj.AccountConfig()
    cfg.idUri = f'"{account.display_name}" <{account.aor}>' if account.display_name else (
        account.aor)
    cfg.regConfig.registrarUri = with_transport(account.registrar_uri, account.transport)
    cfg.regConfig.registerOnAdd = account.register
    cfg.regConfig.timeoutSec = REGISTRATION_SECONDS
    cfg.regConfig.retryIntervalSec = 0  # we retry ourselves, with backoff
    cfg.regConfig.delayBeforeRefreshSec = REFRESH_LEAD_SECONDS
    cfg.regConfig.dropCallsOnFail = False
    cfg.regConfig.unregWaitMsec = 1500
    if account.proxy:
        cfg.sipConfig.proxies.append(loose_route(with_transport(account.proxy, account.transport)))
    if password is not None:
        cfg.sipConfig.authCreds.append(
            pj.AuthCredInfo("digest", "*", account.auth_username or account.username, 0, password)
        )
    cfg.sipConfig.transportId = transport_id
    cfg.mediaConfig.transportConfig.port = rtp_port
    if media_host:
        cfg.mediaConfig.transportConfig.boundAddress = media_host
        cfg.mediaConfig.transportConfig.publicAddress = media_host
    cfg.mediaConfig.lockCodecEnabled = False
    cfg.mediaConfig.srtpUse = SRTP_USE[account.srtp]
    # SDES keys travel in the SDP: pjsua's default (1) refuses them unless the signalling is
    # TLS, which would leave almost every UDP provider without encryption. 0 allows them over
    # UDP/TCP too, where they are as private as the SIP signalling (the README says so).
    cfg.mediaConfig.srtpSecureSignaling = 0
    cfg.natConfig.iceEnabled = False
    # Behind a home router, the registrar's Via received/rport tells pjsua our public address;
    # it already puts it in Contact, and with this in the SDP's c= line too, so a far end that
    # sends audio where the SDP says (most do) is heard (tests/integration/reliability/test_nat).
    cfg.natConfig.sdpNatRewriteUse = 1
    # The registrar's rport already tells SIP its public address and port. Audio needs STUN
    # (`stun`: [network] stun_servers) behind a router that gives our RTP port another number:
    # the SDP then names the port the router really opened, not ours (test_nat).
    cfg.natConfig.sipStunUse = pj.PJSUA_STUN_USE_DISABLED
    cfg.natConfig.mediaStunUse = (pj.PJSUA_STUN_USE_DEFAULT if stun
                                  else pj.PJSUA_STUN_USE_DISABLED)
    if relay is not None:
        use_relay(cfg.natConfig, relay)
    # On a network change (engine/netwatch.py) calls are kept: re-INVITEd with new media
    # sockets and our new address in Contact and Via, so the far end follows us.
    cfg.ipChangeConfig.hangupCalls = False
    cfg.ipChangeConfig.shutdownTp = True
    cfg.ipChangeConfig.reinviteFlags = (pj.PJSUA_CALL_REINIT_MEDIA | pj.PJSUA_CALL_UPDATE_CONTACT
                                        | pj.PJSUA_CALL_UPDATE_VIA)
    return cfg


def use_relay(nat: pj.AccountNatConfig, relay: Relay) -> None:
    """pjsua relays audio only through ICE: the relayed address is allocated before the offer
    and becomes its default candidate, the c= line a far end without ICE sends to, so what
    reaches us comes from the relay, through the mapping our allocation keeps open."""
    nat.iceEnabled = True
    nat.turnEnabled = True
    nat.turnServer = relay.server
    nat.turnConnType = pj.PJ_TURN_TP_TCP if relay.transport == "tcp" else pj.PJ_TURN_TP_UDP
    nat.turnUserName = relay.username
    nat.turnPasswordType = 0  # PJ_STUN_PASSWD_PLAIN: the password as given
    nat.turnPassword = relay.password


class SoftAccount(pj.Account):
    """Registers, retries with exponential backoff, and hands incoming calls to the engine."""

    def __init__(self, engine: Engine, config: AccountConfig) -> None:
        super().__init__()
        self.engine = engine
        self.config = config
        self.retry_delay = FIRST_RETRY_SECONDS
        self.attempt = 0
        self.answered_attempt = 0
        self.last_reported: tuple[bool, int] | None = None
        self.unregistering = False
        self.retired = False  # replaced or removed: timers it set must not act for it
        # Where the provider answered our REGISTERs from: the only hosts calls may come from.
        self.provider_hosts: set[str] = set()

    def start_registration(self) -> None:
        """(Re)register now and warn if the provider stays silent, long before pjsip gives up."""
        if self.retired:
            return
        self.attempt += 1
        attempt = self.attempt
        self.setRegistration(True)
        self.engine.after(NO_ANSWER_WARNING_SECONDS, lambda: self._warn_if_silent(attempt))

    def unregister(self) -> None:
        """Remove our binding at the provider, so calls stop being routed to a closed app."""
        if self.getInfo().regIsActive:
            self.unregistering = True
            self.setRegistration(False)

    def shutdown(self) -> None:
        """Remove the account from pjsua; a retry or a silence warning still pending for it
        would otherwise act on a deleted account, or report for the one that replaced it."""
        self.retired = True
        super().shutdown()

    def _warn_if_silent(self, attempt: int) -> None:
        if self.answered_attempt < attempt == self.attempt and not self.retired:
            self._report(False, 408, "No response", retry_in=0.0)

    @guarded
    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        self.answered_attempt = self.attempt
        self.unregistering = False
        info = self.getInfo()
        code = prm.code
        if info.regIsActive:
            self.retry_delay = FIRST_RETRY_SECONDS
            self.provider_hosts.add(source_host(prm.rdata.srcAddress))
            self._report(True, code, prm.reason, None, prm.expiration)
            self._expect_refresh(prm.expiration)
            return
        failure = transport_failure(prm.status, prm.reason)
        retry_in = None
        if self._should_retry(code, failure):
            retry_in = self.retry_delay * random.uniform(0.8, 1.2)
            self.retry_delay = min(self.retry_delay * 2, MAX_RETRY_SECONDS)
            self.engine.after(retry_in, self.start_registration)
        self._report(False, code, prm.reason, retry_in,
                     message=failure.message if failure else None)

    def _expect_refresh(self, expires: int) -> None:
        """pjsua refreshes the registration by itself. Over UDP a refresh into a provider that
        died would go unreported for 32 s (pjsip's transaction timeout), with the phone still
        shown as reachable: the refresh gets the same silence warning as our own attempts."""
        self.attempt += 1
        attempt = self.attempt
        due = max(expires - REFRESH_LEAD_SECONDS, 0) + NO_ANSWER_WARNING_SECONDS
        self.engine.after(due, lambda: self._warn_if_silent(attempt))

    def _should_retry(self, code: int, failure: TransportFailure | None) -> bool:
        """Back off and retry outages; never a wrong password or a certificate we distrust."""
        if not self.config.register or code == 200:
            return False
        if failure is not None:
            return not failure.permanent
        return retryable_registration_failure(code)

    def _report(self, registered: bool, code: int, reason: str, retry_in: float | None,
                expires: int = 0, message: str | None = None) -> None:
        if self.last_reported == (registered, code) and retry_in is None:
            return
        self.last_reported = (registered, code)
        if message is None:
            message = registration_message(code) if code != 200 or registered else (
                "Unregistered.")
        self.engine.emit(
            RegistrationChanged(
                account=self.config.name, registered=registered, code=code, reason=reason,
                message=message, expires=expires, retry_in=retry_in,
            )
        )

    def _may_call_us(self, sender: str) -> bool:
        """Ghost calls: scanners send INVITEs straight to a registered phone's address. Once
        registered through a provider, only calls relayed by that provider are let through."""
        return not (self.config.register and self.config.calls_from_provider_only) or (
            sender in self.provider_hosts)

    @guarded
    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        call = SoftCall(self.engine, self, self.config.name, Direction.INCOMING, prm.callId)
        self.engine.adopt_call(call)
        sender = source_host(prm.rdata.srcAddress)
        if not self._may_call_us(sender):
            call.screened = True
            call.hang_up(403)
            self.engine.emit(EngineProblem(
                f"Refused a call from {sender}, which is not your provider: SIP scanners ring "
                "phones this way (set calls_from_provider_only = false to allow it)."))
            return
        if self.engine.do_not_disturb:  # refused before 180: the caller never hears it ring
            call.hang_up(486, message=DO_NOT_DISTURB_MESSAGE, cause=486)
            return
        name, uri, user = split_remote(call.getInfo().remoteUri)
        self.engine.emit(
            IncomingCall(call_id=prm.callId, account=self.config.name, remote_uri=uri,
                         remote_name=name, remote_number=user)
        )
        ringing = pj.CallOpParam()
        ringing.statusCode = 180
        call.answer(ringing)
