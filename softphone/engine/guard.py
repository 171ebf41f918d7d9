"""Keeps Python exceptions from crossing back into pjsip.

A Python exception escaping a SWIG director callback becomes a C++ exception inside pjsip's C
code, which aborts the whole process. Every callback we implement goes through `guarded`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger("softphone.engine")

F = TypeVar("F", bound=Callable[..., Any])


def guarded(method: F) -> F:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception:
            log.exception("error in pjsua2 callback %s", method.__qualname__)
            return None

    return wrapper  # type: ignore[return-value]
