"""`view`/`reshape` used where a transpose was meant."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import libcst as cst

from shapelint.static.events import ReshapeEvent
from shapelint.static.examples import module
from shapelint.static.layout import WILDCARD, Axis, Entry, Misaligned, Role, Tensor
from shapelint.static.messages import entry_words, layout_words, origin_words, short
from shapelint.static.rewrites import int_args, method_call, moved_axes
from shapelint.static.rules import Report, SourceView, StaticRule


def _model(body: str, tokens: str = '"batch seq"', lstm: str = "") -> str:
    """A tagger whose forward embeds `tokens` (declared `tokens`) and then runs ``body``."""
    return module(
        f"nn.LSTM(8, 16{lstm})",
        "embeds = self.embedding(tokens)\n" + textwrap.dedent(body),
        f"tokens: Int[Tensor, {tokens}]",
        "self.embedding = nn.Embedding(100, 8)",
    )


def _state_from_code(state: str, layers: str = "2") -> str:
    """A GRU whose initial state is ``state``, computed from a per-sample code ``z`` (batch, latent)."""
    return module(
        f"nn.GRU(8, 16, num_layers={layers})",
        f"batch_size = z.size(0)\nh0 = {state}\nreturn self.rnn(x, h0)",
        'x: Float[Tensor, "seq batch emb"], z: Float[Tensor, "batch latent"]',
        f"self.layers = {layers}\nself.to_state = nn.Linear(4, {layers} * 16)",
    ).replace("def __init__(self):", "def __init__(self, layers):" if layers == "layers" else "def __init__(self):")


class ViewAsTranspose(StaticRule[ReshapeEvent]):
    """`view`/`reshape` reorders axes: it re-cuts memory instead of transposing.

    ## What it does
    Flags a `view` or `reshape` whose target shape puts the input's axes in a
    different order, such as `embeds.view(len(sentence), self.batch_size, -1)` on a
    batch-first embedding `(batch, time, feat)`, or `x.view(x.size(1), x.size(0), -1)`.

    ## Why is this bad?
    `view` and `reshape` keep the order of the elements in memory; they only cut it
    into a new shape. On a `(batch, time, feat)` tensor, `view(time, batch, -1)` does
    not swap the axes: each "time step" of the result holds tokens of several samples.
    Nothing crashes, and when batch size equals sequence length every shape even looks
    right, but the model sees scrambled sequences and cannot learn. The rule knows the
    layout from the code (RNN `batch_first`, declared jaxtyping shapes, size names), so it
    fires on the same code whatever the runtime sizes.

    ## Example
    ```python
    embeds = self.embedding(sentence)            # (batch, time, emb)
    x = embeds.view(len(sentence), self.batch_size, -1)
    out, _ = self.rnn(x)                        # time-major LSTM
    ```

    ## Use instead
    ```python
    x = embeds.transpose(0, 1)                   # (time, batch, emb)
    out, _ = self.rnn(x)
    ```
    or build the LSTM with `batch_first=True` and pass `embeds` as it is.
    """

    code = "SHP101"
    name = "view-as-transpose"
    fix_title = "Use `transpose`/`permute` (or `batch_first=True`) instead of `view`"
    event = ReshapeEvent
    VALID = (
        # The same state cut with the batch first, then moved.
        _state_from_code("self.to_state(z).view(batch_size, 2, 16).transpose(0, 1).contiguous()"),
        # The number of layers is not known: with one layer, the batch moves nowhere.
        _state_from_code("self.to_state(z).view(self.layers, batch_size, 16)", layers="layers"),
        _model("        return self.rnn(embeds.transpose(0, 1))\n"),
        # A time-major tensor viewed in the order it already has.
        _model("        return self.rnn(embeds.view(seq_len, self.batch_size, -1))\n", tokens='"seq batch"'),
        # The PyTorch tutorial: one sentence, batch of 1.
        _model("        return self.rnn(embeds.view(len(tokens), 1, -1))\n", tokens='"seq"'),
        # Flattening batch and time together for a Linear, then cutting them back apart.
        _model(
            "        b, t = tokens.shape\n        flat = embeds.reshape(b * t, -1)\n"
            "        return flat.view(b, t, -1)\n"
        ),
        _model(
            "        return self.rnn(embeds.view(embeds.size(0), embeds.size(1), 2, 4).flatten(2))\n",
            lstm=", batch_first=True",
        ),
        # Batch and heads merged in memory order: the factors of a product may come in any order.
        _model("        b, t = tokens.shape\n        return embeds.view(t * b, -1)\n"),
        # Attention weights over (batch * steps) rows, cut back with the sizes that made the rows.
        _model(
            "        b, t = tokens.shape\n        scores = torch.bmm(embeds, embeds.transpose(1, 2))\n"
            "        weights = scores.view(b * t, t).softmax(-1)\n        return weights.view(b, t, t)\n"
        ),
        # A relative-position shift re-cuts the trailing axes of each sample on purpose.
        module(
            "nn.LSTM(8, 16)",
            "bsz, heads, len1, len2 = scores.shape\n"
            "padded = torch.cat([scores.new_zeros(bsz, heads, len1, 1), scores], dim=-1)\n"
            "return padded.view(bsz, heads, len2 + 1, len1)[:, :, 1:].view_as(scores)\n",
            params="scores",
        ),
    )
    INVALID = (
        # `sentence` is one row of the batch: `len(sentence)` is the sequence length.
        _model(
            "        sentence = tokens[0]\n        return self.rnn(embeds.view(len(sentence), self.batch_size, -1))\n"
        ),
        _model("        return self.rnn(embeds.view(embeds.size(1), embeds.size(0), -1))\n"),
        _model("        x = embeds.reshape(seq_len, -1)\n        return x\n"),
        # The output of a batch-first LSTM cut as if it were time-major.
        _model(
            "        out, _ = self.rnn(embeds)\n        seq_len, batch_size = out.size(1), out.size(0)\n"
            "        return out.reshape(seq_len, batch_size, -1)\n",
            lstm=", batch_first=True",
        ),
        # Within each sample: time and features swapped by a view, meant as a transpose for a Conv1d.
        _model("        return embeds.view(embeds.size(0), embeds.size(2), embeds.size(1))\n"),
        # An initial state cut from a per-sample vector as (layers, batch, hidden): the batch is moved
        # inward by a view, which re-cuts memory (a VAE decoder started from its latent code).
        _state_from_code("self.to_state(z).view(2, batch_size, 16)"),
    )

    def check(self, event: ReshapeEvent, source: SourceView) -> Iterator[Report]:
        if event.op not in ("view", "reshape"):
            return
        if not isinstance(event.alignment, Misaligned) or not _recuts_against_meaning(event):
            # What the input's axes become is not known, but where its batch goes may be.
            inward = _batch_moved_inward(event)
            if inward is not None:
                yield self._batch_inward(event, inward, source)
            return
        if flattens_time_major(event):
            return
        wanted, tensor = event.alignment.wanted, event.tensor
        if tensor.rnn is not None and tensor.rnn.state:
            return  # h_n cut per sample: hn-view says it better
        receiver = short(source.code(event.receiver), 30)
        hint, replacement = _fix(event, source)
        alternative = ""
        if wanted.role is Role.TIME and tensor.is_batch_first():
            alternative = ", or, if it feeds a time-major RNN, build that RNN with `batch_first=True` and pass it as is"
        yield Report(
            event.call,
            f"`{short(source.code(event.call))}` re-cuts `{receiver}` {layout_words(tensor)} into "
            f"{entry_words(event.entries)}: a {event.op} keeps memory order, so it mixes samples instead of "
            f"moving axes (`{receiver}` is the {origin_words(tensor, source)}); use {hint}{alternative}",
            replacement,
        )

    def _batch_inward(self, event: ReshapeEvent, position: int, source: SourceView) -> Report:
        receiver = short(source.code(event.receiver), 30)
        hint, replacement = _inward_fix(event, position, source)
        ordinal = ("second", "third", "fourth")[position - 1] if position < 4 else f"axis {position}"
        return Report(
            event.call,
            f"`{short(source.code(event.call))}` asks for the batch of `{receiver}` {layout_words(event.tensor)} as "
            f"its {ordinal}, but a {event.op} keeps memory order and `{receiver}` holds each sample's values "
            f"together, batch outermost: the sizes before the batch are cut from the first samples' memory, so every "
            f"row of the result mixes samples (`{receiver}` is the {origin_words(event.tensor, source)}); cut with "
            f"the batch first and move it: use {hint}",
            replacement,
        )


def _batch_moved_inward(event: ReshapeEvent) -> int | None:
    """Where a view asks for the batch when the input holds it outermost in memory and something
    larger than one comes first: ``(batch, layers * hidden)`` viewed as ``(layers, batch, hidden)``.

    Every row of such a result is cut from the first samples' memory, whatever the sizes are. The
    target's batch is a size named so; what comes before it is a known number above one (a literal,
    or a setting: a size that may be 1, such as an unknown ``n_layers``, says nothing).
    """
    tensor = event.tensor
    if tensor.memory is not None or tensor.noncontiguous is not None or tensor.rank < 2:
        return None
    batch = tensor.axes[0]
    if batch.role is not Role.BATCH or batch.singleton or batch.assumed or batch.parts:
        return None
    named_batch = [i for i, entry in enumerate(event.entries) if _is_batch(entry)]
    if len(named_batch) != 1 or named_batch[0] == 0:
        return None
    position = named_batch[0]
    if not any(count is not None and count > 1 for count in event.counts[:position]):
        return None
    return position


def _is_batch(entry: Entry) -> bool:
    return isinstance(entry, tuple) and len(entry) == 1 and entry[0].role is Role.BATCH


def _recuts_against_meaning(event: ReshapeEvent) -> bool:
    """Whether the view puts memory where the input's axes meant something else.

    Batch and time swapped mix samples. Another axis of the same tensor asked for where the
    batch axis lies does too. Within a sample (the batch axis untouched) a re-cut is a bug only
    when the target is a pure reordering of axes of known meaning (`x.view(B, E, T)` of a
    `(B, T, E)` tensor): a re-cut of unnamed trailing axes is how some attention code shifts
    positions on purpose (Transformer-XL's relative shift).
    """
    assert isinstance(event.alignment, Misaligned)
    wanted, found, tensor = event.alignment.wanted, event.alignment.found, event.tensor
    roles = {wanted.role, found.role}
    if roles == {Role.BATCH, Role.TIME}:
        return True
    other_axis = isinstance(wanted, Axis) and any(wanted in axis.atoms() for axis in tensor.axes)
    if not other_axis:
        return False
    if Role.BATCH in roles:
        return True
    meaningful = roles & {Role.TIME, Role.FEAT, Role.LAYERS}
    return bool(meaningful) and _permutation(tensor, event.entries) is not None


def _inward_fix(event: ReshapeEvent, position: int, source: SourceView) -> tuple[str, cst.Call | None]:
    """Cut with the batch first, where memory has it, then move it: ``x.view(b, f, h).transpose(0, 1)``."""
    call = event.call
    sizes = [arg for arg in call.args if not arg.star]
    method_form = isinstance(call.func, cst.Attribute) and call.func.value is event.receiver
    plain = len(sizes) == len(call.args) == len(event.entries) and all(arg.keyword is None for arg in sizes)
    if not method_form or not plain:
        return "a view with the batch first, then `.movedim(0, ...)` to move it", None
    batch_first = [sizes[position], *sizes[:position], *sizes[position + 1 :]]
    cut = method_call(
        event.receiver, event.op, [arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in batch_first]
    )
    moved = (
        method_call(cut, "transpose", int_args(0, 1))
        if position == 1
        else method_call(cut, "movedim", int_args(0, position))
    )
    fixed = method_call(moved, "contiguous", [])
    return f"`{short(source.code(fixed), 70)}`", fixed


def flattens_time_major(event: ReshapeEvent) -> bool:
    """`view(batch, -1)` on a time-major tensor: flatten-time-major's case, not this rule's."""
    if not isinstance(event.alignment, Misaligned) or not event.tensor.is_time_major():
        return False
    names_time = any(isinstance(entry, tuple) and any(a.role is Role.TIME for a in entry) for entry in event.entries)
    found, wanted = event.alignment.found, event.alignment.wanted
    return wanted.role is Role.BATCH and found.role is Role.TIME and not names_time


def _fix(event: ReshapeEvent, source: SourceView) -> tuple[str, cst.Call | None]:
    """How to move the axes: as a hint in backticks, and as a replacement expression when it is certain.

    Certain: the target is a pure reordering (`x.transpose(0, 1)`), or it names both batch and
    time so that moving them and then reshaping keeps every other size (`.transpose(...).reshape(...)`).
    """
    tensor, misaligned, call = event.tensor, event.alignment, event.call
    assert isinstance(misaligned, Misaligned)
    method_form = isinstance(call.func, cst.Attribute) and call.func.value is event.receiver
    order = _permutation(tensor, event.entries)
    if order is not None:
        moved = moved_axes(event.receiver, order)
        return f"`{short(source.code(moved), 60)}`", moved if method_form else None
    first = next(i for i, axis in enumerate(tensor.axes) if misaligned.found in axis.atoms())
    second = _position(tensor, misaligned.wanted)
    pair = sorted((first, second if second is not None else first + 1))
    names = {atom.role for entry in event.entries if isinstance(entry, tuple) for atom in entry}
    if method_form and second is not None and {Role.BATCH, Role.TIME} <= names:
        fixed = method_call(method_call(event.receiver, "transpose", int_args(*pair)), "reshape", call.args)
        return f"`{short(source.code(fixed), 60)}`", fixed
    moved = method_call(event.receiver, "transpose", int_args(*pair))
    return f"`{short(source.code(moved), 60)}` (then `.reshape(...)` if the sizes change)", None


def _position(tensor: Tensor, atom: object) -> int | None:
    for index, axis in enumerate(tensor.axes):
        if atom is axis:
            return index
    role = getattr(atom, "role", None)
    return tensor.role_position(role) if isinstance(role, Role) else None


def _permutation(tensor: Tensor, entries: tuple[Entry, ...]) -> tuple[int, ...] | None:
    """The axis order the target asks for, when it is a pure reordering of the input."""
    positions: list[int | None] = []
    for entry in entries:
        if entry is WILDCARD:
            positions.append(None)
        elif isinstance(entry, tuple) and len(entry) == 1:
            positions.append(_position(tensor, entry[0]))
            if positions[-1] is None:
                return None
        else:
            return None
    if positions.count(None) > 1 or len(positions) != tensor.rank:
        return None
    rest = set(range(tensor.rank)) - {p for p in positions if p is not None}
    order = tuple(p if p is not None else rest.pop() for p in positions)
    return order if sorted(order) == list(range(tensor.rank)) else None
