#!/usr/bin/env bash
# One command to set up and start Softphone: the desktop app, or on a machine with no display
# the built-in echo test call from the command line. Arguments are passed to `softphone`
# (e.g. `call +12025550143`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ $# -eq 0 ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "No display here: making the echo test call from the command line instead." >&2
    set -- call echo --duration 5
fi
exec .venv/bin/softphone "$@"
