"""Tests for softphone.credentials against real keyring backends installed for the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, NoKeyringError, PasswordDeleteError, PasswordSetError
from keyrings.alt.file import PlaintextKeyring

from softphone.credentials import (
    PASSWORD_VARIABLE,
    SERVICE,
    TURN_CREDENTIAL,
    TURN_PASSWORD_VARIABLE,
    CredentialError,
    delete_password,
    get_password,
    get_turn_password,
    set_password,
)

SECRET = "s3cret-pa55"

Install = Callable[[KeyringBackend], None]
Operation = Callable[[str], object]


class DictKeyring(KeyringBackend):
    """An in-memory keyring; the negative priority keeps keyring from ever choosing it itself."""

    priority = -10

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("Password not found")


class LockedKeyring(KeyringBackend):
    """Behaves like a Secret Service whose unlock prompt the user dismissed."""

    priority = -10

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.get_password(service, username)

    def delete_password(self, service: str, username: str) -> None:
        self.get_password(service, username)


class UnavailableKeyring(DictKeyring):
    """Looks usable up front but has nothing behind it, like a chainer whose backends all fail."""

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("No recommended backend was available.")


class FailingKeyring(DictKeyring):
    """Stores nothing, and reports it the way a backend might: echoing what it was given."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"cannot store {password!r} for {username}")


@pytest.fixture(autouse=True)
def no_password_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)


@pytest.fixture
def use_keyring() -> Iterator[Install]:
    """Install backends for one test and put the previous one back afterwards."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def test_environment_variable_wins_without_touching_the_keyring(
    monkeypatch: pytest.MonkeyPatch, use_keyring: Install
) -> None:
    use_keyring(fail.Keyring())
    monkeypatch.setenv(PASSWORD_VARIABLE, SECRET)
    assert get_password("provider") == SECRET
    assert get_password("any-other-account") == SECRET


def test_empty_environment_variable_counts_as_unset(
    monkeypatch: pytest.MonkeyPatch, use_keyring: Install
) -> None:
    backend = DictKeyring()
    use_keyring(backend)
    backend.passwords[SERVICE, "provider"] = SECRET
    monkeypatch.setenv(PASSWORD_VARIABLE, "")
    assert get_password("provider") == SECRET


def test_stored_password_is_found_under_the_account_name(use_keyring: Install) -> None:
    backend = DictKeyring()
    use_keyring(backend)
    set_password("provider", SECRET)
    assert backend.passwords == {("softphone", "provider"): SECRET}
    assert get_password("provider") == SECRET


def test_missing_password_says_how_to_store_one(use_keyring: Install) -> None:
    use_keyring(DictKeyring())
    with pytest.raises(CredentialError) as caught:
        get_password("provider")
    message = str(caught.value)
    assert "No password is stored for account 'provider'" in message
    assert "`softphone password provider`" in message
    assert PASSWORD_VARIABLE in message


def test_delete_removes_the_password(use_keyring: Install) -> None:
    backend = DictKeyring()
    use_keyring(backend)
    set_password("provider", SECRET)
    delete_password("provider")
    assert backend.passwords == {}


def test_deleting_a_missing_password_is_reported(use_keyring: Install) -> None:
    use_keyring(DictKeyring())
    with pytest.raises(CredentialError, match=r"nothing to delete\. Check the account name"):
        delete_password("provdier")


def test_empty_password_is_not_stored(use_keyring: Install) -> None:
    backend = DictKeyring()
    use_keyring(backend)
    with pytest.raises(CredentialError, match="is empty, so nothing was stored"):
        set_password("provider", "")
    assert backend.passwords == {}


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), chainer.ChainerBackend()],
    ids=["fail", "null", "chainer"],
)
@pytest.mark.parametrize(
    "operation",
    [get_password, lambda name: set_password(name, SECRET), delete_password],
    ids=["get", "set", "delete"],
)
def test_no_usable_keyring_suggests_installing_one(
    use_keyring: Install,
    monkeypatch: pytest.MonkeyPatch,
    backend: KeyringBackend,
    operation: Operation,
) -> None:
    """The chainer is emptied explicitly, as the machine running the tests may have a keyring."""
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    use_keyring(backend)
    with pytest.raises(CredentialError) as caught:
        operation("provider")
    message = str(caught.value)
    assert "No system keyring is available" in message
    assert "'provider'" in message
    assert "GNOME Keyring or KWallet" in message
    assert PASSWORD_VARIABLE in message


def test_no_keyring_error_from_a_backend_gets_the_same_advice(use_keyring: Install) -> None:
    use_keyring(UnavailableKeyring())
    with pytest.raises(CredentialError, match=r"No system keyring is available .* GNOME Keyring"):
        get_password("provider")


@pytest.mark.parametrize(
    ("operation", "verb"),
    [
        (get_password, "read"),
        (lambda name: set_password(name, SECRET), "store"),
        (delete_password, "delete"),
    ],
)
def test_locked_keyring_says_how_to_unlock(
    use_keyring: Install, operation: Operation, verb: str
) -> None:
    use_keyring(LockedKeyring())
    with pytest.raises(CredentialError) as caught:
        operation("provider")
    message = str(caught.value)
    assert f"keyring is locked, so it cannot {verb} the password for account 'provider'" in message
    assert "Unlock it" in message
    assert SECRET not in message


def test_other_keyring_errors_never_show_the_password(use_keyring: Install) -> None:
    use_keyring(FailingKeyring())
    with pytest.raises(CredentialError) as caught:
        set_password("provider", SECRET)
    message = str(caught.value)
    assert "could not store the password for account 'provider'" in message
    assert "PasswordSetError: cannot store '***' for provider" in message
    assert SECRET not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PlaintextKeyring:
    """keyrings.alt's real plaintext file keyring, writing under a throwaway home."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    backend = PlaintextKeyring()
    assert str(tmp_path) in backend.file_path
    return backend


def test_a_plaintext_file_keyring_is_refused_and_nothing_is_written(
    use_keyring: Install, file_keyring: PlaintextKeyring
) -> None:
    use_keyring(file_keyring)
    with pytest.raises(CredentialError, match="No system keyring is available"):
        set_password("provider", SECRET)
    assert not Path(file_keyring.file_path).exists()


def test_of_a_chain_only_its_safe_backend_is_used(
    use_keyring: Install, monkeypatch: pytest.MonkeyPatch, file_keyring: PlaintextKeyring
) -> None:
    """As keyring chains a Secret Service with the file keyring when both are installed: the
    password goes to the safe one and is read only from it, even if the file has another."""
    file_keyring.set_password(SERVICE, "provider", "planted")
    safe = DictKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [file_keyring, safe])
    use_keyring(chainer.ChainerBackend())
    with pytest.raises(CredentialError, match="No password is stored"):
        get_password("provider")
    set_password("provider", SECRET)
    assert safe.passwords == {(SERVICE, "provider"): SECRET}
    assert get_password("provider") == SECRET
    assert SECRET not in Path(file_keyring.file_path).read_text()


def test_the_turn_password_has_its_own_keyring_entry_and_variable(
    use_keyring: Install, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SOFTPHONE_PASSWORD is an account's: handing it to the relay would be wrong twice over."""
    backend = DictKeyring()
    use_keyring(backend)
    monkeypatch.setenv(PASSWORD_VARIABLE, "the-account-password")
    with pytest.raises(CredentialError, match=r"softphone password --turn.*TURN_PASSWORD"):
        get_turn_password()
    set_password(TURN_CREDENTIAL, "relay-secret")
    assert get_turn_password() == "relay-secret"
    monkeypatch.setenv(TURN_PASSWORD_VARIABLE, "from-a-script")
    assert get_turn_password() == "from-a-script"
