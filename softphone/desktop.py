"""Installing Softphone into the user's desktop: a menu entry that also handles tel:, sip: and
callto: links, its icons, and optionally starting at login. Everything goes into the user's XDG
folders (no root), and `uninstall` takes exactly that back out.

The freedesktop standards do the work: the desktop entry's MimeType line declares the URL
schemes, `xdg-mime default` makes us their handler, `update-desktop-database` refreshes the
cache menus read. Those tools are optional: without them the files are still right, and the
command says what it could not do.

The handlers we replaced (another softphone the user had) are remembered in our own entry
(`X-Softphone-Replaced`), so uninstalling gives each link scheme back to its previous handler
rather than to none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from softphone.resources import resource_path

DESKTOP_ID = "softphone.desktop"
SCHEMES = ("tel", "sip", "callto")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
REPLACED_KEY = "X-Softphone-Replaced"
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")  # the Desktop Entry spec's, for Exec


@dataclass
class DesktopReport:
    """What was written or removed, and what could not be done (for the user to read)."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def entry_path() -> Path:
    return data_home() / "applications" / DESKTOP_ID


def autostart_path() -> Path:
    return config_home() / "autostart" / DESKTOP_ID


def icon_paths() -> dict[Path, Path]:
    """Installed icon -> the file it is copied from."""
    icons = data_home() / "icons" / "hicolor"
    paths = {icons / "scalable" / "apps" / "softphone.svg": resource_path("softphone.svg")}
    for size in ICON_SIZES:
        target = icons / f"{size}x{size}" / "apps" / "softphone.png"
        paths[target] = resource_path(f"icons/softphone-{size}.png")
    return paths


def softphone_command() -> str:
    """The Exec command: the absolute path of the `softphone` launcher this Python runs, or of
    the frozen build's executable, so the entry works from a browser whatever its PATH is."""
    if getattr(sys, "frozen", False):
        return exec_argument(sys.executable)
    beside = Path(sys.executable).parent / "softphone"
    found = beside if beside.is_file() else shutil.which("softphone")
    if found is None:
        return " ".join(exec_argument(part) for part in (sys.executable, "-m", "softphone"))
    path = Path(found).resolve() if Path(found).is_symlink() else Path(found).absolute()
    return exec_argument(str(path))


def exec_argument(argument: str) -> str:
    """One argument of an Exec line as the Desktop Entry spec wants it: `%` doubled, and quoted
    if it has a reserved character (an unpacked build may live in "~/My Apps"). Inside quotes
    `"`, `` ` ``, `$` and `\\` take a backslash, and every backslash is then doubled again by
    the file's own string escaping."""
    argument = argument.replace("%", "%%")
    if not _EXEC_RESERVED.intersection(argument):
        return argument
    quoted = "".join(f"\\{char}" if char in '"`$\\' else char for char in argument)
    return '"' + quoted.replace("\\", "\\\\") + '"'


def desktop_entry(command: str, handles_links: bool = True,
                  replaced: dict[str, str] | None = None) -> str:
    """The menu entry (which also opens tel:/sip:/callto: links), or with `handles_links`
    off the autostart entry (started at login, opening no link). `replaced`: the handler each
    scheme had before us, to give back on uninstall."""
    mime = "".join(f"x-scheme-handler/{scheme};" for scheme in SCHEMES)
    links = f" %u\nMimeType={mime}" if handles_links else "\nX-GNOME-Autostart-enabled=true"
    if replaced:
        links += f"\n{REPLACED_KEY}=" + "".join(f"{scheme}:{handler};"
                                                for scheme, handler in replaced.items())
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.0\n"
        "Name=Softphone\n"
        "GenericName=Internet Phone\n"
        "Comment=Call phone numbers through your SIP provider\n"
        f"Exec={command}{links}\n"
        "Icon=softphone\n"
        "Terminal=false\n"
        "Categories=Network;Telephony;\n"
        "Keywords=phone;call;SIP;VoIP;dial;\n"
        "StartupNotify=true\n"
    )


def install(autostart: bool = False) -> DesktopReport:
    report = DesktopReport()
    command = softphone_command()
    _write(entry_path(), desktop_entry(command, replaced=_handlers_to_replace()), report)
    for target, source in icon_paths().items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        report.written.append(target)
    if autostart:
        _write(autostart_path(), desktop_entry(command, handles_links=False), report)
    for scheme in SCHEMES:
        _run(["xdg-mime", "default", DESKTOP_ID, f"x-scheme-handler/{scheme}"], report)
    _run(["update-desktop-database", str(entry_path().parent)], report)
    return report


def uninstall() -> DesktopReport:
    report = DesktopReport()
    replaced = _replaced_handlers()
    for path in (entry_path(), autostart_path(), *icon_paths()):
        if path.exists():
            path.unlink()
            report.removed.append(path)
    _forget_default_handler(report)
    for scheme, handler in replaced.items():
        if _installed(handler):
            _run(["xdg-mime", "default", handler, f"x-scheme-handler/{scheme}"], report)
    _run(["update-desktop-database", str(entry_path().parent)], report)
    return report


def set_autostart(on: bool) -> DesktopReport:
    """Start at login (the Settings switch): only the autostart entry is written or removed;
    the menu entry and link handling are `install`'s."""
    report = DesktopReport()
    path = autostart_path()
    if on:
        _write(path, desktop_entry(softphone_command(), handles_links=False), report)
    elif path.exists():
        path.unlink()
        report.removed.append(path)
    return report


def _write(path: Path, text: str, report: DesktopReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    report.written.append(path)


def _run(command: list[str], report: DesktopReport) -> None:
    if shutil.which(command[0]) is None:
        report.warnings.append(f"{command[0]} is not installed, so that step was skipped "
                               f"(Debian: xdg-utils / desktop-file-utils).")
        return
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        report.warnings.append(f"{' '.join(command)} failed: {result.stderr.strip()}")


def _forget_default_handler(report: DesktopReport) -> None:
    """xdg-mime cannot unset a default; take our entry out of mimeapps.list ourselves, leaving
    any other application listed for the scheme."""
    mimeapps = config_home() / "mimeapps.list"
    if not mimeapps.exists():
        return
    lines = mimeapps.read_text().splitlines(keepends=True)
    kept = [line for line in map(_without_us, lines) if line]
    if kept != lines:
        mimeapps.write_text("".join(kept))
        report.removed.append(mimeapps)


def _without_us(line: str) -> str:
    """A mimeapps.list line without our entry: "" when we were all it listed."""
    key, equals, value = line.partition("=")
    if not (key.startswith("x-scheme-handler/") and equals):
        return line
    others = [handler for handler in value.strip().split(";") if handler and handler != DESKTOP_ID]
    return f"{key}={';'.join(others)};\n" if others else ""


def _handlers_to_replace() -> dict[str, str]:
    """Each scheme's handler now, unless it is us (installing again): then what our entry
    already remembers."""
    replaced = _replaced_handlers()
    if shutil.which("xdg-mime") is None:
        return replaced  # install's own xdg-mime step says that it is missing
    for scheme in SCHEMES:
        query = subprocess.run(["xdg-mime", "query", "default", f"x-scheme-handler/{scheme}"],
                               capture_output=True, text=True, timeout=30)
        handler = query.stdout.strip()
        if query.returncode == 0 and handler and handler != DESKTOP_ID:
            replaced[scheme] = handler
    return replaced


def _replaced_handlers() -> dict[str, str]:
    """What our installed entry remembers replacing ({} when it is not installed)."""
    entry = entry_path()
    if not entry.is_file():
        return {}
    for line in entry.read_text().splitlines():
        key, _, value = line.partition("=")
        if key == REPLACED_KEY:
            pairs = (item.partition(":") for item in value.split(";") if item)
            return {scheme: handler for scheme, _, handler in pairs
                    if scheme in SCHEMES and handler}
    return {}


def _installed(desktop_id: str) -> bool:
    """Whether an application's entry is still there to take links back."""
    data_dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    folders = [data_home(), *map(Path, data_dirs.split(":"))]
    return any((folder / "applications" / desktop_id).is_file() for folder in folders)
