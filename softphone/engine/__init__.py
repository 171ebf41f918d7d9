"""The SIP/RTP engine: the only package that imports pjsua2."""

from softphone.engine.account import Relay
from softphone.engine.engine import Engine, EngineError

__all__ = ["Engine", "EngineError", "Relay"]
