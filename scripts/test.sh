#!/usr/bin/env bash
# One command to set up and run every test, including the ones against real peers
# (Kamailio as the provider, SIPp and baresip as far ends), all on 127.0.0.1 or in network
# namespaces the tests make (iproute2, nftables: the NAT tests need root; coturn is the TURN
# relay one of them uses; Xvfb and xdotool show the real app on an X display of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh kamailio kamailio-tls-modules sip-tester baresip-core sox espeak-ng \
    jackd2 libspeexdsp1 desktop-file-utils xdg-utils gnome-keyring dbus libglib2.0-bin \
    iproute2 nftables coturn xvfb xdotool
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
