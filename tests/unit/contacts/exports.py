"""Address book files as the big address books write them, for the import tests.

The CSV headers are the real ones, in their real order: Google's older export ("Google CSV"),
its current one, and Outlook's. The vCards follow what Google, Apple (iCloud), Android and
RFC 6350 produce, CRLF line ends included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

GOOGLE_LEGACY_HEADER = [
    "Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Given Name Yomi",
    "Additional Name Yomi", "Family Name Yomi", "Name Prefix", "Name Suffix", "Initials",
    "Nickname", "Short Name", "Maiden Name", "Birthday", "Gender", "Location",
    "Billing Information", "Directory Server", "Mileage", "Occupation", "Hobby", "Sensitivity",
    "Priority", "Subject", "Notes", "Language", "Photo", "Group Membership",
    "E-mail 1 - Type", "E-mail 1 - Value", "E-mail 2 - Type", "E-mail 2 - Value",
    "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value",
    "Phone 3 - Type", "Phone 3 - Value",
    "Address 1 - Type", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
    "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
    "Address 1 - Country", "Address 1 - Extended Address",
    "Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Yomi Name",
    "Organization 1 - Title", "Organization 1 - Department", "Organization 1 - Symbol",
    "Organization 1 - Location", "Organization 1 - Job Description",
    "Website 1 - Type", "Website 1 - Value",
]

GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label",
    "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
    "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street",
    "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
    "Address 1 - Country", "Address 1 - Extended Address", "Website 1 - Label",
    "Website 1 - Value",
]

OUTLOOK_HEADER = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
    "Job Title", "Business Street", "Business Street 2", "Business Street 3", "Business City",
    "Business State", "Business Postal Code", "Business Country/Region", "Home Street",
    "Home Street 2", "Home Street 3", "Home City", "Home State", "Home Postal Code",
    "Home Country/Region", "Other Street", "Other Street 2", "Other Street 3", "Other City",
    "Other State", "Other Postal Code", "Other Country/Region", "Assistant's Phone",
    "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
    "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone",
    "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone",
    "Telex", "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
    "Business Address PO Box", "Categories", "Children", "Directory Server", "E-mail Address",
    "E-mail Type", "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type",
    "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type", "E-mail 3 Display Name",
    "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
    "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage",
    "Notes", "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority",
    "Private", "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2",
    "User 3", "User 4", "Web Page",
]

GOOGLE_VCARD_3 = """\
BEGIN:VCARD
VERSION:3.0
FN:Ada Lovelace
N:Lovelace;Ada;;;
EMAIL;TYPE=INTERNET;TYPE=HOME:ada@example.com
TEL;TYPE=CELL,VOICE:+1 202-555-0143
TEL;TYPE=WORK:(202) 555-0199
item1.TEL:+44 20 7946 0958
item1.X-ABLabel:Royal Society
ORG:Analytical Engines\\, Ltd;Research
NOTE:Met Charles Babbage in June 1833\\, and wrote to him for years about the
  Analytical Engine.\\nFirst programmer.
CATEGORIES:myContacts,starred
END:VCARD
"""

APPLE_VCARD_3 = """\
BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//iPhone OS 17.4//EN
N:Ødegård;Bjørn;;;
FN:Bjørn Ødegård
ORG:Fjord AS;
TEL;type=CELL;type=VOICE;type=pref:+47 412 34 567
TEL;type=HOME;type=VOICE:+47 22 12 34 56
item1.TEL:+47 815 00 000
item1.X-ABLabel:_$!<Other>!$_
item2.TEL:1001
item2.X-ABLabel:Desk extension
IMPP;X-SERVICE-TYPE=SIP;type=pref:sip:bjorn@fjord.example
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBk
 SEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgN
 DRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAA
END:VCARD
"""

ANDROID_VCARD_21 = """\
BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Zola;=C3=89mile;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=89mile Zola
TEL;CELL;PREF:+33 6 12 34 56 78
TEL;HOME:42 00 00 00
NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 cr=C3=A8me, two sugars, and a very long =
line that Android breaks with a soft line break.
END:VCARD
"""

RFC_VCARD_4 = """\
BEGIN:VCARD
VERSION:4.0
FN:Simon Perreault
N:Perreault;Simon;;;ing. jr,M.Sc.
ORG:Viagenie
TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-418-656-9254;ext=102
TEL;VALUE=uri;TYPE="voice,cell":tel:+1-555-555-5555
EMAIL;TYPE=work:simon.perreault@viagenie.ca
IMPP;PREF=1:sip:simon@viagenie.ca
END:VCARD
"""


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def write_vcard(path: Path, *cards: str) -> Path:
    path.write_bytes(crlf("".join(cards)).encode("utf-8"))
    return path


def csv_text(
    header: Sequence[str], rows: Sequence[Mapping[str, str]], quote_all: bool = False
) -> str:
    """CSV with `header` and one line per row; columns a row does not mention are empty, as in
    a real export, and a column the header does not have is a mistake in the test."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=header,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    encoding: str = "utf-8",
    quote_all: bool = False,
) -> Path:
    path.write_bytes(csv_text(header, rows, quote_all).encode(encoding))
    return path
