"""One Python thread state kept for pjmedia's clock thread while a call's clock runs.

SWIG's director callbacks take the GIL with PyGILState_Ensure and give it back with
PyGILState_Release. On a thread Python did not start, the release that brings the thread's
count back to zero frees the thread state the ensure made, so every 20 ms frame made a new
one, with a new frame stack mmap'd and faulted in: about a fifth of the clock thread's CPU in
a call (perf: `_PyThreadState_BumpFramePointerSlow`, `__mmap`, page faults). Holding one extra
ensure from inside the first callback keeps the count above zero, so the state lives from frame
to frame, and SWIG's own release still gives the GIL back each time.

pjsua makes the clock thread anew each time the engine starts the clock for a call
(`setNullDev`), and `setNoDev` joins it. No callback comes once the last call has left the
bridge, so the thread cannot give its state up itself; a state whose thread has ended is never
freed by Python either. So once the clock has stopped, the engine hands the state back
(`forget_ended`): cleared and deleted from the engine thread, as Python does at exit, and only
when the thread is really gone (Linux lists a process's threads in /proc/self/task).
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

TASKS = Path("/proc/self/task")
CLOCK_THREAD_NAME = "clock"

_api = ctypes.pythonapi
_api.PyGILState_Ensure.restype = ctypes.c_int
_api.PyThreadState_Get.restype = ctypes.c_void_p
_api.PyThreadState_Clear.argtypes = (ctypes.c_void_p,)
_api.PyThreadState_Delete.argtypes = (ctypes.c_void_p,)


class ClockThreadState:
    """`hold` from every frame callback; `forget_ended` (the engine thread) once the clock
    has stopped."""

    def __init__(self) -> None:
        self._state: int | None = None  # the held PyThreadState*
        self._thread: int | None = None  # its thread's native id
        self._passed_over: set[int] = set()  # threads that are not pjmedia's clock

    def hold(self) -> None:
        """Inside a callback (the GIL is ours): on the clock thread, the first time, one more
        ensure than SWIG's, never released. A thread Python started has a state of its own
        that Python frees when it ends, so only pjmedia's clock (by its name) is held."""
        if self._state is not None:
            return
        thread = threading.get_native_id()
        if thread in self._passed_over:
            return
        if not _is_clock(thread):
            self._passed_over.add(thread)
            return
        _api.PyGILState_Ensure()
        self._state = _api.PyThreadState_Get()
        self._thread = thread

    def forget_ended(self) -> None:
        """After the clock stopped (its thread joined): free the state it held. Were the
        thread somehow still there, its state is only let go of (it would be used again)."""
        state, thread = self._state, self._thread
        self._state = self._thread = None
        if state is not None and not (TASKS / str(thread)).exists():
            _api.PyThreadState_Clear(state)
            _api.PyThreadState_Delete(state)


def _is_clock(thread: int) -> bool:
    """pjmedia names its clock thread "clock"; elsewhere than Linux nothing is held."""
    try:
        return (TASKS / str(thread) / "comm").read_text().strip() == CLOCK_THREAD_NAME
    except OSError:
        return False
