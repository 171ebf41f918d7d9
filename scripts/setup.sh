#!/usr/bin/env bash
# Sets up Softphone in .venv on Debian/Ubuntu: the Debian packages it needs, then the Python
# package. Run as root or with sudo available. Extra Debian packages can be passed as arguments
# (the test script passes the real peers the tests talk to).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# PortAudio for the microphone and speaker; the X11/xcb libraries Qt's window needs.
packages=(python3 python3-venv python3-pip libportaudio2
          libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
          libxcb-randr0 libxcb-render-util0 libxcb-xkb1 libx11-xcb1 libegl1 libgl1
          libfontconfig1 libdbus-1-3 libglib2.0-0 "$@")
missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=""
for candidate in python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
        "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))'; then
        python=$candidate
        break
    fi
done
[ -n "$python" ] || { echo "setup: Python 3.11 or 3.12 is needed (the pjsua2 wheel stops at 3.12)" >&2; exit 1; }

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
