"""How a project names sizes and dimensions, and lays out its token inputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from shapelint.static import knowledge as kb
from shapelint.static.layout import Role


@dataclass(frozen=True)
class Conventions:
    """How a project names sizes and dimensions, and lays out its token inputs.

    The defaults come from knowledge; `[tool.shapelint]` extends them.
    """

    batch: frozenset[str] = kb.BATCH_SIZE_NAMES
    time: frozenset[str] = kb.TIME_SIZE_NAMES
    sequences: frozenset[str] = kb.SEQUENCE_NAMES
    sequence_lists: frozenset[str] = kb.SEQUENCE_LIST_NAMES
    layers: frozenset[str] = kb.LAYER_SIZE_NAMES
    dimensions: Mapping[str, Role] = field(default_factory=lambda: dict(kb.DIMENSION_ROLES))
    input_layout: str | None = None  # "batch-first" or "time-major": tokens of unknown layout given to an Embedding

    def role_of(self, name: str) -> Role | None:
        if name in self.batch:
            return Role.BATCH
        if name in self.time:
            return Role.TIME
        if name in self.layers:
            return Role.LAYERS
        return None
