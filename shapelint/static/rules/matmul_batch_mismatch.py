"""A batched matrix product whose operands are batched over different axes (time in one, samples in the other)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from shapelint.static.events import MatmulEvent
from shapelint.static.examples import module
from shapelint.static.layout import Role, Tensor
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_RNN = "nn.GRU(8, 16)"
_PARAMS = 'x: Float[Tensor, "seq batch emb"], weights: Float[Tensor, "seq batch"]'


class MatmulBatchMismatch(StaticRule[MatmulEvent]):
    """`torch.bmm(a, b)` where the first axis of `a` is time and that of `b` the batch (or back).

    ## What it does
    Flags a batched matrix product (`torch.bmm`, `matmul` or `@` of 3-D tensors) whose two
    operands have different known meanings on their first axis: one is laid out time-major,
    the other batch-first. The classic case is attention weights computed over a time-major
    encoder output, `(src_len, batch)`, multiplied into the batch-first encoder outputs.

    ## Why is this bad?
    `bmm` multiplies matrix `i` of one operand by matrix `i` of the other. With time first in
    one and samples first in the other, it raises unless the sequence is as long as the batch,
    and then it pairs each time step of one with a sample of the other: every context vector
    mixes samples.

    ## Example
    ```python
    attention = F.softmax(energy, dim=0)                     # (src_len, batch)
    context = torch.bmm(attention.unsqueeze(1), encoder_outputs.transpose(0, 1))
    ```

    ## Use instead
    ```python
    attention = F.softmax(energy, dim=0).transpose(0, 1)     # (batch, src_len)
    context = torch.bmm(attention.unsqueeze(1), encoder_outputs.transpose(0, 1))
    ```
    """

    code = "SHP110"
    name = "matmul-batch-mismatch"
    fix_title = "Put the batch axis first in both operands"
    event = MatmulEvent
    VALID = (
        module(
            _RNN,
            "out, _ = self.rnn(x)\nreturn torch.bmm(weights.t().unsqueeze(1), out.transpose(0, 1))",
            _PARAMS,
        ),
        # Both time-major: matrix t of one meets matrix t of the other, as meant.
        module(_RNN, "out, _ = self.rnn(x)\nreturn torch.bmm(out, out.transpose(1, 2))", _PARAMS),
    )
    INVALID = (
        module(
            _RNN,
            "out, _ = self.rnn(x)\nreturn torch.bmm(weights.unsqueeze(1), out.transpose(0, 1))",
            _PARAMS,
        ),
        module(_RNN, "out, _ = self.rnn(x)\nreturn out @ out.permute(1, 2, 0)", _PARAMS),
    )

    def check(self, event: MatmulEvent, source: SourceView) -> Iterator[Report]:
        left, right = event.left, event.right
        if {_lead(left), _lead(right)} != {Role.BATCH, Role.TIME} and not _swapped(left, right):
            return
        operands = _operands(event.node)
        time_major = left if left.axes[0].role is Role.TIME else right
        batch = time_major.role_position(Role.BATCH)
        swap = f".transpose(0, {batch if batch is not None else 1})"
        fix = f"`{short(source.code(operands[0 if time_major is left else 1]), 40)}{swap}`" if operands else f"`{swap}`"
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` multiplies matrix by matrix along the first axes of "
            f"{layout_words(left)} and {layout_words(right)} ({_origins(left, right, source)}): time steps in "
            "one, samples in the other; it raises unless the "
            f"sequence is as long as the batch, and then pairs steps with samples; use {fix} so that both "
            "are batch-first",
        )


def _origins(left: Tensor, right: Tensor, source: SourceView) -> str:
    first, second = source.at(left.where), source.at(right.where)
    return f"both from {first}" if first == second else f"from {first} and {second}"


def _lead(tensor: Tensor) -> Role | None:
    """What the first axis counts, when that is known for sure (not a convention's guess, not size 1)."""
    axis = tensor.axes[0]
    if axis.singleton or axis.assumed or axis.parts:
        return None
    return axis.role if axis.role in (Role.BATCH, Role.TIME) else None


def _swapped(left: Tensor, right: Tensor) -> bool:
    """The first axis of each is another axis of the other (`attention` (time, 1, batch) against
    `outputs.transpose(0, 1)` (batch, time, feat)), whatever a convention guessed they mean."""
    first, second = left.axes[0], right.axes[0]
    if first is second or first.singleton or second.singleton:
        return False
    return first in right.axes[1:] and second in left.axes[1:] and {first.role, second.role} == {Role.BATCH, Role.TIME}


def _operands(node: cst.CSTNode) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """The two matrices of `a @ b`, `torch.bmm(a, b)` or `a.bmm(b)`."""
    if isinstance(node, cst.BinaryOperation):
        return node.left, node.right
    if isinstance(node, cst.Call):
        values = [arg.value for arg in node.args]
        if len(values) == 2:
            return values[0], values[1]
        if len(values) == 1 and isinstance(node.func, cst.Attribute):
            return node.func.value, values[0]
    return None
