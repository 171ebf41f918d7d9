"""How names and numbers are compared, so that a search, an incoming call and an import all
agree on when two of them are the same.

Names are compared folded: case, accents and spacing are ignored, so "bjorn" finds "Bjørn".
Numbers are compared by what identifies the line: E.164 when the number could be read, and
otherwise its national digits (the digits after any country code or leading zeros), which is
also how caller IDs in national format ("02079460958", "2025550143") are matched.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace

import phonenumbers
from phonenumbers import PhoneNumberFormat

from softphone.contacts.model import ContactNumber
from softphone.numbers import DialError, Target, parse_target

# Fewer digits than this are a short code or an extension, never matched by their ending.
MIN_SUFFIX_DIGITS = 7

# NFKD splits "é" into "e" and an accent; these letters have no such decomposition.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ħ": "h"}
)
_NUMERIC_USER = re.compile(r"\+?[0-9][0-9\-.()]*")


@dataclass(frozen=True)
class CallerKey:
    """What a caller ID or dialled address can be matched on."""

    e164: str | None
    address: str | None  # user@host of a SIP address
    national: str  # national digits, "" when there are none
    has_country: bool  # the text itself said which country (+...), so E.164 is decisive


def fold(text: str) -> str:
    """`text` lower-cased, without accents and with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.translate(_UNDECOMPOSED).split())


def digits_of(text: str) -> str:
    """The decimal digits in `text`, whatever script they were written in."""
    values = (unicodedata.decimal(char, None) for char in text)
    return "".join(str(value) for value in values if value is not None)


def normalised(number: ContactNumber, default_country: str | None) -> ContactNumber:
    """`number` with `e164` and `problem` worked out from what was typed."""
    try:
        target = parse_target(number.typed, default_country)
    except DialError as error:
        return replace(number, e164=None, problem=str(error))
    return replace(number, e164=target.value if target.kind == "phone" else None, problem=None)


def national_digits(number: ContactNumber) -> str:
    """Leading zeros are dropped so a national trunk prefix ("0207...") compares equal."""
    if number.e164:
        return _phone_forms(number.e164)[0]
    return digits_of(number.typed).lstrip("0")


def searchable_digits(number: ContactNumber) -> str:
    """Every digit string someone may type to find this number, space-separated so that a
    search never matches across two of them."""
    forms = {digits_of(number.typed)}
    if number.e164:
        forms |= {number.e164.removeprefix("+"), _phone_forms(number.e164)[1]}
    return " ".join(sorted(form for form in forms if form))


@functools.lru_cache(maxsize=32768)
def _phone_forms(e164: str) -> tuple[str, str]:
    """National digits and the digits of the national format ("02079460958") of a number.
    Cached: an import or a merge rewrites the same numbers many times over."""
    parsed = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
    return phonenumbers.national_significant_number(parsed).lstrip("0"), digits_of(national)


def numeric_user(target: Target) -> str | None:
    """The user part of a SIP target when it is a number (sip:+12025550143@provider), without
    the number's own parameters (sip:+12025550143;npdi@provider)."""
    user = target.display.rpartition("@")[0].partition(";")[0]
    return user if _NUMERIC_USER.fullmatch(user) else None


def sip_address(uri: str) -> str:
    """user@host of a SIP URI (host lower-cased, no parameters); text that is no SIP URI is
    compared as it is."""
    try:
        target = parse_target(uri)
    except DialError:
        return uri.strip()
    return target.display if target.kind == "sip" else uri.strip()


def caller_key(text: str, default_country: str | None) -> CallerKey:
    """Read a caller ID, a dialled number or a SIP URI for matching against contacts."""
    try:
        target = parse_target(text, default_country)
    except DialError:
        return CallerKey(None, None, digits_of(text).lstrip("0"), False)
    if target.kind == "sip":
        user = numeric_user(target)
        if user is None:
            return CallerKey(None, target.display, "", False)
        return replace(caller_key(user, default_country), address=target.display)
    e164 = target.value if target.kind == "phone" else None
    national = national_digits(ContactNumber(target.value, e164=e164))
    return CallerKey(e164, None, national, e164 is not None and _carries_country(text))


def suffix_match(national: str, candidate: str) -> int:
    """How many digits two national numbers share at their end, when one ends with the whole
    of the other and that is long enough to identify a line; 0 otherwise."""
    shorter = min(len(national), len(candidate))
    if shorter < MIN_SUFFIX_DIGITS or not (
        national.endswith(candidate) or candidate.endswith(national)
    ):
        return 0
    return shorter


def _carries_country(text: str) -> bool:
    """Whether the text names its country itself: then it can be read with no default."""
    try:
        return parse_target(text).kind == "phone"
    except DialError:
        return False
