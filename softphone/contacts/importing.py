"""Importing an address book file: vCard, or a Google or Outlook CSV export.

An import is one transaction: when it has to stop (the file is too big, is no contacts file,
the disk is full) nothing of it is kept and the address book is exactly as it was. Within a
readable file, entries that can't be imported are skipped one by one and listed in the report.

Work and memory are bounded whatever the file holds: its size is checked before reading, it is
read as a stream, and a file with more than `MAX_ENTRIES` entries is refused.
"""

from __future__ import annotations

import codecs
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from softphone.contacts.csv_exports import UnknownLayout, read_csv
from softphone.contacts.model import Contact
from softphone.contacts.report import ImportReport, Skipped
from softphone.contacts.store import ContactStore
from softphone.contacts.vcard import read_vcards

MAX_IMPORT_BYTES = 20_000_000
# Google Contacts holds at most 25,000 contacts, so no real export has more entries.
MAX_ENTRIES = 25_000

_SNIFF_BYTES = 64 * 1024
_VCARD_SUFFIXES = {".vcf", ".vcard"}


class ContactImportError(Exception):
    """Nothing was imported; the message names the file and says why."""


class _Refused(Exception):
    """Why the file as a whole can't be imported, completed with its name by the caller."""


def import_contacts(
    store: ContactStore,
    path: Path,
    *,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_entries: int = MAX_ENTRIES,
    on_entry: Callable[[], object] = lambda: None,
) -> ImportReport:
    """Add the contacts in `path` to `store`, merging those it already has.

    The file is read twice: once to count its entries, so that a file too big to be an address
    book is refused at once instead of after minutes of work, then to import them. `on_entry`
    is called as each entry is read, in both passes: the window, importing on a thread of its
    own, uses it to let its GUI thread run now and then.
    """
    report = ImportReport(path)
    try:
        encoding, is_vcard = _sniff(path, max_bytes)
        with path.open(encoding=encoding, errors="replace", newline="") as stream:
            _refuse_too_many(_entries(stream, is_vcard, on_entry), max_entries)
        with path.open(encoding=encoding, errors="replace", newline="") as stream, store.batch():
            for entry in _entries(stream, is_vcard, on_entry):
                if isinstance(entry, Skipped):
                    report.skip(entry)
                else:
                    report.count(store.absorb(entry))
    except (_Refused, UnknownLayout) as problem:
        raise ContactImportError(f"Nothing was imported from {path}: {problem}") from problem
    except OSError as error:
        raise ContactImportError(
            f"Nothing was imported: {path} can't be read ({error.strerror or error})"
        ) from error
    except sqlite3.Error as error:
        raise ContactImportError(
            f"Nothing was imported from {path}: the address book could not be written ({error})"
        ) from error
    return report


def _sniff(path: Path, max_bytes: int) -> tuple[str, bool]:
    """The file's text encoding, and whether it holds vCards rather than CSV."""
    size = path.stat().st_size
    if size > max_bytes:
        raise _Refused(
            f"it is {size / 1e6:.1f} MB, and files over {max_bytes / 1e6:g} MB are not "
            "imported (an address book without photos is far smaller; is it the right file?)"
        )
    with path.open("rb") as raw:
        head = raw.read(_SNIFF_BYTES)
    encoding = _encoding(head)
    start = head.decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    return encoding, start[:11].upper() == "BEGIN:VCARD" or path.suffix.lower() in _VCARD_SUFFIXES


def _encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) and UTF-16 with a BOM (Outlook's "Unicode") are what exports
    use; older Windows exports are in the ANSI code page, taken to be cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise _Refused("it holds binary data, not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _entries(
    stream: TextIO, is_vcard: bool, on_entry: Callable[[], object]
) -> Iterator[Contact | Skipped]:
    for entry in read_vcards(stream) if is_vcard else read_csv(stream):
        on_entry()
        yield entry


def _refuse_too_many(entries: Iterator[Contact | Skipped], max_entries: int) -> None:
    counted = sum(1 for _ in itertools.islice(entries, max_entries + 1))
    if counted == 0:
        raise _Refused("there are no contacts in it")
    if counted > max_entries:
        raise _Refused(
            f"it has more than {max_entries:,} entries, more than any address book holds "
            "(Google Contacts keeps at most 25,000)"
        )
