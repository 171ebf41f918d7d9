"""The `softphone` command: `softphone call TARGET`, `softphone password NAME`, and more."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from softphone import desktop
from softphone.audio import SILENCE_DBFS, AudioDeviceError, list_devices, mic_test
from softphone.config import ConfigError, load_config
from softphone.credentials import (
    TURN_CREDENTIAL,
    CredentialError,
    delete_password,
    set_password,
)
from softphone.headless import EXIT_BAD_INPUT, EXIT_CALL_FAILED, CallFailed, CallOptions, CallRun
from softphone.media.wav import WavError
from softphone.numbers import DialError

SUBCOMMANDS = ("call", "listen", "devices", "mictest", "install-desktop", "uninstall-desktop",
               "password")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="softphone",
        description="Call phone numbers through your SIP provider.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    call = commands.add_parser("call", help="place one call from the command line",
                               description="Place one call and report what happens.")
    call.add_argument("target", metavar="TARGET",
                      help="a phone number in any format, a sip:/tel:/callto: address, or "
                      "'echo' for the built-in echo test")
    _add_call_options(call)

    listen = commands.add_parser("listen", help="wait for one incoming call and answer it",
                                 description="Register, wait for a call, answer or decline it.")
    listen.add_argument("--wait", type=float, metavar="SECONDS",
                        help="give up if no call comes in this long (default: wait forever)")
    listen.add_argument("--reject", type=int, choices=(486, 603), metavar="CODE",
                        help="decline the call: 486 (busy) or 603 (declined)")
    _add_call_options(listen)

    commands.add_parser("devices", help="list microphones and speakers",
                        description="List the sound devices Softphone can use.")

    mictest = commands.add_parser("mictest", help="record 3 s from the microphone, play it back",
                                  description="Say something, then hear how you sound.")
    mictest.add_argument("--input-device", type=_device, metavar="NAME|INDEX")
    mictest.add_argument("--output-device", type=_device, metavar="NAME|INDEX")

    install = commands.add_parser(
        "install-desktop", help="add Softphone to the menu and make it open tel:/sip: links",
        description="Install the desktop entry and icons for this user, and register Softphone "
        "as the handler of tel:, sip: and callto: links.")
    install.add_argument("--autostart", action="store_true", help="also start it at login")
    commands.add_parser("uninstall-desktop", help="remove what install-desktop added")

    password = commands.add_parser("password", help="store an account's password in the keyring")
    password.add_argument("account", metavar="ACCOUNT", nargs="?")
    password.add_argument("--turn", action="store_true",
                          help="the TURN relay's password ([network] turn_server) instead")
    password.add_argument("--delete", action="store_true", help="remove it instead")
    assert set(commands.choices) == set(SUBCOMMANDS), "SUBCOMMANDS lists every subcommand"
    return parser


def _add_call_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--config", type=Path,
                         help="config file (default: the user config dir)")
    command.add_argument("--account", help="which configured account to use")
    command.add_argument("--duration", type=float, metavar="SECONDS",
                         help="hang up after this many seconds of talk")
    command.add_argument("--play", type=Path, metavar="WAV", help="send this WAV file's audio")
    command.add_argument("--record", type=Path, metavar="WAV", help="record what you hear")
    command.add_argument("--json", action="store_true", help="print events as JSON lines")
    command.add_argument("--log", type=Path, metavar="FILE",
                         help="write the SIP engine's log here")
    command.add_argument("--input-device", type=_device, metavar="NAME|INDEX",
                         help="microphone to use (default: [audio] input_device or the "
                         "system default)")
    command.add_argument("--output-device", type=_device, metavar="NAME|INDEX",
                         help="speaker to use (default: [audio] output_device or the "
                         "system default)")
    command.add_argument("--dtmf", metavar="DIGITS",
                         help="press these keys a second after the call is answered "
                         "(0-9 * # A-D)")
    command.add_argument("--hold-after", type=float, metavar="SECONDS",
                         help="put the call on hold after this many seconds of talk")
    command.add_argument("--resume-after", type=float, metavar="SECONDS",
                         help="take the call off hold after this many seconds of talk")
    command.add_argument("--simulate-loss", type=int, default=0, metavar="PERCENT",
                         choices=range(101),
                         help="drop this %% of audio packets each way, to hear what loss does")
    command.add_argument("--history", action="store_true",
                         help="record the call in the call history, as the app does")
    command.add_argument("--rtp-timeout", type=float, metavar="SECONDS",
                         help="end the call when no audio arrives for this long "
                         "(default: [calls] rtp_timeout, 30)")


def _app(argv: list[str]) -> int:
    """The desktop app; without a display Qt would abort with a misleading message, so say
    what is wrong and what works instead."""
    if sys.platform.startswith("linux") and not any(
            os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        print("softphone: no graphical display was found (DISPLAY is not set). From a terminal, "
              "use `softphone call NUMBER`; `softphone --help` lists the commands.",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    from softphone.ui.app import run  # Qt loads only for the app, never for the CLI

    return run(argv)


def _device(text: str) -> int | str:
    """A device index as typed (`3`) or any part of its name (`USB Headset`)."""
    return int(text) if text.isdigit() else text


def main(argv: list[str] | None = None) -> int:
    """`softphone` alone, with --config, or with a tel:/sip:/callto: link opens the app;
    a subcommand runs on the command line."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv or argv[0] not in (*SUBCOMMANDS, "-h", "--help"):
        return _app(argv)
    args = parser.parse_args(argv)
    try:
        if args.command in ("call", "listen"):
            return _call(args)
        if args.command == "password":
            return _password(args)
        if args.command == "devices":
            return _devices()
        if args.command == "mictest":
            return _mictest(args)
        if args.command in ("install-desktop", "uninstall-desktop"):
            return _desktop(args)
    except (ConfigError, CredentialError, DialError, WavError, AudioDeviceError) as err:
        print(f"softphone: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CallFailed as err:
        print(f"softphone: {err}", file=sys.stderr)
        return EXIT_CALL_FAILED
    except KeyboardInterrupt:
        return 130
    return 0


def _call(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    listening = args.command == "listen"
    options = CallOptions(
        target=None if listening else args.target, account=args.account,
        wait=args.wait if listening else None, reject_code=args.reject if listening else None,
        duration=args.duration, play=args.play, record=args.record, json=args.json,
        log_file=args.log, rtp_timeout=args.rtp_timeout, dtmf=args.dtmf,
        input_device=args.input_device, output_device=args.output_device,
        hold_after=args.hold_after, resume_after=args.resume_after,
        simulate_loss=args.simulate_loss, history=args.history,
    )
    return CallRun(config, options).run()


def _devices() -> int:
    devices = list_devices()
    if not devices:
        print("No sound devices found.")
        return 0
    for direction, title in (("input", "Microphones"), ("output", "Speakers")):
        print(f"{title}:")
        for device in devices:
            if device.channels(direction):
                mark = "  (system default)" if device.is_default(direction) else ""
                print(f"  {device.index:3d}  {device.name} [{device.hostapi}]{mark}")
    return 0


def _mictest(args: argparse.Namespace) -> int:
    phases = {"recording": "Speak now (3 s)…", "playing": "Playing it back…"}
    result = mic_test(args.input_device, args.output_device,
                      on_phase=lambda phase: print(phases.get(phase, phase), flush=True))
    if result.peak_dbfs <= SILENCE_DBFS:
        print("Nothing was heard: is the microphone muted or the wrong one? "
              "See `softphone devices`.")
        return 1
    print(f"Your level: {result.level_dbfs:.0f} dBFS (peak {result.peak_dbfs:.0f} dBFS).")
    return 0


def _desktop(args: argparse.Namespace) -> int:
    if args.command == "install-desktop":
        report = desktop.install(autostart=args.autostart)
        print(f"Installed {desktop.entry_path()} and {len(report.written) - 1} other files; "
              "Softphone now opens tel:, sip: and callto: links.")
    else:
        report = desktop.uninstall()
        print(f"Removed {len(report.removed)} files.")
    for warning in report.warnings:
        print(f"Note: {warning}", file=sys.stderr)
    return 0


def _password(args: argparse.Namespace) -> int:
    if args.turn == bool(args.account):
        print("softphone password: give an account name, or --turn for the TURN relay",
              file=sys.stderr)
        return 2
    name, whose = ((TURN_CREDENTIAL, "the TURN relay") if args.turn
                   else (args.account, f"'{args.account}'"))
    if args.delete:
        delete_password(name)
        print(f"Password for {whose} removed from the keyring.")
        return 0
    secret = getpass.getpass(f"Password for {whose}: ")
    set_password(name, secret)
    print(f"Password for {whose} stored in the keyring.")
    return 0
