"""Flattening a time-major tensor per sample."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import libcst as cst

from shapelint.static.events import ReshapeEvent
from shapelint.static.examples import module
from shapelint.static.layout import Aligned, Role
from shapelint.static.messages import layout_words, origin_words, short
from shapelint.static.rewrites import int_args, method_call
from shapelint.static.rules import Report, SourceView, StaticRule
from shapelint.static.rules.view_as_transpose import flattens_time_major


def _model(body: str, lstm: str = "", layout: str = "") -> str:
    """A classifier whose forward runs an LSTM over `x` and then ``body``."""
    layout = layout or ("batch seq emb" if "batch_first=True" in lstm else "seq batch emb")
    return module(
        f"nn.LSTM(8, 16{lstm})",
        "out, (h_n, c_n) = self.rnn(x)\n" + textwrap.dedent(body),
        f'x: Float[Tensor, "{layout}"], batch_size',
        "self.fc = nn.Linear(16 * 5, 3)",
    )


class FlattenTimeMajor(StaticRule[ReshapeEvent]):
    """A time-major tensor is flattened per sample without moving batch to the front.

    ## What it does
    Flags `out.view(batch, -1)`, `out.reshape(batch, -1)` and `out.flatten(1)` where
    `out` is time-major `(time, batch, feat)`: the output of an RNN built without
    `batch_first=True`, or `pad_packed_sequence(...)` without `batch_first=True`.

    ## Why is this bad?
    In a time-major tensor, memory runs time step by time step, each holding every
    sample. `out.view(batch, -1)` cuts that memory into `batch` rows, so row 0 holds the
    first time steps of all samples, not sample 0's sequence; `flatten(1)` keeps time
    first and glues all samples into one feature vector. A Linear on top then mixes
    samples; nothing crashes.

    ## Example
    ```python
    out, (h_n, c_n) = self.lstm(x)          # out: (time, batch, hidden)
    logits = self.fc(out.view(batch_size, -1))
    ```

    ## Use instead
    ```python
    logits = self.fc(out.transpose(0, 1).reshape(batch_size, -1))
    ```
    or summarise the sequence with `h_n[-1]` or a (masked) pooling over time.
    """

    code = "SHP102"
    name = "flatten-time-major"
    fix_title = "Move the batch axis to the front before flattening"
    event = ReshapeEvent
    VALID = (
        _model("        return self.fc(out.transpose(0, 1).reshape(batch_size, -1))\n"),
        _model("        return self.fc(out.reshape(batch_size, -1))\n", lstm=", batch_first=True"),
        # Time and batch flattened together for a per-step Linear, then cut back.
        _model(
            "        t, b, h = out.shape\n        y = self.fc(out.view(t * b, h))\n        return y.view(t, b, -1)\n"
        ),
        _model("        return self.fc(h_n.view(batch_size, -1))\n"),
        _model("        return out.flatten(1)\n", lstm=", batch_first=True"),
        module(
            "nn.LSTM(8, 16)",
            "out, _ = self.rnn(packed)\nout, _ = pad_packed_sequence(out, batch_first=True)\n"
            "return out.reshape(batch_size, -1)\n",
            "packed, batch_size",
        ),
        # A one-step decoder output: a view to the sizes of batch and features alone can only drop a
        # time axis of size 1 (any longer one changes the number of elements, and view refuses).
        _model("        shape = out.shape\n        return self.fc(out.view(shape[1], shape[2]))\n"),
        # The tutorial: a batch of one sentence, so "flattening" only drops the size-1 batch.
        _model("        return self.fc(out.view(x.size(0), -1))\n", layout="seq 1 emb"),
    )
    INVALID = (
        _model("        return self.fc(out.view(batch_size, -1))\n"),
        # A packed sequence handed in: what `pad_packed_sequence` gives back is time-major all the same.
        module(
            "nn.LSTM(8, 16)",
            "out, _ = self.rnn(packed)\nout, lengths = pad_packed_sequence(out)\nreturn out.reshape(batch_size, -1)\n",
            "packed, batch_size",
        ),
        _model("        return self.fc(out.reshape(out.size(1), -1))\n"),
        _model("        return self.fc(out.flatten(1))\n"),
        _model("        return self.fc(torch.reshape(out, (batch_size, -1)))\n"),
    )

    def check(self, event: ReshapeEvent, source: SourceView) -> Iterator[Report]:
        tensor = event.tensor
        if not tensor.is_time_major():
            return
        if not (flattens_time_major(event) or _glues_batch_into_features(event)):
            return
        receiver = short(source.code(event.receiver), 30)
        time, batch = tensor.role_position(Role.TIME), tensor.role_position(Role.BATCH)
        assert time is not None and batch is not None
        replacement = _moved_first(event, time, batch)
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` flattens time-major `{receiver}` {layout_words(tensor)}, the "
            f"{origin_words(tensor, source)}: each row mixes time steps of several samples; use "
            f"`{short(source.code(replacement), 60)}`, or summarise over time (`h_n[-1]`, pooling)",
            replacement,
        )


def _moved_first(event: ReshapeEvent, time: int, batch: int) -> cst.Call:
    """The same flatten, of the tensor with batch moved before time."""
    call = event.call
    moved = method_call(event.receiver, "transpose", int_args(time, batch))
    if isinstance(call.func, cst.Attribute) and call.func.value is event.receiver:
        method = "flatten" if event.op == "flatten" else "reshape"  # a view of the transposed tensor would raise
        return method_call(moved, method, call.args)
    # torch.reshape(out, shape) / torch.flatten(out, 1): the tensor is the first argument.
    return call.with_changes(args=[call.args[0].with_changes(value=moved), *call.args[1:]])


def _glues_batch_into_features(event: ReshapeEvent) -> bool:
    """`flatten(1)`: time stays apart, batch is merged with features.

    Not `view(time, -1)`: that is the tutorial's batch-of-one idiom, and with a larger
    batch the Linear after it fails loudly on the size.
    """
    alignment = event.alignment
    if event.op != "flatten" or not isinstance(alignment, Aligned):
        return False
    for group in alignment.groups:
        if not group:
            continue
        atoms = [alignment.atoms[i][1] for i in group]
        roles = [atom.role for atom in atoms]
        # A batch known only from the RNN's convention may be 1 (the tutorial's `view(len(sentence), -1)`).
        real_batch = any(atom.role is Role.BATCH and not atom.assumed for atom in atoms)
        if real_batch and Role.TIME not in roles and len(roles) > 1:
            return True
    return False
