"""How Softphone starts its helper processes: the PortAudio host (audio/host_process.py) and
the echo test line's far end (echo_service.py).

Under Python each is `python -m MODULE`. A frozen build (PyInstaller, see packaging/) has no
`python -m`: its executable is softphone/__main__.py, which takes `--run-module MODULE ARGS...`
as its first arguments to mean exactly that, for these modules only.
"""

from __future__ import annotations

import runpy
import sys

RUN_MODULE = "--run-module"
HELPER_MODULES = ("softphone.audio.host_process", "softphone.echo_service")


def helper_command(module: str) -> list[str]:
    """The command that runs `module` as a program, from Python or from a frozen build. A module
    missing from HELPER_MODULES is refused here too, not only by the frozen build's switch."""
    if module not in HELPER_MODULES:
        raise ValueError(f"{module} is not one of the helper processes {HELPER_MODULES}")
    if getattr(sys, "frozen", False):
        return [sys.executable, RUN_MODULE, module]
    return [sys.executable, "-m", module]


def run_helper(argv: list[str]) -> int:
    """`--run-module MODULE ARGS...`: run MODULE as `__main__` with ARGS, as `python -m` would."""
    if not argv or argv[0] not in HELPER_MODULES:
        print(f"softphone: {RUN_MODULE} runs one of: {', '.join(HELPER_MODULES)}",
              file=sys.stderr)
        return 2
    sys.argv = list(argv)
    runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
    return 0
