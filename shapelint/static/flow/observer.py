"""What an observer of the flow analysis is told: every value an expression gets, every assignment.

`shapelint explain` listens, to show what the inference knew on a line and why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import libcst as cst

from shapelint.static.values import Value

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow


class Observer(Protocol):
    def evaluated(self, flow: FunctionFlow, node: cst.BaseExpression, value: Value) -> None: ...

    def assigned(self, flow: FunctionFlow, target: cst.BaseExpression, value: cst.BaseExpression) -> None: ...
