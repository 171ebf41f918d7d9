"""The `softphone` command: `softphone call TARGET`, `softphone password NAME`, and more."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from softphone.config import ConfigError, load_config
from softphone.credentials import CredentialError, delete_password, set_password
from softphone.headless import EXIT_BAD_INPUT, EXIT_CALL_FAILED, CallFailed, CallOptions, CallRun
from softphone.media.wav import WavError
from softphone.numbers import DialError


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
    call.add_argument("--config", type=Path, help="config file (default: the user config dir)")
    call.add_argument("--account", help="which configured account to call from")
    call.add_argument("--duration", type=float, metavar="SECONDS",
                      help="hang up after this many seconds of talk")
    call.add_argument("--play", type=Path, metavar="WAV", help="send this WAV file's audio")
    call.add_argument("--record", type=Path, metavar="WAV", help="record what you hear")
    call.add_argument("--json", action="store_true", help="print events as JSON lines")
    call.add_argument("--log", type=Path, metavar="FILE", help="write the SIP engine's log here")
    call.add_argument("--rtp-timeout", type=float, default=30.0, metavar="SECONDS",
                      help="end the call when no audio arrives for this long (default 30)")

    password = commands.add_parser("password", help="store an account's password in the keyring")
    password.add_argument("account", metavar="ACCOUNT")
    password.add_argument("--delete", action="store_true", help="remove it instead")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "call":
            return _call(args)
        if args.command == "password":
            return _password(args)
    except (ConfigError, CredentialError, DialError, WavError) as err:
        print(f"softphone: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CallFailed as err:
        print(f"softphone: {err}", file=sys.stderr)
        return EXIT_CALL_FAILED
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return 0


def _call(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    options = CallOptions(
        target=args.target, account=args.account, duration=args.duration, play=args.play,
        record=args.record, json=args.json, log_file=args.log, rtp_timeout=args.rtp_timeout,
    )
    return CallRun(config, options).run()


def _password(args: argparse.Namespace) -> int:
    if args.delete:
        delete_password(args.account)
        print(f"Password for '{args.account}' removed from the keyring.")
        return 0
    secret = getpass.getpass(f"Password for account '{args.account}': ")
    set_password(args.account, secret)
    print(f"Password for '{args.account}' stored in the keyring.")
    return 0
