"""Counts Python's thread states while a Phone makes calls to the echo line, one after another:
idle, during each call (pjmedia's clock thread holds one, engine/thread_state.py) and after
each call once the clock has stopped. Prints one JSON object. pjsua allows one endpoint per
process, hence a script for a subprocess.

    python -m tests.integration.clock_thread_states CALLS
"""

from __future__ import annotations

import ctypes
import json
import sys
import time

from softphone.config import Config
from softphone.engine.engine import CLOCK_IDLE_SECONDS
from softphone.phone import Phone

CALL_SECONDS = 2.0

_api = ctypes.pythonapi
_api.PyInterpreterState_Get.restype = ctypes.c_void_p
_api.PyInterpreterState_ThreadHead.restype = ctypes.c_void_p
_api.PyInterpreterState_ThreadHead.argtypes = (ctypes.c_void_p,)
_api.PyThreadState_Next.restype = ctypes.c_void_p
_api.PyThreadState_Next.argtypes = (ctypes.c_void_p,)


def thread_states() -> int:
    count, state = 0, _api.PyInterpreterState_ThreadHead(_api.PyInterpreterState_Get())
    while state:
        count += 1
        state = _api.PyThreadState_Next(state)
    return count


def main(calls: int) -> int:
    phone = Phone(Config(), lambda event: None)
    phone.start()
    counts = {"idle": thread_states(), "during": [], "after": []}
    try:
        for _ in range(calls):
            call = phone.dial_echo_test()
            time.sleep(CALL_SECONDS)
            counts["during"].append(thread_states())
            phone.hangup(call)
            time.sleep(CLOCK_IDLE_SECONDS + 1.0)
            counts["after"].append(thread_states())
    finally:
        phone.shutdown()
    print(json.dumps(counts), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
