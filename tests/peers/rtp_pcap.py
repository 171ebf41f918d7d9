"""A pcap of an RTP PCMU tone, for SIPp's play_pcap_audio.

SIPp replays only the UDP payload of each captured packet (it rewrites the
ports and addresses) but it parses a real capture to get there: Ethernet,
IPv4 and UDP headers must be present and consistent.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from tests.peers.tones import sine

PCMU_RATE = 8000
PACKET_MICROSECONDS = 20_000
SAMPLES_PER_PACKET = PCMU_RATE * PACKET_MICROSECONDS // 1_000_000
PCAP_MAGIC = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1
# Documentation-only addresses and ports in the capture: SIPp replaces them.
CAPTURE_SRC = (bytes([192, 0, 2, 1]), 6000)
CAPTURE_DST = (bytes([192, 0, 2, 2]), 6000)


def mulaw_encode(samples: np.ndarray) -> bytes:
    """G.711 mu-law of float samples in [-1, 1] (audioop is gone from newer Pythons)."""
    bias, clip = 0x84, 32635
    pcm = np.clip(np.round(samples * 32767), -clip, clip).astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0x00)
    magnitude = np.abs(pcm) + bias
    exponent = np.clip(np.floor(np.log2(magnitude)).astype(np.int32) - 7, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def mulaw_decode(data: bytes) -> np.ndarray:
    """G.711 mu-law bytes back to float samples in [-1, 1]."""
    code = ~np.frombuffer(data, dtype=np.uint8).astype(np.int32) & 0xFF
    exponent = (code >> 4) & 0x07
    magnitude = (((code & 0x0F) << 3) + 0x84 << exponent) - 0x84
    return np.where(code & 0x80, -magnitude, magnitude) / 32768


def ipv4_checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_frame(payload: bytes) -> bytes:
    """Ethernet + IPv4 + UDP around `payload`; the UDP checksum 0 means 'none' in IPv4."""
    (src_ip, src_port), (dst_ip, dst_port) = CAPTURE_SRC, CAPTURE_DST
    udp = struct.pack("!HHHH", src_port, dst_port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack("!H", ipv4_checksum(ip)) + ip[12:]
    ethernet = bytes(6) + bytes(6) + struct.pack("!H", 0x0800)
    return ethernet + ip + udp


def write_pcmu_tone_pcap(path: Path, hz: float, seconds: float, amplitude: float = 0.3) -> Path:
    """`seconds` of a `hz` sine as 20 ms PCMU RTP packets, timestamped 20 ms apart."""
    audio = mulaw_encode(sine(hz, seconds, PCMU_RATE, amplitude))
    ssrc = 0x5EED1000
    records = []
    for index, start in enumerate(range(0, len(audio), SAMPLES_PER_PACKET)):
        marker = 0x80 if index == 0 else 0x00
        rtp = struct.pack("!BBHII", 0x80, marker, index, index * SAMPLES_PER_PACKET, ssrc)
        frame = udp_frame(rtp + audio[start : start + SAMPLES_PER_PACKET])
        seconds, micros = divmod(index * PACKET_MICROSECONDS, 1_000_000)
        header = struct.pack("<IIII", seconds, micros, len(frame), len(frame))
        records.append(header + frame)
    global_header = struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET)
    path.write_bytes(global_header + b"".join(records))
    return path
