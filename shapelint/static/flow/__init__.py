"""The layout inference: a flow analysis per function that tells the rules what it knew, as events."""

from shapelint.static.flow.module import module_events

__all__ = ["module_events"]
