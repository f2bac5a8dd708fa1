"""Values the layout inference reads besides tensors: settings in a dict passed on by `**`, layers
chained in `nn.Sequential`, scalars, and what elementwise ops and `squeeze` leave."""

from __future__ import annotations

import pytest
from test_inference import codes, model

BIDIRECTIONAL_LAST_STEP = "out, _ = self.rnn(x)\nreturn out[:, -1]\n"


@pytest.mark.parametrize(
    ("settings", "flagged"),
    [
        ('{"input_size": 4, "hidden_size": 8, "batch_first": True, "bidirectional": True}', True),
        ('{"input_size": 4, "hidden_size": 8, "batch_first": True, "bidirectional": False}', False),
        # A key that is not a literal string: nothing is known of the settings.
        ('{name: 4, "batch_first": True, "bidirectional": True}', False),
    ],
)
def test_settings_passed_on_from_a_dict(settings: str, flagged: bool) -> None:
    source = model("nn.LSTM(**self.settings)", BIDIRECTIONAL_LAST_STEP)
    source = source.replace("self.rnn =", f"self.settings = {settings}\n        self.rnn =")
    assert codes(source) == (["SHP205"] if flagged else [])


def test_a_dict_alongside_star_arguments_says_nothing() -> None:
    source = model("nn.LSTM(*sizes, **{'batch_first': True, 'bidirectional': True})", BIDIRECTIONAL_LAST_STEP)
    assert codes(source) == []


SCORES = "self.score = nn.Sequential({layers})\n"
ATTENTION = """\
out, _ = self.rnn(x)
weights = torch.softmax(self.score(out).squeeze(-1), dim=1)
return weights
"""


@pytest.mark.parametrize(
    ("layers", "flagged"),
    [
        ("nn.Linear(8, 4), nn.Tanh(), nn.Linear(4, 1)", True),
        ("nn.Dropout(0.1), nn.Linear(8, 1)", True),
        # A layer whose layout the inference does not follow leaves the scores unknown.
        ("nn.Linear(8, 4), nn.Conv1d(4, 1, 3)", False),
    ],
)
def test_scores_from_a_sequential_of_linear_layers(layers: str, flagged: bool) -> None:
    source = model("nn.GRU(4, 8, batch_first=True)", ATTENTION, params="x, lengths").replace(
        "self.rnn =", SCORES.format(layers=layers) + "        self.rnn ="
    )
    assert codes(source) == (["SHP304"] if flagged else [])


def test_squeezing_an_axis_of_unknown_size_drops_it_but_not_a_batch_or_time_axis() -> None:
    body = """\
    out, _ = self.rnn(x)
    scores = torch.bmm(out, query).squeeze(2)
    return torch.softmax(scores, dim=1)
    """
    assert codes(model("nn.GRU(4, 8, batch_first=True)", body, params="x, query, lengths")) == ["SHP304"]
    # Axis 1 is time: `squeeze(1)` of it is a no-op unless the sequence has one step.
    squeezed_time = body.replace("squeeze(2)", "squeeze(1)")
    assert codes(model("nn.GRU(4, 8, batch_first=True)", squeezed_time, params="x, query, lengths")) == []


def test_a_scalar_keeps_the_layout_and_tensors_broadcast_to_the_one_that_says_more() -> None:
    body = """\
    out, h_n = self.rnn(x)
    scaled = 0.5 * out
    return (scaled * gate).view(batch_size, -1)
    """
    # `gate` is (1, batch, feat): broadcast over time, the product keeps the layout of `out`.
    params = 'x: Float[Tensor, "seq batch e"], gate: Float[Tensor, "1 b f"], batch_size'
    imports = "import torch\nfrom torch import nn, Tensor\nfrom jaxtyping import Float\n"
    assert codes(model("nn.GRU(4, 8)", body, imports=imports, params=params)) == ["SHP102"]


# Bahdanau scores: a parameter vector tiled over the batch, against each step's energy.
TILED = """\
out, _ = self.rnn(x)
energy = torch.tanh(self.attn(out)).permute(0, 2, 1)
v = self.v.repeat({tiles}).unsqueeze(1)
scores = torch.bmm(v, energy).squeeze(1)
return torch.softmax({scores}, dim=1)
"""


@pytest.mark.parametrize(
    ("tiles", "scores", "flagged"),
    [
        ("out.size(0), 1", "scores", True),
        ("x.size(0), 1", "scores", True),
        # Masked first: the padded steps get no weight.
        ("out.size(0), 1", "scores.masked_fill(~mask, float('-inf'))", False),
    ],
)
def test_a_tiled_parameter_scores_every_step_of_what_it_multiplies(tiles: str, scores: str, flagged: bool) -> None:
    source = model("nn.GRU(4, 8, batch_first=True)", TILED.format(tiles=tiles, scores=scores), params="x, lengths")
    init = "self.attn = nn.Linear(8, 8)\n        self.v = nn.Parameter(torch.rand(8))\n        self.rnn ="
    assert codes(source.replace("self.rnn =", init)) == (["SHP304"] if flagged else [])


def test_a_repeated_time_axis_is_no_longer_the_steps() -> None:
    # Each sequence tiled twice along its steps: axis 1 holds two copies, not the padded steps as they were.
    body = (
        "out, _ = self.rnn(x)\nscores = self.score(out.repeat(1, 2, 1)).squeeze(-1)\n"
        "return torch.softmax(scores, dim=1)\n"
    )
    source = model("nn.GRU(4, 8, batch_first=True)", body, params="x, lengths")
    assert codes(source.replace("self.rnn =", "self.score = nn.Linear(8, 1)\n        self.rnn =")) == []
    # Tiling the features keeps the steps, padded ones and all.
    assert codes(
        source.replace("out.repeat(1, 2, 1)", "out.repeat(1, 1, 2)").replace(
            "self.rnn =", "self.score = nn.Linear(16, 1)\n        self.rnn ="
        )
    ) == ["SHP304"]
