"""Do Not Disturb as the user switches it: the engine turns callers away, and the choice is
written to the config file so that it still holds after a restart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from softphone.config import Config, ConfigError, load_config
from softphone.config_file import ConfigSaveError, save_config


class Switching(Protocol):
    """The Phone's side of it."""

    do_not_disturb: bool

    def set_do_not_disturb(self, on: bool) -> None: ...


def save_do_not_disturb(path: Path, on: bool) -> None:
    """Write only this setting: the file is read again first, so whatever else it holds (other
    settings saved meanwhile, the user's comments) stays as it is. Raises ConfigError for a
    file that does not load (it is not written over) and ConfigSaveError."""
    current = load_config(path) if path.exists() else Config(path=path)
    save_config(replace(current, calls=replace(current.calls, do_not_disturb=on)), path)


class DoNotDisturb(QObject):
    """The one switch the tray menu (and the settings) flip; `changed` carries the new state.
    With `config_path` None (tests, a throwaway config) the choice lasts until the app quits."""

    changed = Signal(bool)

    def __init__(self, phone: Switching, config_path: Path | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.phone = phone
        self.config_path = config_path

    @property
    def on(self) -> bool:
        return self.phone.do_not_disturb

    def set(self, on: bool) -> str | None:
        """Switch it now; returns a sentence for the user when it could not be saved (it then
        holds until Softphone quits). Raises EngineError while the engine is stopped."""
        self.phone.set_do_not_disturb(on)
        self.changed.emit(on)
        if self.config_path is None:
            return None
        try:
            save_do_not_disturb(self.config_path, on)
        except (ConfigError, ConfigSaveError) as error:
            state = "on" if on else "off"
            return (f"Do Not Disturb is {state} until Softphone quits: it could not be saved "
                    f"in the settings ({error}).")
        return None
