#!/usr/bin/env bash
# One command to set up and start Softphone. With no arguments it makes the built-in echo test
# call; any arguments are passed to the `softphone` command (e.g. `call +12025550143`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ $# -eq 0 ]; then
    set -- call echo --duration 5
fi
exec .venv/bin/softphone "$@"
