"""Who hears whom in the conference bridge: the device (microphone and speaker), each call,
conference members, and call recorders.

Routing is recomputed from the calls' flags whenever one changes, and every ordered pair of
bridge ports is set to exactly what is wanted. That is O(ports²) bridge calls on a state change
(a handful of ports), in exchange for never keeping a shadow copy of the bridge's links that
could go stale when pjsua reuses a slot for a new call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pjsua2 as pj

if TYPE_CHECKING:
    from softphone.engine.call import SoftCall


def wanted_links(device: pj.AudioMedia,
                 calls: Iterable[SoftCall]) -> tuple[list[pj.AudioMedia], set[tuple[int, int]]]:
    """The bridge ports in play and the (source, sink) slot pairs that should be connected."""
    ports: list[pj.AudioMedia] = [device]
    links: set[tuple[int, int]] = set()
    mic = device.getPortId()
    members: list[int] = []
    for call in calls:
        media = call.audio_media()
        if media is None:
            continue
        ports.append(media)
        slot = media.getPortId()
        if not call.on_hold:
            links.add((slot, mic))
            if not call.muted:
                links.add((mic, slot))
            if call.in_conference:
                members.append(slot)
        if call.recorder is not None:
            ports.append(call.recorder)
            links.add((slot, call.recorder.getPortId()))
            if not call.muted:
                links.add((mic, call.recorder.getPortId()))
    links.update((a, b) for a in members for b in members if a != b)
    return ports, links


def apply_routing(device: pj.AudioMedia, calls: Iterable[SoftCall]) -> None:
    ports, links = wanted_links(device, calls)
    for source in ports:
        for sink in ports:
            pair = (source.getPortId(), sink.getPortId())
            if pair[0] == pair[1]:
                continue
            if pair in links:
                source.startTransmit(sink)
            else:
                with contextlib.suppress(pj.Error):  # not connected: nothing to undo
                    source.stopTransmit(sink)
