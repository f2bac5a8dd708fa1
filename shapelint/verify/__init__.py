"""`shapelint verify`: the reference models through both halves and the behavioural checks. Needs torch.

:func:`verify` returns one :class:`Row` per variant and size: its static findings, and per
device its runtime findings and check outcomes; a row's ``problems`` say where it breaks
the contract (a buggy model must be caught by both halves and fail a check; a fixed one,
hand-written or made by ``--fix``, must be clean and pass every check on every device).
"""

from __future__ import annotations

from shapelint.verify.outcome import CheckCell, DeviceRun, Row
from shapelint.verify.running import DEVICES, verify

__all__ = ["DEVICES", "CheckCell", "DeviceRun", "Row", "verify"]
