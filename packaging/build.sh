#!/usr/bin/env bash
# Builds dist/softphone/: Softphone as one folder that runs without Python (see README.md here).
# Builds in its own venv, build/venv (kept for the next build; `rm -rf build` starts afresh),
# holding only Softphone's dependencies and the [package] extra (PyInstaller), so nothing from
# a development venv ends up in the folder. Prints the folder's size and file count.
# PYTHON picks the interpreter (default python3; 3.11 or 3.12 with its shared libpython, which
# PyInstaller bundles: Debian's libpython3.11). Extra arguments go to PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' ||
    { echo "build: $python is not Python 3.11 or 3.12 (the pjsua2 wheel stops at 3.12)" >&2; exit 1; }
[ -x build/venv/bin/python ] || "$python" -m venv build/venv
build/venv/bin/python -m pip install -q '.[package]'

started=$(date +%s)
build/venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller "$@" packaging/softphone.spec
seconds=$(( $(date +%s) - started ))

echo "dist/softphone: $(du -sh dist/softphone | cut -f1)," \
     "$(find dist/softphone -type f | wc -l) files, built in ${seconds} s;" \
     "run dist/softphone/softphone (it needs libportaudio2: see packaging/README.md)"
