"""Behavioural checks: prove a fix right, not just shape-compatible. Needs torch.

* :func:`batch_independence`: does one sample's output depend on another sample's input?
* :func:`padding_invariance`: does a sample's output change with more padding, or other padding content?
* :func:`reference_equivalence`: does the padded batch give each sample what it gets alone, unpadded?
* :func:`parameter_use`: does every trainable parameter reach the output?
* :func:`device_agreement`: do the same weights give the same outputs on every available device?

Each returns a :class:`CheckResult` (truthy when it passed) whose text says what failed and
where; bad arguments raise :class:`CheckError` with a message saying which.
"""

from __future__ import annotations

from shapelint.checks.devices import device_agreement
from shapelint.checks.independence import batch_independence
from shapelint.checks.padding import padding_invariance, reference_equivalence
from shapelint.checks.result import CheckError, CheckResult
from shapelint.checks.usage import parameter_use

__all__ = [
    "CheckError",
    "CheckResult",
    "batch_independence",
    "device_agreement",
    "padding_invariance",
    "parameter_use",
    "reference_equivalence",
]
