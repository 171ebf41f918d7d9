"""Tests for softphone.numbers: what the user types becomes exactly one dial target, or a refusal
that says what is wrong."""

import pytest

from softphone.numbers import (
    MAX_INPUT_LENGTH,
    DialError,
    Target,
    display_number,
    format_as_you_type,
    parse_target,
)

US_NUMBER = Target("phone", "+12025550143", "+1 202-555-0143")
UK_NUMBER = Target("phone", "+442079460958", "+44 20 7946 0958")
ALICE = Target("sip", "sip:alice@example.com", "alice@example.com")


@pytest.mark.parametrize(
    "text",
    [
        "(202) 555-0143",
        "202.555.0143",
        "2025550143",
        "1 202 555 0143",
        "+1 202 555 0143",
        "202/555-0143",
    ],
)
def test_us_national_formats(text: str) -> None:
    assert parse_target(text, "US") == US_NUMBER


@pytest.mark.parametrize("country", [None, "US", "GB", "DE", "JP"])
def test_international_number_ignores_default_country(country: str | None) -> None:
    assert parse_target("+44 20 7946 0958", country) == UK_NUMBER


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("00 44 20 7946 0958", "GB"),
        ("00 44 20 7946 0958", "DE"),
        ("00 44 20 7946 0958", "FR"),
        ("011 44 20 7946 0958", "US"),
    ],
)
def test_international_dialling_prefix_of_the_default_country(text: str, country: str) -> None:
    assert parse_target(text, country) == UK_NUMBER


def test_lower_case_default_country_is_accepted() -> None:
    assert parse_target("2025550143", "us") == US_NUMBER


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("tel:+1-202-555-0143", None, US_NUMBER),
        ("tel:+1.202.555.0143", None, US_NUMBER),
        ("tel:+1(202)555-0143", None, US_NUMBER),
        ("tel:+12025550143;phone-context=example.com", None, US_NUMBER),
        ("tel:+12025550143;ext=12;isub=1", None, US_NUMBER),
        ("TEL:+12025550143", None, US_NUMBER),
        ("tel:20-7946-0958;phone-context=+44", None, UK_NUMBER),
        ("tel:20-7946-0958;Phone-Context=+44", "US", UK_NUMBER),
        ("tel:7946-0958;phone-context=+44-20", None, UK_NUMBER),
        ("tel:202-555-0143", "US", US_NUMBER),
        ("<tel:+12025550143>", None, US_NUMBER),
    ],
)
def test_tel_uris(text: str, country: str | None, expected: Target) -> None:
    assert parse_target(text, country) == expected


@pytest.mark.parametrize(
    ("text", "value", "display"),
    [
        ("sip:alice@example.com", "sip:alice@example.com", "alice@example.com"),
        (
            "sips:alice@example.com:5061;transport=tls",
            "sips:alice@example.com:5061;transport=tls",
            "alice@example.com",
        ),
        ("SIP:Alice@Example.com", "sip:Alice@example.com", "Alice@example.com"),
        ("Sips:Bob@EXAMPLE.ORG", "sips:Bob@example.org", "Bob@example.org"),
        (
            "sip:+12025550143@provider.net",
            "sip:+12025550143@provider.net",
            "+12025550143@provider.net",
        ),
        ("sip:alice@example.com:05060", "sip:alice@example.com:5060", "alice@example.com"),
        ("sip:alice@10.0.0.1:5060", "sip:alice@10.0.0.1:5060", "alice@10.0.0.1"),
        ("sip:alice@[2001:DB8::1]:5060", "sip:alice@[2001:db8::1]:5060", "alice@[2001:db8::1]"),
        ("sip:pbx.example.com", "sip:pbx.example.com", "pbx.example.com"),
        (
            "sip:alice%20smith@example.com",
            "sip:alice%20smith@example.com",
            "alice%20smith@example.com",
        ),
        ("alice@example.com", "sip:alice@example.com", "alice@example.com"),
        ("Alice@Example.COM", "sip:Alice@example.com", "Alice@example.com"),
        ("callto:alice@example.com", "sip:alice@example.com", "alice@example.com"),
        ("callto://alice@example.com", "sip:alice@example.com", "alice@example.com"),
    ],
)
def test_sip_addresses(text: str, value: str, display: str) -> None:
    assert parse_target(text, "US") == Target("sip", value, display)


@pytest.mark.parametrize(
    "text",
    [
        "<sip:alice@example.com>",
        '"Alice" <sip:alice@example.com>',
        '"Smith, Alice \\"Al\\"" <sip:alice@example.com>',
        "Alice Smith <sip:alice@example.com>",
        '"Alice" <sip:alice@example.com>;tag=a73kszlfl',
        "  < sip:alice@example.com >  ",
    ],
)
def test_sip_header_values_pasted_whole(text: str) -> None:
    assert parse_target(text) == ALICE


@pytest.mark.parametrize("text", ["callto:+12025550143", "callto://+12025550143"])
def test_callto_phone_numbers(text: str) -> None:
    assert parse_target(text) == US_NUMBER


def test_callto_national_number_uses_default_country() -> None:
    assert parse_target("callto:2025550143", "US") == US_NUMBER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1-800-FLOWERS", Target("phone", "+18003569377", "+1 800-356-9377")),
        ("1800flowers", Target("phone", "+18003569377", "+1 800-356-9377")),
        ("+1 800 GOT JUNK", Target("phone", "+18004685865", "+1 800-468-5865")),
    ],
)
def test_vanity_numbers(text: str, expected: Target) -> None:
    assert parse_target(text, "US") == expected


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("1001", "US"),
        ("100", "US"),
        ("*97", "US"),
        ("#31#", "US"),
        ("**21*", "US"),
        ("12", "US"),
        ("123456", "US"),
        ("1001", None),
        ("112", "DE"),
        ("*12345", "DE"),
    ],
)
def test_extensions(text: str, country: str | None) -> None:
    assert parse_target(text, country) == Target("extension", text, text)


def test_extension_is_stripped_of_surrounding_whitespace() -> None:
    assert parse_target("  1001\n", "US") == Target("extension", "1001", "1001")


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        # Six digits are a possible full number in Germany and Niue four, so those win.
        ("123456", "DE", Target("phone", "+49123456", "+49 123456")),
        ("4002", "NU", Target("phone", "+6834002", "+683 4002")),
    ],
)
def test_short_digits_that_are_a_possible_full_number_are_phone_numbers(
    text: str, country: str, expected: Target
) -> None:
    assert parse_target(text, country) == expected


def test_seven_characters_are_never_an_extension() -> None:
    with pytest.raises(DialError, match="too short"):
        parse_target("1234567", "US")


@pytest.mark.parametrize(
    "text",
    [
        "  2025550143  ",
        "\t2025550143\n",
        "\u00a0202\u00a0555\u00a00143\u00a0",
        "202\u2012555\u20120143",
        "202\u2013555\u20130143",
        "202\u2014555\u20140143",
        "202\u2212555\u22120143",
        "\uff12\uff10\uff12\uff15\uff15\uff15\uff10\uff11\uff14\uff13",
        "\uff0b\uff11 202 555 0143",
        "\u202a+1 202-555-0143\u202c",
        "\u200b2025550143",
        "\u0662\u0660\u0662\u0665\u0665\u0665\u0660\u0661\u0664\u0663",
    ],
)
def test_pasted_text_is_cleaned(text: str) -> None:
    assert parse_target(text, "US") == US_NUMBER


def test_full_width_sip_address() -> None:
    assert parse_target("sip:alice\uff20example.com") == ALICE


@pytest.mark.parametrize(
    ("text", "country", "problem"),
    [
        ("", "US", "nothing to call"),
        ("   ", "US", "nothing to call"),
        ("\u00a0\u200b", "US", "nothing to call"),
        ("<>", None, "nothing to call"),
        ("2025550143", None, "'2025550143' needs a country: add a + and country code"),
        ("020 7946 0958", None, "set default_country"),
        ("+44 20 79", "US", "'+44 20 79' is too short to be a full phone number"),
        ("+4420", "US", "'+4420' is too short to be a phone number"),
        ("0", "US", "'0' is not a phone number"),
        ("+", "US", "'+' is not a phone number"),
        ("011 44", "US", "too few digits follow the international prefix"),
        ("555-0143", "US", "if it is a local number, add the area code"),
        ("+1 202 555 01434", "US", "'+1 202 555 01434' is too long to be a phone number"),
        ("+44 12345678901234567", "US", "is too long to be a phone number"),
        ("1 800 MATTRESS", "US", "is too long to be a phone number"),
        ("1-800-FLOWERS x12", "US", "is too long to be a phone number"),
        ("+49 1234567890123456", None, "too long"),
        ("+999 1234567", "US", "'+999 1234567' does not start with a country code that exists"),
        ("202-555-O143", "US", "'202-555-O143' contains letters that are not part of a vanity"),
        ("hello", "US", "contains letters"),
        ("call 2025550143", "US", "contains letters"),
        ("202 555 0143 ext 5", "US", "contains letters"),
        ("2025550143*", "US", "mixes '*' or '#' into a number"),
        ("*2025550143", "US", "mixes '*' or '#'"),
        ("+1*97", "US", "mixes '*' or '#'"),
        ("202,555,0143", "US", "contains ',', which can't be part of a phone number"),
        ("202_555_0143", "US", "contains '_'"),
        ("8:30", "US", "contains ':'"),
        ("+1 202 555+0143", "US", "contains '+'"),
        ("++12025550143", "US", "contains '+'"),
        ("2025550143é", "US", "contains 'é'"),
    ],
)
def test_phone_refusals(text: str, country: str | None, problem: str) -> None:
    with pytest.raises(DialError) as caught:
        parse_target(text, country)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "mailto:alice@example.com",
            "'mailto:' links can't be called; use a phone number or a sip: address",
        ),
        ("http://example.com", "'http:' links can't be called"),
        ("HTTPS://example.com", "'https:' links can't be called"),
        ("skype:alice", "'skype:' links can't be called"),
        ("tel:", "'tel:' has no number in it"),
        ("callto:", "'callto:' has no number in it"),
        ("callto://", "has no number in it"),
        ("tel:1001;phone-context=example.com", "private numbering plan of 'example.com'"),
        ("tel:+1-202-555-01;phone-context=x", "is too short to be a phone number"),
        ("tel:+999-1234567", "does not start with a country code that exists"),
        ("tel:2025550143", "needs a country"),
    ],
)
def test_scheme_refusals(text: str, problem: str) -> None:
    with pytest.raises(DialError) as caught:
        parse_target(text)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("sip:", "'sip:' has no host"),
        ("sips:", "'sips:' has no host"),
        ("sip:alice@", "'sip:alice@' has no host"),
        ("sip:alice@;transport=tls", "has no host"),
        ("sip:alice@:5060", "has no host"),
        ("sip:@example.com", "has nothing before the '@'"),
        ("@example.com", "has nothing before the '@'"),
        ("sip:alice smith@example.com", "has a space in it"),
        ("sip:alice@example.com ;transport=tls", "has a space in it"),
        ("alice smith@example.com", "has a space in it"),
        ("sip:alice@exam\x00ple.com", "control character (U+0000)"),
        ("sip:alice\x07@example.com", "control character (U+0007)"),
        ("sip:alice@example.com\x1b[2J", "control character (U+001B)"),
        ("sip:alice@example.com:99999", "bad port '99999': a port is a number from 1 to 65535"),
        ("sip:alice@example.com:0", "bad port '0'"),
        ("sip:alice@example.com:", "bad port ''"),
        ("sip:alice@example.com:http", "bad port 'http'"),
        ("sip:alice@example.com:5060:5060", "bad port '5060:5060'"),
        ("sip:alice@exa_mple.com", "'exa_mple.com' as its host, which is not a valid host name"),
        ("sip:alice@-example.com", "not a valid host name"),
        ("sip:alice@example..com", "not a valid host name"),
        ("sip:alice@123", "'123' as its host"),
        ("sip:alice@192.168.1.300", "'192.168.1.300' as its host"),
        ("sip:alice@[zz::1]", "'[zz::1]' as its host"),
        ("sip:alice@[::1", "malformed host"),
        ("sip:alice:secret@example.com", "user part ('alice:secret') that isn't allowed"),
        ("sip:al<ice@example.com", "user part ('al<ice') that isn't allowed"),
        ("sip:alice%2@example.com", "user part ('alice%2')"),
        ("sip:alice@example.com?Subject=hi", "carries '?' headers"),
        ("sip:alice@example.com;", "malformed parameter ';'"),
        ("sip:alice@example.com;transport=tls;=x", "malformed parameter ';=x'"),
        ("sip:alice@ex\u00e4mple.com", "not a valid host name"),
    ],
)
def test_sip_refusals(text: str, problem: str) -> None:
    with pytest.raises(DialError) as caught:
        parse_target(text)
    assert problem in str(caught.value)


def test_text_longer_than_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(DialError, match="257 characters long, too long") as caught:
        parse_target("1" * (MAX_INPUT_LENGTH + 1), "US")
    assert "1111" not in str(caught.value)


def test_text_at_the_limit_is_parsed() -> None:
    padded = "2025550143".center(MAX_INPUT_LENGTH)
    assert len(padded) == MAX_INPUT_LENGTH
    assert parse_target(padded, "US") == US_NUMBER


@pytest.mark.parametrize("country", ["XX", "", "USA", "001", "ZZ"])
def test_unknown_default_country_is_named(country: str) -> None:
    with pytest.raises(DialError) as caught:
        parse_target("+12025550143", country)
    assert f"the default country {country!r} is not a known two-letter region code" in str(
        caught.value
    )


def test_dial_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_target("", "US")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (US_NUMBER, "sip:+12025550143@provider.net"),
        (Target("extension", "1001", "1001"), "sip:1001@provider.net"),
        (Target("extension", "*97", "*97"), "sip:*97@provider.net"),
        (Target("extension", "#31#", "#31#"), "sip:%2331%23@provider.net"),
        (ALICE, "sip:alice@example.com"),
        (
            Target("sip", "sips:bob@example.org:5061;transport=tls", "bob@example.org"),
            "sips:bob@example.org:5061;transport=tls",
        ),
    ],
)
def test_request_uri(target: Target, expected: str) -> None:
    assert target.request_uri("provider.net") == expected


def test_request_uri_strips_domain() -> None:
    assert US_NUMBER.request_uri(" provider.net ") == "sip:+12025550143@provider.net"


@pytest.mark.parametrize("domain", ["", "  "])
def test_request_uri_needs_a_domain_for_numbers(domain: str) -> None:
    with pytest.raises(DialError, match="no SIP domain to call through"):
        US_NUMBER.request_uri(domain)


def test_request_uri_of_sip_target_needs_no_domain() -> None:
    assert ALICE.request_uri("") == "sip:alice@example.com"


def test_request_uri_from_parsed_text() -> None:
    assert parse_target("(202) 555-0143", "US").request_uri("sip.example.net") == (
        "sip:+12025550143@sip.example.net"
    )


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("2", "US", "2"),
        ("202", "US", "202"),
        ("2025", "US", "202-5"),
        ("2025550", "US", "202-5550"),
        ("2025550143", "US", "(202) 555-0143"),
        ("202-555-0143", "US", "(202) 555-0143"),
        ("\uff12\uff10\uff12\uff15\uff15\uff15\uff10", "US", "202-5550"),
        ("+4420794", "US", "+44 20 794"),
        ("+442079460958", None, "+44 20 7946 0958"),
        ("02079460958", "GB", "020 7946 0958"),
        ("020794", None, "020794"),
        ("", "US", ""),
        ("+", None, "+"),
    ],
)
def test_format_as_you_type(text: str, country: str | None, expected: str) -> None:
    assert format_as_you_type(text, country) == expected


@pytest.mark.parametrize("text", ["alice@", "sip:al", "*97", "1-800-FLOW", "12+3"])
def test_format_as_you_type_leaves_non_numbers_alone(text: str) -> None:
    assert format_as_you_type(text, "US") == text


def test_format_as_you_type_refuses_unknown_country() -> None:
    with pytest.raises(DialError, match="'XX'"):
        format_as_you_type("202", "XX")


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+12025550143", "+1 202-555-0143"),
        ("+442079460958", "+44 20 7946 0958"),
        ("+4930123456", "+49 30 123456"),
        ("anonymous", "anonymous"),
        ("", ""),
    ],
)
def test_display_number(e164: str, expected: str) -> None:
    assert display_number(e164) == expected


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("(202) 555-0143", "US"),
        ("00 44 20 7946 0958", "DE"),
        ("1-800-FLOWERS", "US"),
        ("tel:20-7946-0958;phone-context=+44", None),
        ("sips:Alice@Example.com:5061;transport=tls", None),
        ('"Alice" <sip:alice@example.com>', None),
        ("callto:alice@example.com", None),
        ("*97", "US"),
        ("#31#", "US"),
    ],
)
def test_value_round_trips(text: str, country: str | None) -> None:
    target = parse_target(text, country)
    assert parse_target(target.value, country) == target


@pytest.mark.parametrize(
    ("text", "country"),
    [("(202) 555-0143", "US"), ("011 44 20 7946 0958", "US"), ("+81 3-1234-5678", None)],
)
def test_phone_display_round_trips(text: str, country: str | None) -> None:
    target = parse_target(text, country)
    assert parse_target(target.display) == target
    assert display_number(target.value) == target.display


def test_target_is_immutable() -> None:
    with pytest.raises(AttributeError):
        US_NUMBER.value = "+1"  # type: ignore[misc]
