"""Writing the config file back: what the Settings dialog and the first-run wizard save.

The file is the user's as much as ours, so a save edits the existing TOML document in place
(tomlkit keeps comments, blank lines and key order), touches only values that changed, and adds
only the settings that differ from their defaults. A save is atomic (a temporary file in the
same folder, flushed to disk, then renamed over the old one), so a crash or a full disk leaves
either the old file or the new one, never half of each. A file that does not load is never
written over: it is first kept as ``config.toml.bak`` (see :func:`keep_backup`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument

from softphone.config import (
    REQUIRED_ACCOUNT_FIELDS,
    AccountConfig,
    Config,
    ConfigError,
    default_config_path,
    load_config,
)

FILE_MODE = 0o600
DIR_MODE = 0o700
# The single tables, in the order a new file lists them ([[account]] tables come first).
_TABLES = ("calls", "audio", "startup", "network")


class ConfigSaveError(Exception):
    """The file could not be written; the message says where and why, in words."""


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write `config` to `path` (default: where it was loaded from, else the user's config
    file) and return the path written. Raises ConfigSaveError; the old file is then intact."""
    path = _real_path(path or config.path or default_config_path())
    document = _existing_document(path)
    _update(document, config)
    _write_atomically(path, tomlkit.dumps(document).encode("utf-8"))
    return path


def keep_backup(path: Path) -> Path | None:
    """Copy a file that failed to load to ``<name>.bak`` before anything replaces it, and
    return the copy's path (None when there is no file to keep). An older backup with other
    contents is not overwritten: the new copy gets a timestamp (``config.toml.bak-20250101-
    120000``) instead. Raises ConfigSaveError when the copy cannot be made."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigSaveError(f"Cannot read {path} to keep a copy: {error.strerror}.") from None
    backup = path.with_name(path.name + ".bak")
    if backup.exists() and backup.read_bytes() != data:
        backup = path.with_name(f"{path.name}.bak-{time.strftime('%Y%m%d-%H%M%S')}")
    if not backup.exists():
        _write_atomically(backup, data)
    return backup


# --- The document ------------------------------------------------------------------------------


def _real_path(path: Path) -> Path:
    """A config file that is a symlink (dotfile managers make them) is written through, so
    the link stays a link."""
    return path.resolve() if path.is_symlink() else path


def _existing_document(path: Path) -> TOMLDocument:
    """The file as it is, to edit in place; a file that does not load is backed up and
    replaced by a fresh document, so the saved file is one that loads."""
    if not path.exists():
        return tomlkit.document()
    try:
        load_config(path)
        return tomlkit.parse(path.read_text(encoding="utf-8-sig"))
    except (ConfigError, TOMLKitError):
        keep_backup(path)
        return tomlkit.document()


def _update(document: TOMLDocument, config: Config) -> None:
    _update_accounts(document, config.accounts)
    for name in _TABLES:
        _update_table(document, name, getattr(config, name))


def _update_accounts(document: TOMLDocument, accounts: tuple[AccountConfig, ...]) -> None:
    """Each account goes back into the table that had its name, so its comments stay with it;
    a renamed account keeps the table at its position; removed accounts' tables go. The array
    is edited in place unless the accounts were reordered."""
    existing = document.get("account")
    old = list(existing) if existing is not None else []
    names = {account.name for account in accounts}
    by_name = {table.get("name"): table for table in old}
    tables: list[Any] = []
    for index, account in enumerate(accounts):
        table = by_name.get(account.name)
        if table is None and index < len(old) and old[index].get("name") not in names:
            table = old[index]
        if table is None:
            table = tomlkit.table()
            _fill(table, account, REQUIRED_ACCOUNT_FIELDS)
            table.add(tomlkit.nl())
        else:
            _fill(table, account, REQUIRED_ACCOUNT_FIELDS)
        tables.append(table)
    kept = [table for table in old if _among(table, tables)]
    if isinstance(existing, AoT) and all(a is b for a, b in zip(kept, tables, strict=False)):
        for index in reversed(range(len(old))):
            if not _among(old[index], tables):
                del existing[index]
        for table in tables[len(kept):]:
            existing.append(table)
        if not tables:
            del document["account"]
        return
    if existing is not None:
        del document["account"]
    if tables:
        aot = tomlkit.aot()
        for table in tables:
            aot.append(table if isinstance(table, Table) else _as_table(table))
        document["account"] = aot


def _among(table: Any, tables: list[Any]) -> bool:
    return any(table is other for other in tables)


def _as_table(inline: Any) -> Table:
    """An account written as an inline table (account = [{...}]) as a [[account]] table."""
    table = tomlkit.table()
    for key, value in inline.items():
        table[key] = value
    return table


def _update_table(document: TOMLDocument, name: str, values: object) -> None:
    table = document.get(name)
    if table is None:
        table = tomlkit.table()
        if not _fill(table, values):
            return
        document[name] = table
        return
    _fill(table, values)


def _fill(table: Table, values: object, required: tuple[str, ...] = ()) -> bool:
    """Set each setting that changed; a setting the table lacks is added only when it differs
    from its default (or is required). Returns whether the table holds anything."""
    for spec in fields(values):
        value = getattr(values, spec.name)
        if value is None:
            table.pop(spec.name, None)
            continue
        written = _toml_value(value)
        if spec.name in table:
            if _plain(table[spec.name]) != written:
                table[spec.name] = written
        elif spec.name in required or value != _default(spec):
            table[spec.name] = written
    return bool(table)


def _default(spec: Any) -> Any:
    return spec.default_factory() if spec.default is MISSING else spec.default


def _toml_value(value: Any) -> Any:
    """Tuples (codecs, dial plan rules, STUN servers) as TOML arrays."""
    if isinstance(value, tuple | list):
        return [_toml_value(item) for item in value]
    return value


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


# --- The file ---------------------------------------------------------------------------------


def _write_atomically(path: Path, data: bytes) -> None:
    """Temporary file beside the target (so the rename is atomic), readable by the user only,
    flushed to disk before it replaces the old file, and the folder flushed after."""
    folder = path.parent
    try:
        _private_folder(folder)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise ConfigSaveError(f"Cannot write to {folder}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ConfigSaveError(f"Cannot save {path}: {error.strerror}; the file was not "
                              "changed.") from None
    _sync_folder(folder)


def _private_folder(folder: Path) -> None:
    """Our own config folder, and any folder we create, is the user's alone; a folder that
    already held a --config file is left as its owner set it (it may be shared on purpose)."""
    if folder.is_dir() and folder != default_config_path().parent:
        return
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(DIR_MODE)


def _sync_folder(folder: Path) -> None:
    """The rename itself is durable only once the folder's entry is on disk."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
