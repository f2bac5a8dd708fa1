"""Runtime rules: what the tracer reports, with the same code/name/doc contract as the static rules.

These modules never import torch, so `shapelint rules` lists them without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from shapelint.findings import Finding
from shapelint.rule import Rule
from shapelint.runtime.spans import span_of

if TYPE_CHECKING:
    from shapelint.runtime.observations import Observation

_SHORT_DTYPES = {"float32": "f32", "float64": "f64", "float16": "f16", "bfloat16": "bf16"}


class RuntimeRule(Rule):
    """A rule the tracer applies to what it observed; its examples are programs the tests run traced."""

    @classmethod
    def at(cls, place: str, message: str) -> Finding:
        """A finding at ``place`` (``path:line``), at the column of the call the run saw there."""
        path, _, line = place.rpartition(":")
        number = int(line) if line.isdigit() else 0
        column, end_line, end_column = span_of(place) or (1, number, 1)
        return Finding(path or "?", number, column, cls.code, cls.name, message, end_line, end_column)


def where(observation: Observation) -> str:
    """Where the observation was made, in words."""
    if observation.kind == "output":
        return f"the output of `{observation.module}`"
    if observation.kind == "state":
        return f"the initial state of `{observation.module}` at {observation.where}"
    return f"`{observation.module}` at {observation.where}"


def tensor_words(dtype: str, shape: Sequence[int], roles: Sequence[str] = ()) -> str:
    """A tensor as dtype and shape, ``f32[3,6,20]``, with each axis's role and size when given:
    ``f32[3,6,20] (batch=3 time=6 feat=20)``."""
    words = f"{_SHORT_DTYPES.get(dtype, dtype)}[{','.join(map(str, shape))}]"
    if not roles:
        return words
    return f"{words} ({' '.join(f'{role}={size}' for role, size in zip(roles, shape))})"
