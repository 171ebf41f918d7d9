"""The SIP/RTP engine: the only package that imports pjsua2."""

from softphone.engine.engine import Engine, EngineError

__all__ = ["Engine", "EngineError"]
