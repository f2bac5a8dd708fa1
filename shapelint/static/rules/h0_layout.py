"""An initial state built batch-first."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.static.events import RnnCallEvent
from shapelint.static.examples import module
from shapelint.static.layout import Role
from shapelint.static.messages import layout_words, short
from shapelint.static.rules import Report, SourceView, StaticRule

_TWO_LAYERS = "nn.LSTM(8, 16, num_layers=2, batch_first=True)"


def _forward(first: str, second: str) -> str:
    return (
        f"h0 = torch.zeros({first}, {second}, 16)\nc0 = torch.zeros({first}, {second}, 16)\n"
        "out, (h_n, c_n) = self.rnn(x, (h0, c0))\nreturn out"
    )


class H0Layout(StaticRule[RnnCallEvent]):
    """An RNN's initial state is built `(batch, layers, hidden)` instead of `(layers, batch, hidden)`.

    ## What it does
    Flags an initial state passed to an RNN (`self.lstm(x, (h0, c0))`) whose first axis
    is the batch, as in `torch.zeros(batch_size, self.num_layers, hidden)`, or whose layers
    come later (`context.unsqueeze(1).repeat(1, n_layers, 1)`). A state built
    in a helper (`self.init_hidden(batch)`, a function of a utils module) is reported
    there, where the fix goes, naming the RNN call that gets it.

    ## Why is this bad?
    `h0`/`c0` are `(layers * directions, batch, hidden)` whatever `batch_first` says.
    torch rejects a batch-first state unless batch == layers * directions, and then it
    silently gives sample `i` the state meant for layer `i`.

    ## Example
    ```python
    h0 = torch.zeros(batch_size, self.num_layers, self.hidden_size)
    out, _ = self.lstm(x, (h0, c0))
    ```

    ## Use instead
    ```python
    h0 = torch.zeros(self.num_layers * num_directions, batch_size, self.hidden_size)
    ```
    """

    code = "SHP204"
    name = "h0-layout"
    fix_title = "Build the initial state as `(layers * directions, batch, hidden)`"
    event = RnnCallEvent
    VALID = (
        module(_TWO_LAYERS, _forward("self.num_layers", "batch_size")),
        module(_TWO_LAYERS, _forward("self.num_layers * 2", "batch_size")),
        module(_TWO_LAYERS, _forward("2", "x.size(0)")),
        # One context per sample, tiled over the layers in front: (layers, batch, hidden).
        module(
            _TWO_LAYERS,
            "h0 = context.unsqueeze(0).repeat(self.num_layers, 1, 1)\nout, _ = self.rnn(x, (h0, h0))\nreturn out",
            'x: Float[Tensor, "batch seq emb"], context',
        ),
    )
    INVALID = (
        module(_TWO_LAYERS, _forward("batch_size", "self.num_layers")),
        # Tiled over the layers behind the batch: (batch, layers, hidden).
        module(
            _TWO_LAYERS,
            "h0 = context.unsqueeze(1).repeat(1, self.num_layers, 1)\nout, _ = self.rnn(x, (h0, h0))\nreturn out",
            'x: Float[Tensor, "batch seq emb"], context',
        ),
        # Built in a helper: reported at the helper's `zeros`, where the fix goes.
        module(_TWO_LAYERS, "out, _ = self.rnn(x, self.init_hidden(x.size(0)))\nreturn out")
        + "\n    def init_hidden(self, batch_size):\n"
        + "        return (torch.zeros(batch_size, 2, 16), torch.zeros(batch_size, 2, 16))\n",
        module(_TWO_LAYERS, _forward("x.size(0)", "2")),
        module(
            "nn.GRU(8, 16, num_layers=2)",
            "h0 = torch.zeros(bsz, 2, 16)\nout, h_n = self.rnn(x, h0)\nreturn out",
            'x: Float[Tensor, "seq batch emb"]',
        ),
    )

    def check(self, event: RnnCallEvent, source: SourceView) -> Iterator[Report]:
        for state, apart in zip(event.initial_state, event.built_apart or (False,) * len(event.initial_state)):
            layers_later = state.rank == 3 and any(axis.role is Role.LAYERS for axis in state.axes[1:])
            batch_first = state.rank == 3 and state.axes[0].role is Role.BATCH and not state.axes[0].assumed
            if not (batch_first or layers_later):
                continue
            fix = (
                "use `torch.zeros(num_layers * num_directions, batch_size, hidden)`"
                if batch_first
                else "use `.unsqueeze(0).repeat(num_layers * num_directions, 1, 1)` to tile the layers in front"
            )
            why = (
                "an RNN's state is (layers*dirs, batch, hidden) whatever `batch_first` says: torch rejects it, or, "
                "when batch == layers*dirs, gives each sample another layer's state"
            )
            if apart and state.where is not None:
                # Built in a helper (`init_hidden`): reported there, where the fix goes.
                builder = source.seen_from(state.where)
                yield Report(
                    state.where,
                    f"`{short(builder.code(state.where))}` builds the initial state {layout_words(state)} that "
                    f"`{short(source.code(event.call))}` at {builder.at(event.call)} gets, but {why}; {fix}",
                )
                return
            yield Report(
                event.call,
                f"`{short(source.code(event.call))}` gets an initial state {layout_words(state)} (the "
                f"{state.origin} at {source.at(state.where)}), but {why}; {fix}",
            )
            return
