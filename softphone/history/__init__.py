"""The call history: every call with who, when, how it ended and how it sounded, written as
the engine reports it and kept safe from crashes."""

from softphone.history.calllog import CallLog
from softphone.history.model import CallFilter, CallQuality, CallRecord, Outcome
from softphone.history.outcome import outcome_of
from softphone.history.party import dialable
from softphone.history.store import HistoryStore, default_history_path

__all__ = [
    "CallFilter",
    "CallLog",
    "CallQuality",
    "CallRecord",
    "HistoryStore",
    "Outcome",
    "default_history_path",
    "dialable",
    "outcome_of",
]
