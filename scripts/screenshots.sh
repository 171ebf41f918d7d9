#!/usr/bin/env bash
# Screenshots of the desktop app on a real (virtual) X desktop with a tray host:
# the main window, the in-call screen of a "Test call" to the built-in echo line, the tray menu.
# Needs: xvfb trayer imagemagick xdotool dbus-x11 (Debian). Writes docs/screenshots/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] ||
    bash scripts/setup.sh xvfb trayer imagemagick xdotool dbus-x11 x11-utils
OUT=docs/screenshots
mkdir -p "$OUT"
export DISPLAY=:99

if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
    exec dbus-run-session -- bash "$0" "$@"
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
    --transparent false --tint 0x303030 >"$work/trayer.log" 2>&1 &
pids+=($!)
sleep 1

: >"$work/config.toml"   # no account: the built-in echo line is all there is
.venv/bin/python -c 'import sys; from softphone.ui.app import run; sys.exit(run(sys.argv[1:]))' \
    --config "$work/config.toml" >"$work/app.log" 2>&1 &
app=$!
pids+=($app)

window=""
for _ in $(seq 100); do
    window=$(xdotool search --onlyvisible --name '^Softphone$' 2>/dev/null | head -1) && \
        [[ -n "$window" ]] && break
    sleep 0.1
done
[[ -n "$window" ]] || { cat "$work/app.log"; echo "the window never appeared" >&2; exit 1; }
xdotool windowmove "$window" 80 60
sleep 1
import -window root "$OUT/main-window.png"

xdotool windowfocus --sync "$window" key alt+t   # the "Test call" button
sleep 4
import -window root "$OUT/in-call.png"

# trayer's panel (WM_CLASS "panel") holds our icon at its right end.
read -r tray_x tray_y < <(xdotool search --classname '^panel$' getwindowgeometry --shell |
    awk -F= '/^X=/{x=$2} /^Y=/{y=$2} /^WIDTH=/{w=$2} /^HEIGHT=/{h=$2} END{print x+w-12, y+h/2}')
xdotool mousemove "$tray_x" "$tray_y" sleep 0.3 click 3
sleep 1
import -window root "$OUT/tray-menu.png"
xdotool key Escape

kill "$app"
wait "$app" || true
echo "screenshots in $OUT:"; ls "$OUT"
