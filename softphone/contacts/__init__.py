"""The address book: contacts stored privately on this computer, searched as the user types,
matched to callers, imported from and exported to the formats other address books use."""

from softphone.contacts.importing import (
    MAX_ENTRIES,
    MAX_IMPORT_BYTES,
    ContactImportError,
    import_contacts,
)
from softphone.contacts.model import HOME, MOBILE, OTHER, WORK, Contact, ContactNumber
from softphone.contacts.report import ImportReport, Skipped
from softphone.contacts.store import Absorbed, ContactStore, UnknownContact, default_contacts_path
from softphone.contacts.vcard import export_vcard, read_vcards, write_vcards
from softphone.storage import Recovery, StorageError

__all__ = [
    "HOME",
    "MAX_ENTRIES",
    "MAX_IMPORT_BYTES",
    "MOBILE",
    "OTHER",
    "WORK",
    "Absorbed",
    "Contact",
    "ContactImportError",
    "ContactNumber",
    "ContactStore",
    "ImportReport",
    "Recovery",
    "Skipped",
    "StorageError",
    "UnknownContact",
    "default_contacts_path",
    "export_vcard",
    "import_contacts",
    "read_vcards",
    "write_vcards",
]
