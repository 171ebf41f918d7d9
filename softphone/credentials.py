"""Account passwords: from ``SOFTPHONE_PASSWORD`` or the operating system's keyring, never a file.

The config file is often copied, shared or backed up in plain text, so passwords are kept out of
it. There is deliberately no plaintext fallback when no keyring is available: the user is told how
to get one, or to use the environment variable in scripts. No message here ever contains a password.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, KeyringLocked, NoKeyringError

SERVICE = "softphone"
PASSWORD_VARIABLE = "SOFTPHONE_PASSWORD"
# The TURN relay's password is kept beside the accounts' under a name no account can have
# (account names are letters, digits, '_', '.' and '-'), with a variable of its own.
TURN_CREDENTIAL = "TURN relay"
TURN_PASSWORD_VARIABLE = "SOFTPHONE_TURN_PASSWORD"


class CredentialError(Exception):
    """The password cannot be had; the message says why and what the user can do about it."""


def get_password(account_name: str) -> str:
    """The password for an account; the environment wins so that scripts need no keyring.

    An empty ``SOFTPHONE_PASSWORD`` counts as unset, as ``SOFTPHONE_PASSWORD=`` is how a shell
    user clears it.
    """
    return _lookup(account_name, PASSWORD_VARIABLE,
                   f"No password is stored for account {account_name!r}. Run "
                   f"`softphone password {account_name}`")


def get_turn_password() -> str:
    """The TURN relay's password, from SOFTPHONE_TURN_PASSWORD or the keyring."""
    return _lookup(TURN_CREDENTIAL, TURN_PASSWORD_VARIABLE,
                   "No password is stored for the TURN relay. Run `softphone password --turn`")


def _lookup(name: str, variable: str, missing: str) -> str:
    """`variable` if set, else the keyring's entry `name`; `missing` begins the advice when
    there is neither."""
    from_environment = os.environ.get(variable)
    if from_environment:
        return from_environment
    with _keyring_errors(name, "read"):
        password = _backend(name).get_password(SERVICE, name)
    if password is None:
        raise CredentialError(
            f"{missing} to store it in the system keyring, or set {variable}.")
    return password


def set_password(account_name: str, password: str) -> None:
    """Store a password; an empty one is refused, as it is nearly always an accidental Enter."""
    if not password:
        raise CredentialError(
            f"The password for {_whose(account_name)} is empty, so nothing was stored. "
            f"Run `{_command(account_name)}` again and type the password."
        )
    with _keyring_errors(account_name, "store", secret=password):
        _backend(account_name).set_password(SERVICE, account_name, password)


def delete_password(account_name: str, missing_ok: bool = False) -> None:
    """Forget a password; deleting one that is not there is reported, as the name may be a typo
    (unless `missing_ok`: removing an account that never had one stored)."""
    with _keyring_errors(account_name, "delete"):
        backend = _backend(account_name)
        if backend.get_password(SERVICE, account_name) is None:
            if missing_ok:
                return
            raise CredentialError(
                f"No password is stored for {_whose(account_name)}, so there is nothing to "
                "delete. Check the account name."
            )
        backend.delete_password(SERVICE, account_name)


def _backend(account_name: str) -> KeyringBackend:
    """The active keyring, refused up front when it cannot really keep secrets."""
    backend = _secret_keeper(keyring.get_keyring())
    if backend is None:
        raise CredentialError(_no_keyring_message(account_name))
    return backend


# keyrings.alt (installed by many distributions) writes passwords to a file in the home folder:
# its PlaintextKeyring in clear, its EncryptedKeyring behind a master password asked on a
# terminal a desktop app does not have. Either would be the plaintext fallback we refuse.
FILE_BACKEND_MODULES = ("keyrings.alt.file",)


def _secret_keeper(backend: KeyringBackend) -> KeyringBackend | None:
    """`backend` if it can keep a password safe, else None. The fail and null backends would
    raise or silently drop it, a file backend would keep it in the home folder. keyring chains
    every backend it finds (a Secret Service and keyrings.alt's file, say) and would read from
    any of them: of a chain, only its first safe member is used."""
    if isinstance(backend, chainer.ChainerBackend):
        return next(filter(None, map(_secret_keeper, backend.backends)), None)
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if type(backend).__module__.startswith(FILE_BACKEND_MODULES):
        return None
    return backend


@contextmanager
def _keyring_errors(account_name: str, action: str, secret: str | None = None) -> Iterator[None]:
    """Turn keyring exceptions into advice; ``secret`` is scrubbed from any backend detail."""
    try:
        yield
    except NoKeyringError:
        raise CredentialError(_no_keyring_message(account_name)) from None
    except KeyringLocked:
        raise CredentialError(
            f"The system keyring is locked, so it cannot {action} the password for "
            f"{_whose(account_name)}. Unlock it (log in to the desktop session, or open it in "
            f"Passwords and Keys / KWalletManager) and try again, or set "
            f"{_variable(account_name)} for scripts."
        ) from None
    except KeyringError as error:
        detail = str(error).replace(secret, "***") if secret else str(error)
        raise CredentialError(
            f"The system keyring could not {action} the password for {_whose(account_name)} "
            f"({type(error).__name__}: {detail}). Check that a Secret Service such as GNOME "
            f"Keyring or KWallet is running and unlocked, or set {_variable(account_name)} for "
            "scripts."
        ) from None


def _no_keyring_message(account_name: str) -> str:
    return (
        f"No system keyring is available for the password of {_whose(account_name)}. Install "
        "and unlock a Secret Service such as GNOME Keyring or KWallet, or set "
        f"{_variable(account_name)} for scripts."
    )


def _whose(name: str) -> str:
    """How messages name a keyring entry: an account's, or the TURN relay's."""
    return "the TURN relay" if name == TURN_CREDENTIAL else f"account {name!r}"


def _variable(name: str) -> str:
    return TURN_PASSWORD_VARIABLE if name == TURN_CREDENTIAL else PASSWORD_VARIABLE


def _command(name: str) -> str:
    return "softphone password --turn" if name == TURN_CREDENTIAL else f"softphone password {name}"
