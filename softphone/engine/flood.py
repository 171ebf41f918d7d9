"""A brake on floods of calls, which would otherwise abort the whole process.

pjsua opens two media sockets (RTP and RTCP) for every INVITE before the application sees it,
and closes them when the call ends. The pjsua2 wheel's select() ioqueue holds at most 64
sockets and keeps a closed one for 500 ms before its slot is free again; when no slot is free,
pjlib's assertion aborts the process. A stranger sending 100 INVITEs a second did exactly that.
So once calls start faster than their sockets come back, the engine stops reading the network
for the rest of that half second: the kernel queues (or drops) the excess, SIP retransmits what
matters, and the phone lives on.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

# pjlib's PJ_IOQUEUE_KEY_FREE_DELAY (500 ms), and a margin.
WINDOW_SECONDS = 0.6
# 40 sockets closing at most, leaving room for the calls in progress (4 at most, 2 each) and
# what else shares the ioqueue, within its 64.
MAX_CALLS_PER_WINDOW = 20


class FloodBrake:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._starts: deque[float] = deque(maxlen=MAX_CALLS_PER_WINDOW)

    def call_started(self) -> None:
        self._starts.append(self._clock())

    def pause(self) -> float:
        """Seconds to stay off the network before reading it again (0.0: no need)."""
        if len(self._starts) < MAX_CALLS_PER_WINDOW:
            return 0.0
        return max(self._starts[0] + WINDOW_SECONDS - self._clock(), 0.0)
