"""Static rules: one module per pattern. Each rule reads inference events, never files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import libcst as cst

from shapelint.rule import Rule
from shapelint.static.events import (
    AttentionEvent,
    IndexEvent,
    MatmulEvent,
    PackEvent,
    PositionIndexEvent,
    ReduceEvent,
    ReshapeEvent,
    ReturnEvent,
    RnnCallEvent,
    RowPick,
    StepsJoinedEvent,
)


@dataclass(frozen=True)
class Report:
    """What a rule says: the node to point at, the message, and, when the rule is sure of the
    repair, the expression that should stand where ``node`` stands."""

    node: cst.CSTNode
    message: str
    replacement: cst.BaseExpression | None = None


class SourceView(Protocol):
    """What a rule may ask of the file it checks; positions are computed only on demand."""

    def code(self, node: cst.CSTNode) -> str: ...

    def line(self, node: cst.CSTNode | None) -> int: ...

    def at(self, node: cst.CSTNode | None) -> str:
        """Where ``node`` is, in words: ``line 12`` (``cell 3, line 2`` in a notebook)."""
        ...

    def seen_from(self, node: cst.CSTNode) -> SourceView:
        """The file that holds ``node`` (a report on it is placed there), as a view of its own."""
        ...

    def imported_as(self, module: str) -> str | None:
        """The name the file binds to ``module`` (``torch``) by an import, if any."""
        ...


EventT = TypeVar(
    "EventT",
    ReshapeEvent,
    PackEvent,
    IndexEvent,
    RowPick,
    MatmulEvent,
    RnnCallEvent,
    ReduceEvent,
    ReturnEvent,
    PositionIndexEvent,
    AttentionEvent,
    StepsJoinedEvent,
)


class StaticRule(Rule, Generic[EventT]):
    """A rule over one kind of event of the layout inference (or a few kinds that mean one thing)."""

    event: ClassVar[type[Any] | tuple[type[Any], ...]]

    def check(self, event: EventT, source: SourceView) -> Iterator[Report]:
        raise NotImplementedError


class FileRule(Rule):
    """A rule the engine applies to the file itself (it cannot be read, decoded or parsed)."""
