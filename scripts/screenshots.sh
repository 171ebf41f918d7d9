#!/usr/bin/env bash
# Screenshots of the desktop app on a real (virtual) X desktop with a tray host: the main window,
# the tray menu with its favourites (and the missed-call badge on the icon), the History tab, the
# in-call screen of a "Test call" to the built-in echo line, and the popup of a call coming in
# during it (a SIPp caller), Settings with its Audio page testing the speaker on a JACK dummy
# sound server (a metronome is the microphone). The app runs with contacts and a history of the
# script's own. Needs: xvfb trayer imagemagick xdotool dbus-x11 sip-tester jackd2 (Debian).
# Writes docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] ||
    bash scripts/setup.sh xvfb trayer imagemagick xdotool dbus-x11 x11-utils sip-tester jackd2
OUT=docs/screenshots
mkdir -p "$OUT"

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
export XDG_DATA_HOME="$work/data"   # contacts and history: these, not the user's
# The trunk needs no password: no keyring is asked (an unlock prompt would wait for a person).
export PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring

free_port() {
    .venv/bin/python -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
sip_port=$(free_port)

# A trunk authorised by address (no registration, so no provider is needed): SIPp can call it.
cat >"$work/config.toml" <<EOF
[[account]]
name = "office"
username = "1001"
domain = "127.0.0.1"
register = false
default_country = "US"

[network]
sip_port = $sip_port

[audio]
input_device = "beeper"
EOF

.venv/bin/python - <<'EOF'
from datetime import UTC, datetime, timedelta

from softphone.contacts import Contact, ContactNumber, ContactStore
from softphone.events import Direction
from softphone.history import HistoryStore, Outcome

IN, OUT = Direction.INCOMING, Direction.OUTGOING
CALLS = ((95, OUT, "+12025550143", Outcome.ANSWERED, 125),
         (70, OUT, "+12025550111", Outcome.BUSY, 0),
         (40, IN, "+12025550199", Outcome.MISSED, 0),
         (12, IN, "+442079460958", Outcome.MISSED, 0))

now = datetime.now(UTC)
with ContactStore.open(None, "US") as book, HistoryStore.open() as history:
    book.add(Contact("Ada Lovelace", (ContactNumber("+44 20 7946 0958", "mobile"),
                                      ContactNumber("(202) 555-0143", "work")), favourite=True))
    book.add(Contact("Grace Hopper", (ContactNumber("(202) 555-0111", "work"),), favourite=True))
    book.add(Contact("Alan Turing", (ContactNumber("+44 161 496 0321", "home"),)))
    for minutes, direction, number, outcome, talked in CALLS:
        started = now - timedelta(minutes=minutes)
        row = history.start(direction=direction, account="office",
                            remote_uri=f"sip:{number}@127.0.0.1", remote_name="", number=number,
                            contact=book.lookup_name(number), started_at=started)
        if talked:
            history.answered(row, started + timedelta(seconds=3))
        history.finish(row, ended_at=started + timedelta(seconds=3 + talked), outcome=outcome,
                       duration=talked, sip_code=200, sip_reason="OK", message="")
EOF

# A sound server of our own: its dummy driver's "system" device is the speaker and the
# microphone, and a metronome beeps as a second microphone.
export JACK_DEFAULT_SERVER="softphone-shots-$$" JACK_NO_AUDIO_RESERVATION=1
jackd -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 480 >"$work/jackd.log" 2>&1 &
pids+=($!)
jack_wait -w -t 10 >/dev/null
jack_metro -n beeper -f 660 -b 150 -D 200 >/dev/null 2>&1 &
pids+=($!)

# The first free display number (another X server may hold :99); Xvfb writes it once ready.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -s "$work/display" ]] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"
trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
    --transparent false --tint 0x303030 >"$work/trayer.log" 2>&1 &
pids+=($!)
sleep 1

.venv/bin/python -c 'import sys; from softphone.ui.app import run; sys.exit(run(sys.argv[1:]))' \
    --config "$work/config.toml" >"$work/app.log" 2>&1 &
app=$!
pids+=($app)

find_window() {  # find_window TITLE: the id of the visible window with that exact title
    local found=""
    for _ in $(seq 100); do
        found=$(xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -1) && \
            [[ -n "$found" ]] && break
        sleep 0.1
    done
    [[ -n "$found" ]] || { cat "$work/app.log"; echo "no window '$1' appeared" >&2; exit 1; }
    echo "$found"
}

window=$(find_window Softphone)
xdotool windowmove "$window" 80 60
sleep 1
import -window root "$OUT/main-window.png"

# trayer's panel (WM_CLASS "panel") holds our icon at its right end. Down selects the menu's
# first entry, Favourites; Right opens its submenu.
read -r tray_x tray_y < <(xdotool search --classname '^panel$' getwindowgeometry --shell |
    awk -F= '/^X=/{x=$2} /^Y=/{y=$2} /^WIDTH=/{w=$2} /^HEIGHT=/{h=$2} END{print x+w-12, y+h/2}')
xdotool mousemove "$tray_x" "$tray_y" sleep 0.3 click 3
sleep 0.7
xdotool key Down sleep 0.2 key Right
sleep 1
import -window root "$OUT/tray-menu.png"
xdotool key Escape key Escape

# The History tab: seeing it clears the badge. Tabs sit at the window's top left.
xdotool mousemove $((80 + 172)) $((60 + 13)) click 1
sleep 1
import -window "$window" "$OUT/history.png"
xdotool mousemove $((80 + 30)) $((60 + 13)) click 1
sleep 0.5

# Settings (Ctrl+,) on its Accounts page, then closed again.
xdotool windowfocus --sync "$window" key ctrl+comma
settings=$(find_window Settings)
sleep 1
import -window "$settings" "$OUT/settings.png"
# Its Network page, three tabs on (Ctrl+Tab walks them).
xdotool windowfocus --sync "$settings" key ctrl+Tab sleep 0.3 key ctrl+Tab sleep 0.3 key ctrl+Tab
sleep 1
import -window "$settings" "$OUT/settings-network.png"
# Back to the Audio page; its speaker's Test chimes, and the meter under it shows the chime.
xdotool key ctrl+shift+Tab
sleep 2   # the devices are listed by a PortAudio process of their own
xdotool mousemove --window "$settings" 520 100 click 1
sleep 0.4
import -window "$settings" "$OUT/settings-audio.png"
xdotool windowfocus --sync "$settings" key Escape
sleep 0.5

xdotool windowfocus --sync "$window" key alt+t   # the "Test call" button
sleep 4
import -window root "$OUT/in-call.png"

# Grace Hopper calls the office line during the echo test call.
sipp -sf tests/peers/sipp/uac_call.xml -s 1001 -key caller +12025550111 \
    -key sdp_media_port "$(free_port)" -i 127.0.0.1 -p "$(free_port)" -m 1 -nostdin \
    "127.0.0.1:$sip_port" >"$work/sipp.log" 2>&1 &
pids+=($!)
popup=$(find_window 'Incoming call')
xdotool windowmove "$popup" 600 300   # a window manager would place it; Xvfb has none
sleep 1
import -window root "$OUT/incoming-call.png"

kill "$app"
wait "$app" || true
echo "screenshots in $OUT:"; ls "$OUT"
