"""`python -m softphone`, and the entry script of the frozen build (packaging/softphone.spec).

The hidden first argument `--run-module` starts a helper process instead of the app (see
helper_processes.py); it is checked before the CLI is imported, so a helper starts light.
"""

import sys

from softphone.helper_processes import RUN_MODULE, run_helper


def _run() -> int:
    if sys.argv[1:2] == [RUN_MODULE]:
        return run_helper(sys.argv[2:])
    from softphone.cli import main

    return main()


sys.exit(_run())
