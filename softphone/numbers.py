"""Turn what a person types or pastes into something the phone can dial.

The rule throughout is that nothing is dialled that the user did not ask for. Text is
accepted only when it has one reading; anything ambiguous or malformed raises `DialError`
with a message meant for the person who typed it, not for a developer.

Phone numbers are understood by `phonenumbers` (libphonenumber), never by hand: it knows
each country's international dialling prefix, national prefix and number lengths. Numbers
are accepted when their length is possible for their country, not only when they fall in a
range known to be assigned, so that newly opened ranges are never refused.
"""

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult

MAX_INPUT_LENGTH = 256

# NFKC leaves these dashes alone, yet people paste them between digit groups.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(.*)")
# A header value such as `"Alice" <sip:alice@example.com>;tag=1` or `Alice <sip:...>`; the
# header parameters after '>' describe the header, not the address, so they are dropped.
_NAME_ADDR = re.compile(r'(?:"(?:[^"\\]|\\.)*"|[^"<>]*)\s*<([^<>]*)>(?:\s*;[^"<>]*)?')

_EXTENSION = re.compile(r"[0-9*#]{2,6}")
_NOT_PHONE_CHAR = re.compile(r"[^0-9A-Za-z \-.()/]")
_TYPING = re.compile(r"\+?[0-9 \-.()/]*")

# RFC 3261 user, minus '?' (which starts URI headers) and ':' (which starts a password).
_SIP_USER = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()&=+$,;/]|%[0-9A-Fa-f]{2})+")
_SIP_HOSTPORT = re.compile(r"(\[[^\]]*\]|[^:\[\]]*)(?::(.*))?")
_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?\.?")
_IPV4_LIKE = re.compile(r"[0-9.]+")
_PORT = re.compile(r"[0-9]{1,5}")
_SIP_PARAM = re.compile(
    r"(?:[A-Za-z0-9\-_.!~*'()]|%[0-9A-Fa-f]{2})+"
    r"(?:=(?:[A-Za-z0-9\-_.!~*'()\[\]/:&+$]|%[0-9A-Fa-f]{2})+)?"
)

_PARSE_PROBLEMS = {
    NumberParseException.INVALID_COUNTRY_CODE: "does not start with a country code that exists",
    NumberParseException.NOT_A_NUMBER: "is not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: (
        "is too short to be a phone number: too few digits follow the international prefix"
    ),
    NumberParseException.TOO_SHORT_NSN: "is too short to be a phone number",
    NumberParseException.TOO_LONG: "is too long to be a phone number",
}

_LENGTH_PROBLEMS = {
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: (
        "is too short to be a full phone number; if it is a local number, add the area code"
    ),
    ValidationResult.TOO_SHORT: "is too short to be a phone number",
    ValidationResult.TOO_LONG: "is too long to be a phone number",
    ValidationResult.INVALID_LENGTH: (
        "has the wrong number of digits for a phone number with country code +{country_code}"
    ),
    ValidationResult.INVALID_COUNTRY_CODE: (
        "starts with +{country_code}, which is not a country code"
    ),
}


class DialError(ValueError):
    """The text can't be dialled; the message tells a person why, in plain words."""


@dataclass(frozen=True)
class Target:
    """Something the phone can call, already normalised.

    `value` is what goes on the wire (E.164 for phones, a normalised URI for SIP, the
    characters as typed for extensions); `display` is what a person should see.
    """

    kind: Literal["phone", "sip", "extension"]
    value: str
    display: str

    def request_uri(self, domain: str) -> str:
        """The SIP Request-URI for calling this target through the account at `domain`.

        A sip target already names its own host, so the account's domain is not used. In an
        extension '#' is escaped as %23 because RFC 3261 does not allow it bare in a user part.
        """
        if self.kind == "sip":
            return self.value
        if not domain.strip():
            raise DialError("there is no SIP domain to call through; set the account's domain")
        return f"sip:{self.value.replace('#', '%23')}@{domain.strip()}"


def parse_target(text: str, default_country: str | None = None) -> Target:
    """Read typed or pasted text as a phone number, a SIP address or a PBX extension.

    Understood forms: national or international phone numbers (with the local
    international prefix such as 00 or 011 too), vanity numbers such as 1-800-FLOWERS,
    tel: URIs (RFC 3966), sip:/sips: URIs, SIP header values such as
    `"Alice" <sip:alice@example.com>`, bare `user@host` (taken as SIP) and callto: links.

    Rules for ambiguous text:
    - `default_country` (a region code such as "US") is how national numbers are read; without
      it only numbers starting with + can be phone numbers.
    - Extension rule: 2 to 6 characters made only of digits, '*' and '#' are an extension on the
      caller's PBX, unless they are only digits and are also a possible full number in
      `default_country` (then they are that phone number). '*' and '#' anywhere else are
      refused, because phonenumbers would silently drop them.
    - Letters are allowed only in a vanity number (digits first, then at least three letters),
      which are converted on the phone keypad.
    - A number that is possible only as a local call (no area code) is refused: the provider
      would have to guess the area.
    - A local tel: number uses its phone-context when it is a +prefix; a domain context is
      a private numbering plan we cannot resolve, so it is refused; with no context it is read
      like typed text (websites often write tel:2025550143).
    - Parameters of tel: URIs (including ;ext=) are dropped; those of sip: URIs are kept.
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise DialError(
            f"that text is {len(text)} characters long, too long to be a phone number or "
            f"address (the limit is {MAX_INPUT_LENGTH})"
        )
    region = _region(default_country)
    cleaned = _clean(text)
    _refuse_control_characters(cleaned)
    cleaned = _unwrap_name_addr(cleaned)
    if not cleaned:
        raise DialError("there is nothing to call: type a phone number or a sip: address")
    return _dispatch(cleaned, region)


def format_as_you_type(text: str, default_country: str | None) -> str:
    """Format a partly typed phone number the way the user's country writes it.

    Text that is not a phone number in the making (a SIP address, a vanity number, a star
    code) is returned unchanged so the field never rewrites what the user is typing.
    """
    formatter = phonenumbers.AsYouTypeFormatter(_region(default_country) or "ZZ")
    cleaned = _clean(text)
    if not _TYPING.fullmatch(cleaned):
        return text
    formatted = ""
    for char in cleaned:
        if char == "+" or char.isdigit():
            formatted = formatter.input_digit(char)
    return formatted


def display_number(e164: str) -> str:
    """Show a number in international format.

    Caller IDs are not always numbers ("anonymous", a SIP user name), and showing them
    as received beats showing nothing, so text that isn't a +number is returned unchanged.
    """
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _region(default_country: str | None) -> str | None:
    """Validate the region up front so a bad setting is reported, not a confusing parse error."""
    if default_country is None:
        return None
    region = default_country.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise DialError(
            f"the default country {default_country!r} is not a known two-letter region code "
            "(such as US, GB or DE)"
        )
    return region


def _clean(text: str) -> str:
    """Undo what copy and paste does to numbers: full-width or non-Latin digits,
    non-breaking spaces, typographic dashes and invisible formatting marks."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(
        _ascii_digit(char) for char in text if unicodedata.category(char) != "Cf"
    ).strip()


def _ascii_digit(char: str) -> str:
    return str(unicodedata.decimal(char)) if unicodedata.category(char) == "Nd" else char


def _refuse_control_characters(text: str) -> None:
    for char in text:
        if unicodedata.category(char) == "Cc":
            raise DialError(
                f"the text contains a control character (U+{ord(char):04X}); "
                "paste the number or address on its own"
            )


def _unwrap_name_addr(text: str) -> str:
    match = _NAME_ADDR.fullmatch(text)
    return match.group(1).strip() if match else text


def _dispatch(text: str, region: str | None) -> Target:
    match = _SCHEME.fullmatch(text)
    if match is None:
        if "@" in text:
            return _sip_target("sip", text, text)
        return _typed_target(text, region, text)
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme in ("sip", "sips"):
        return _sip_target(scheme, rest, text)
    if scheme == "tel":
        return _tel_target(rest, region, text)
    if scheme == "callto":
        return _callto_target(rest, region, text)
    raise DialError(f"'{scheme}:' links can't be called; use a phone number or a sip: address")


def _tel_target(rest: str, region: str | None, shown: str) -> Target:
    """RFC 3966: a global number stands alone; a local one is read in its phone-context."""
    number, *params = rest.split(";")
    if number.startswith("+"):
        return _typed_target(number, region, shown)
    context = _tel_phone_context(params)
    if context is None:
        return _typed_target(number, region, shown)
    if context.startswith("+"):
        return _typed_target(context + number, region, shown)
    raise DialError(
        f"'{shown}' is a local number in the private numbering plan of '{context}', which can't "
        "be dialled from here; use the full number with + and the country code"
    )


def _tel_phone_context(params: list[str]) -> str | None:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "phone-context":
            return value.strip()
    return None


def _callto_target(rest: str, region: str | None, shown: str) -> Target:
    address = rest.removeprefix("//")
    if "@" in address:
        return _sip_target("sip", address, shown)
    return _typed_target(address, region, shown)


def _typed_target(text: str, region: str | None, shown: str) -> Target:
    text = text.strip()
    if not text:
        raise DialError(f"'{shown}' has no number in it")
    if _is_extension(text, region):
        return Target("extension", text, text)
    if "*" in text or "#" in text:
        raise DialError(
            f"'{shown}' mixes '*' or '#' into a number; they belong only in short codes of "
            "2 to 6 characters such as *97"
        )
    _refuse_foreign_characters(text, shown)
    if any(char.isalpha() for char in text):
        text = _vanity_digits(text, shown)
    return _phone_target(text, region, shown)


def _is_extension(text: str, region: str | None) -> bool:
    if not _EXTENSION.fullmatch(text):
        return False
    return not text.isdigit() or not _is_possible_full_number(text, region)


def _is_possible_full_number(digits: str, region: str | None) -> bool:
    if region is None:
        return False
    try:
        number = phonenumbers.parse(digits, region)
    except NumberParseException:
        return False
    return phonenumbers.is_possible_number_with_reason(number) == ValidationResult.IS_POSSIBLE


def _refuse_foreign_characters(text: str, shown: str) -> None:
    stray = _NOT_PHONE_CHAR.search(text.removeprefix("+"))
    if stray:
        raise DialError(
            f"'{shown}' contains '{stray.group()}', which can't be part of a phone number"
        )


def _vanity_digits(text: str, shown: str) -> str:
    """Letters are keypad letters only in a vanity number; elsewhere they are a typo
    (an O for a 0) or prose, and guessing would dial a stranger."""
    if not phonenumbers.is_alpha_number(text):
        raise DialError(
            f"'{shown}' contains letters that are not part of a vanity number such as 1-800-FLOWERS"
        )
    return phonenumbers.convert_alpha_characters_in_number(text)


def _phone_target(text: str, region: str | None, shown: str) -> Target:
    if region is None and not text.startswith("+"):
        raise DialError(
            f"'{shown}' needs a country: add a + and country code, or set default_country"
        )
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        raise DialError(f"'{shown}' {_PARSE_PROBLEMS[error.error_type]}") from None
    _refuse_impossible_length(number, shown)
    return Target(
        "phone",
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
    )


def _refuse_impossible_length(number: PhoneNumber, shown: str) -> None:
    """Length, not assignment, decides: is_valid_number would refuse brand-new ranges."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != ValidationResult.IS_POSSIBLE:
        problem = _LENGTH_PROBLEMS[reason].format(country_code=number.country_code)
        raise DialError(f"'{shown}' {problem}")


def _sip_target(scheme: str, rest: str, shown: str) -> Target:
    """Normalise a SIP URI: scheme and host are case-insensitive, the user part is not."""
    if any(char.isspace() for char in rest):
        raise DialError(f"'{shown}' has a space in it, and a sip: address can't contain spaces")
    if "?" in rest:
        raise DialError(f"'{shown}' carries '?' headers, which can't be dialled; remove them")
    user, at, hostpart = rest.rpartition("@")
    if at and not user:
        raise DialError(f"'{shown}' has nothing before the '@'")
    if at and not _SIP_USER.fullmatch(user):
        raise DialError(
            f"'{shown}' has a user part ('{user}') that isn't allowed in a sip: address"
        )
    hostport, *params = hostpart.split(";")
    host, port = _sip_host_and_port(hostport, shown)
    for param in params:
        if not _SIP_PARAM.fullmatch(param):
            raise DialError(f"'{shown}' has a malformed parameter ';{param}'")
    port_part = f":{int(port)}" if port is not None else ""
    param_part = "".join(f";{param}" for param in params)
    address = f"{user}{at}{host}"
    return Target("sip", f"{scheme}:{address}{port_part}{param_part}", address)


def _sip_host_and_port(hostport: str, shown: str) -> tuple[str, str | None]:
    match = _SIP_HOSTPORT.fullmatch(hostport)
    if match is None:
        raise DialError(f"'{shown}' has a malformed host '{hostport}'")
    host, port = match.group(1).lower(), match.group(2)
    if not host:
        raise DialError(
            f"'{shown}' has no host: a sip: address needs one, as in sip:alice@example.com"
        )
    if not _is_valid_host(host):
        raise DialError(f"'{shown}' has '{host}' as its host, which is not a valid host name")
    if port is not None and not (_PORT.fullmatch(port) and 1 <= int(port) <= 65535):
        raise DialError(f"'{shown}' has a bad port '{port}': a port is a number from 1 to 65535")
    return host, port


def _is_valid_host(host: str) -> bool:
    try:
        if host.startswith("["):
            ipaddress.IPv6Address(host[1:-1])
        elif _IPV4_LIKE.fullmatch(host):
            ipaddress.IPv4Address(host)
        else:
            return _HOSTNAME.fullmatch(host) is not None
    except ValueError:
        return False
    return True
