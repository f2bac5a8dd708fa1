"""A bidirectional RNN whose last layer's forward direction reaches nothing."""

from __future__ import annotations

from shapelint.findings import Finding
from shapelint.runtime.examples import BIDIRECTIONAL_LSTM, summarised
from shapelint.runtime.rules import RuntimeRule, tensor_words

_TWO_LAYER_GRU = "GRU(8, 16, num_layers=2, batch_first=True, bidirectional=True)"


def _program(summary: str, rnn: str = BIDIRECTIONAL_LSTM, unpack: str = "out, (h_n, c_n)", features: int = 16) -> str:
    return summarised(summary, rnn, unpack, features)


class UnusedDirection(RuntimeRule):
    """At run time, the forward direction of a bidirectional RNN's last layer reaches nothing.

    ## What it does
    Follows each call of a bidirectional `nn.LSTM`, `nn.GRU` or `nn.RNN` inside a model
    to the end of the model's call, and flags the `h_n[-1]` taken when nothing else of
    the last layer's forward direction is used: not `h_n[-2]`, not the output, not `h_n`
    as a whole (a view, a `cat`, an initial state, returned or kept in an attribute).

    ## Why is this bad?
    `h_n` is `(layers * directions, batch, hidden)` and its last two rows are the last
    layer's forward and backward final states: `h_n[-1]` is the backward one alone, which
    read the sequence from its end back to its first token. The forward direction of the
    last layer then gets no gradient and never learns; nothing fails or warns.

    ## Example
    ```python
    out, (h_n, c_n) = self.lstm(x)        # bidirectional=True
    logits = self.fc(h_n[-1])
    ```

    ## Use instead
    ```python
    logits = self.fc(torch.cat([h_n[-2], h_n[-1]], dim=-1))   # fc takes 2 * hidden
    ```
    """

    code = "SHP509"
    name = "unused-direction"
    fix_title = "Concatenate both directions of the last layer: `torch.cat([h_n[-2], h_n[-1]], dim=-1)`"
    VALID = (
        _program("torch.cat([h_n[-2], h_n[-1]], dim=-1)", features=32),
        # h_n[-1] alone, but the output carries the forward direction to the classifier too.
        _program("h_n[-1] + out[:, -1, :16]"),
        _program("h_n[-1]", rnn="LSTM(8, 16, num_layers=2, batch_first=True)"),
        _program("torch.cat([h_n[-2], h_n[-1]], dim=1)", rnn=_TWO_LAYER_GRU, unpack="out, h_n", features=32),
    )
    INVALID = (
        _program("h_n[-1]"),
        _program("h_n[-1, :, :]", rnn=_TWO_LAYER_GRU, unpack="out, h_n"),
        # The first layer's forward row is read, but the last layer's is what goes unused.
        _program("h_n[3] + h_n[0]", rnn=_TWO_LAYER_GRU, unpack="out, h_n"),
    )

    @classmethod
    def finding(cls, place: str, rnn: str, kind: str, called_at: str, shape: tuple[int, ...], dtype: str) -> Finding:
        """``place``: where the last row of ``h_n`` was read; ``rnn``/``kind``: the module's name and
        class; ``shape``/``dtype``: of its final state."""
        named = f"bidirectional {kind}" + (f" `{rnn}`" if rnn != kind else "")
        rows, batch, hidden = shape
        state = tensor_words(dtype, shape)
        return cls.at(
            place,
            f"`h_n[-1]` is only the backward direction of the last layer of the {named} called at {called_at} "
            f"(its final state `h_n` is {state}: layers*dirs={rows} batch={batch} hidden={hidden}); the forward "
            "direction's final state `h_n[-2]` and the output are never used, so the forward direction's weights "
            f"never learn: use `torch.cat([h_n[-2], h_n[-1]], dim=-1)` (and a Linear of 2 * {hidden} inputs)",
        )
