"""`h_n[:num_layers]` of a bidirectional RNN's final state, read as "the forward states"."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from shapelint.static.events import IndexEvent, SliceOf
from shapelint.static.examples import module
from shapelint.static.layout import Role
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule
from shapelint.static.values import Literal, Size, Value

_TWO_LAYERS_BIDIR = "nn.GRU(8, 16, num_layers=2, bidirectional=True)"


def _model(rnn: str, forward: str) -> str:
    return module(rnn, forward, 'x: Float[Tensor, "seq batch emb"]')


class HnSliceBidir(StaticRule[IndexEvent]):
    """`h_n[:num_layers]` of a bidirectional state is not the forward states of every layer.

    ## What it does
    Flags a slice of the rows of a bidirectional RNN's `h_n`/`c_n` whose bound is a number of
    layers, such as `encoder_hidden[:decoder.n_layers]` to start a decoder, or `h_n[n_layers:]`
    to get "the backward states", when that number is more than one.

    ## Why is this bad?
    torch orders the rows of the final state layer by layer: row `layer * 2 + direction`, so a
    two-layer bidirectional state is (layer 0 forward, layer 0 backward, layer 1 forward,
    layer 1 backward). Its first two rows are both directions of the bottom layer, not the
    forward direction of each layer; a decoder started from them gets the bottom layer's
    backward state as its second layer. Nothing fails: the shapes fit. (The PyTorch chatbot
    tutorial does this, and many projects copied it.)

    ## Example
    ```python
    self.gru = nn.GRU(hidden, hidden, n_layers, bidirectional=True)   # n_layers = 2
    ...
    decoder_hidden = encoder_hidden[:self.decoder.n_layers]
    ```

    ## Use instead
    ```python
    by_layer = encoder_hidden.view(-1, 2, *encoder_hidden.shape[1:])  # (layers, directions, batch, hidden)
    decoder_hidden = by_layer[:, 0]                                    # the forward state of every layer
    ```
    or sum (or concatenate and project) the two directions of each layer.
    """

    code = "SHP206"
    name = "hn-slice-bidir"
    fix_title = "Split the rows into (layers, directions) before picking a direction"
    event = IndexEvent
    VALID = (
        # One layer: the first row is the only forward state.
        _model("nn.GRU(8, 16, bidirectional=True)", "_, h_n = self.rnn(x)\nn_layers = 1\nreturn h_n[:n_layers]"),
        # The forward state of every layer, split the right way.
        _model(
            _TWO_LAYERS_BIDIR,
            "_, h_n = self.rnn(x)\nnum_layers = 2\nreturn h_n.view(num_layers, 2, -1, 16)[:, 0]",
        ),
        # A unidirectional state: its first rows are its first layers.
        _model("nn.GRU(8, 16, num_layers=2)", "_, h_n = self.rnn(x)\nn_layers = 2\nreturn h_n[:n_layers]"),
        # The last layer's two directions, by a literal bound: nothing claims they are "forward states".
        _model(_TWO_LAYERS_BIDIR, "_, h_n = self.rnn(x)\nreturn h_n[-2:]"),
    )
    INVALID = (
        _model(_TWO_LAYERS_BIDIR, "_, h_n = self.rnn(x)\nn_layers = 2\nreturn h_n[:n_layers]"),
        # "The backward states" of a two-layer bidirectional state, as their own half.
        _model(_TWO_LAYERS_BIDIR, "_, h_n = self.rnn(x)\nnum_layers = 2\nreturn h_n[num_layers:]"),
        # The number of layers is not written, but the RNN has two.
        _model(_TWO_LAYERS_BIDIR, "_, h_n = self.rnn(x)\nreturn h_n[: self.n_layers]"),
        # The number of layers is a setting nobody fixes here: the slice is right only while it is 1.
        _model(
            "nn.GRU(8, 16, n_layers, bidirectional=True)", "_, h_n = self.rnn(x)\nreturn h_n[: self.n_layers]"
        ).replace("def __init__(self):", "def __init__(self, n_layers):"),
    )

    def check(self, event: IndexEvent, source: SourceView) -> Iterator[Report]:
        tensor = event.tensor
        rnn = tensor.rnn
        if rnn is None or not rnn.state or rnn.bidirectional is not True or tensor.rank != 3:
            return
        bounds = event.slices[0] if event.slices and event.per_axis[0] == "slice" else None
        if bounds is None:
            return
        bound = _layer_count_bound(bounds)
        if bound is None:
            return
        count = bound.value if isinstance(bound, Literal) else rnn.layers
        if count is None and event.settings_to_come:
            return  # every construction of the class gives its count: those passes judge it
        if count is None:
            # The number of layers is a setting of the project (an option, a parameter): the slice is
            # right only while it is 1, and the code is written for more.
            count_words = f"`{_bound_code(event, source)}` rows (the number of layers)"
            when = "; with one layer this is the forward state, but with more"
        elif not isinstance(count, int) or count < 2:
            return
        else:
            count_words, when = f"{count} rows", ":"
        receiver = short(source.code(event.node.value), 30)
        half = "first" if bounds.lower is None else "last"
        yield Report(
            event.node,
            f"`{short(source.code(event.node))}` takes the {half} {count_words} of `{receiver}` "
            f"{layout_words(tensor)}, the final state of the bidirectional RNN at {source.at(rnn.where)}, "
            f"as one direction's states{when} its rows go layer by layer (layer 0 forward, layer 0 backward, layer 1 "
            f"forward, ...), so these are both directions of the {'lowest' if half == 'first' else 'highest'} "
            f"layers, not one direction of every layer; use `{receiver}.view(-1, 2, *{receiver}.shape[1:])[:, 0]` "
            f"for the forward state of every layer (`[:, 1]` for the backward)",
        )


def _layer_count_bound(bounds: SliceOf) -> Value | None:
    """The bound of ``[:n]`` or ``[n:]`` when ``n`` is a number of layers (by its name, or as a setting)."""
    if (bounds.lower is None) == (bounds.upper is None):
        return None
    bound = bounds.upper if bounds.lower is None else bounds.lower
    if isinstance(bound, Literal) and bound.role is Role.LAYERS and type(bound.value) is int:
        return bound
    if isinstance(bound, Size) and len(bound.atoms) == 1 and bound.atoms[0].role is Role.LAYERS:
        return bound
    return None


def _bound_code(event: IndexEvent, source: SourceView) -> str:
    """The bound as written: ``decoder.n_layers`` of ``h[:decoder.n_layers]``."""
    first = event.node.slice[0].slice
    if isinstance(first, cst.Slice):
        bound = first.upper if first.upper is not None else first.lower
        if bound is not None:
            return short(source.code(bound), 30)
    return "n"
