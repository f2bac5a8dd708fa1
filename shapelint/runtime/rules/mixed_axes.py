"""A view re-cut two data axes, and the result reached a layer, a loss or the output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapelint.findings import Finding
from shapelint.runtime.axes import Label, Origin
from shapelint.runtime.examples import pipeline
from shapelint.runtime.rules import RuntimeRule, where

if TYPE_CHECKING:
    from shapelint.runtime.observations import Observation


_BIDIRECTIONAL, _THREE = ", bidirectional=True", "[(3, 4), (3, 6)]"  # three samples, two directions
_ATTENTION = """\
out, (h_n, _) = self.lstm(embeds.transpose(0, 1))
scores = torch.bmm(out.transpose(0, 1), {query}).squeeze(2)
return torch.softmax(scores, 1)"""


class MixedAxes(RuntimeRule):
    """At run time, a `view`/`reshape` cut memory across the batch and time axes.

    ## What it does
    Follows every axis of the tensors that enter a model and flags a `view` or
    `reshape` whose new dimensions do not line up with the old ones (`(B, T, E)` viewed
    as `(T, B, E)` with B != T; a Linear's `(B, 2 * H)` viewed as `(2, B, H)`, the batch
    moved inward), once the mixed axis reaches an RNN (its input or its initial state),
    a Linear, a matrix product (`bmm`, `matmul`), a loss or the model's output. It needs
    no declaration: a mixed axis is wrong whichever axis is the batch.

    ## Why is this bad?
    A view re-cuts memory; it does not move axes. Each "time step" of the result holds
    tokens of several samples, and the model trains on scrambled sequences without an
    error.

    ## Example
    ```python
    x = embeds.view(seq_len, batch_size, -1)   # embeds: (batch, seq, emb)
    out, _ = self.lstm(x)
    ```

    ## Use instead
    ```python
    x = embeds.transpose(0, 1)
    h0 = self.fc(h).view(batch, 2, hidden).transpose(0, 1)   # not self.fc(h).view(2, batch, hidden)
    ```
    """

    code = "SHP501"
    name = "mixed-axes"
    fix_title = "Move axes with `transpose`/`permute`, not `view`/`reshape`"
    VALID = (
        pipeline("return self.lstm(embeds.transpose(0, 1))[0]"),
        # Batch and time flattened together for a Linear, then cut back apart.
        pipeline("b, t = tokens.shape\nflat = embeds.reshape(b * t, -1)\nreturn flat.view(b, t, -1)"),
        # Attention of each step on the sample's own final state (both directions, moved, then cut).
        pipeline(_ATTENTION.format(query="h_n.transpose(0, 1).reshape(-1, 32, 1)"), _BIDIRECTIONAL, _THREE),
        # Two samples' features joined into one row on purpose (a pair): no dim claims to be the batch.
        pipeline("return self.fc(embeds[:, 0].reshape(-1, 16))"),
    )
    INVALID = (
        pipeline("b, t = tokens.shape\nreturn self.lstm(embeds.view(t, b, -1))[0]"),
        pipeline("out, _ = self.lstm(embeds.transpose(0, 1))\nreturn self.fc(out.reshape(tokens.size(0), -1)[:, :16])"),
        # The same attention with h_n (directions, batch, hidden) cut per sample where it lies: a batched
        # product pairs each sample's steps with a row made of two samples' states.
        pipeline(_ATTENTION.format(query="h_n.view(-1, 32, 1)"), _BIDIRECTIONAL, _THREE),
        # A Linear's (batch, 3) output cut as (3, batch): the batch moved inward, each "sample" made of two.
        pipeline("out, _ = self.lstm(embeds.transpose(0, 1))\nreturn self.fc(out[-1]).view(3, tokens.size(0))"),
    )

    @classmethod
    def finding(
        cls, observation: Observation, label: Label, roles: dict[Origin, str], names: dict[Origin, str] | None = None
    ) -> Finding:
        """``names``: what the user called each axis's size where the view was written (`batch_size`)."""
        assert label.mixed_at is not None
        axes = " and ".join(_axis(origin, roles.get(origin), (names or {}).get(origin)) for origin in label.origins)
        return cls.at(
            label.mixed_at,
            f"a view/reshape here re-cuts {axes} into one dimension, and the mixed axis reaches "
            f"{where(observation)}: what belonged to different samples is scrambled; use `transpose`/`permute` "
            "to move axes before reshaping",
        )


def _axis(origin: Origin, role: str | None, name: str | None) -> str:
    """``axis 0 of `sentences` (batch, `batch_size`)``: the axis, with its role and the user's name for its size."""
    known = [part for part in (role, f"`{name}`" if name and name != role else None) if part]
    return f"{origin} ({', '.join(known)})" if known else str(origin)
