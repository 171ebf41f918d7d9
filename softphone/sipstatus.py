"""SIP status codes in the words a person calling a phone number would use.

Providers put all sorts of text in their reason phrases ("Forbidden", "Q.850;cause=17"), so the
message comes from the code alone; the raw code and phrase stay available for details.
"""

from __future__ import annotations

CALL_MESSAGES: dict[int, str] = {
    400: "The provider could not understand the call request.",
    401: "The provider refused the call: the username or password is wrong.",
    402: "The provider wants payment before this call can be made: check your balance.",
    403: "The provider refused the call: the account may not call this number "
    "(check the password, balance or calling permissions).",
    404: "That number or address does not exist.",
    405: "The provider does not allow this kind of call.",
    407: "The provider refused the call: the username or password is wrong.",
    408: "No answer from the provider or the other side in time.",
    410: "That number is no longer in service.",
    413: "The call request was too large for the provider.",
    414: "The number or address is too long for the provider.",
    415: "The other side does not support this kind of call.",
    416: "The provider cannot call this kind of address.",
    420: "The other side does not support a feature this call needs.",
    421: "The other side needs a feature this softphone did not offer.",
    423: "The provider asked for a different registration interval.",
    480: "The person you called is not available right now.",
    481: "The call no longer exists on the other side.",
    482: "The call went round in a loop at the provider.",
    483: "The call passed through too many servers.",
    484: "The number is incomplete.",
    485: "The address is ambiguous.",
    486: "The line is busy.",
    487: "The call was cancelled.",
    488: "The other side could not agree on audio settings (no common codec).",
    491: "Both sides tried to change the call at once; try again.",
    493: "The other side could not decrypt the call.",
    500: "The provider had an internal error.",
    501: "The provider does not support this request.",
    502: "The provider could not reach the other network.",
    503: "The provider is unavailable right now. Try again later.",
    504: "The provider timed out reaching the other network.",
    505: "The provider does not speak this SIP version.",
    513: "The call request was too large for the provider.",
    580: "The call could not be set up: the provider could not meet its conditions.",
    600: "The line is busy everywhere.",
    603: "The call was declined.",
    604: "That number or address does not exist anywhere.",
    606: "The other side cannot accept this call.",
}

CLASS_MESSAGES: dict[int, str] = {
    3: "The call was redirected elsewhere and could not be followed.",
    4: "The call could not be completed.",
    5: "The provider had a problem completing the call.",
    6: "The other side refused the call.",
}

REGISTRATION_MESSAGES: dict[int, str] = {
    401: "Wrong username or password.",
    403: "Wrong username or password, or the account is disabled.",
    404: "The provider does not know this username.",
    407: "Wrong username or password.",
    408: "The provider is not answering.",
    423: "The provider asked for a different registration interval.",
    480: "The provider is temporarily unavailable.",
    500: "The provider had an internal error.",
    502: "The provider could not be reached.",
    503: "The provider is unavailable right now.",
    504: "The provider timed out.",
}


def call_failure_message(code: int) -> str:
    """Why a call ended or failed, for a status line or a notification."""
    return CALL_MESSAGES.get(code) or CLASS_MESSAGES.get(code // 100, f"The call failed ({code}).")


def registration_message(code: int) -> str:
    """Why an account is not registered."""
    if 200 <= code < 300:
        return "Registered."
    return REGISTRATION_MESSAGES.get(code) or f"Registration failed ({code})."


def retryable_registration_failure(code: int) -> bool:
    """Failures worth retrying with backoff; a wrong password never is (it would lock accounts)."""
    return code in {408, 480, 500, 502, 503, 504} or code >= 600 or code < 100
