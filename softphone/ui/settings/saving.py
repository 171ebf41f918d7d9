"""Saving what the Settings dialog or the first-run wizard collected: the file first (atomic,
comments kept), then the typed passwords into the keyring, then the running app follows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from softphone.config import Config
from softphone.config_file import ConfigSaveError, save_config
from softphone.ui.settings.account_list import AccountList

# apply(saved config, accounts whose password changed) -> sentences for the user (e.g. what
# takes effect only after a restart); the app's Desktop.apply_settings.
Apply = Callable[[Config, set[str]], list[str]]


@dataclass(frozen=True)
class Saved:
    """`config` is None when the file could not be written (nothing was changed then);
    `complete` is False when something the user typed (a password) still waits to be kept."""

    config: Config | None
    sentences: list[str]
    complete: bool


def save_settings(config: Config, accounts: AccountList, apply: Apply) -> Saved:
    try:
        path = save_config(config)
    except ConfigSaveError as error:
        return Saved(None, [str(error)], False)
    config = replace(config, path=path)
    renewed, problems = accounts.store_secrets()
    notes = apply(config, renewed)
    return Saved(config, ["Saved.", *problems, *notes], not problems)
