"""How the layout inference follows code: imports, arguments, control flow, declarations, and what stays unknown."""

from __future__ import annotations

import textwrap

import pytest

from shapelint import Config, lint_source


def codes(source: str) -> list[str]:
    return [finding.code for finding in lint_source(textwrap.dedent(source).encode(), "m.py", Config())]


def model(ctor: str, body: str, imports: str = "import torch\nfrom torch import nn\n", params: str = "x") -> str:
    return (
        imports
        + textwrap.dedent(
            f"""
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = {ctor}

            def forward(self, {params}):
        """
        )
        + textwrap.indent(textwrap.dedent(body), "        ")
    )


FLATTEN = "out, _ = self.rnn(x)\nreturn out.reshape(batch_size, -1)\n"


@pytest.mark.parametrize(
    ("imports", "ctor"),
    [
        ("import torch\nimport torch.nn as nn\n", "nn.LSTM(4, 8)"),
        ("import torch\n", "torch.nn.GRU(4, 8)"),
        ("from torch.nn import LSTM as Recurrent\nfrom torch import nn\n", "Recurrent(4, 8)"),
        ("from torch.nn.modules.rnn import RNN\nfrom torch import nn\n", "RNN(4, 8)"),
    ],
)
def test_rnn_classes_are_found_however_imported(imports: str, ctor: str) -> None:
    assert codes(model(ctor, FLATTEN, imports)) == ["SHP102"]


def test_an_rnn_class_of_another_library_is_not_torchs() -> None:
    assert codes(model("LSTM(4, 8)", FLATTEN, "from keras.layers import LSTM\nfrom torch import nn\n")) == []


@pytest.mark.parametrize(
    ("ctor", "flagged"),
    [
        ("nn.LSTM(4, 8, 1, True, True)", False),  # batch_first positional
        ("nn.LSTM(4, 8, 1, True, False)", True),
        ("nn.RNN(4, 8, 1, 'tanh', True, True)", False),  # nn.RNN has `nonlinearity` before bias
        ("nn.RNN(4, 8, 1, 'tanh', True, False)", True),
        ("nn.LSTM(4, 8, batch_first=flag)", False),  # unknown: no finding
        ("nn.LSTM(4, 8, **options)", False),
    ],
)
def test_batch_first_is_read_from_positional_and_keyword_arguments(ctor: str, flagged: bool) -> None:
    assert codes(model(ctor, FLATTEN)) == (["SHP102"] if flagged else [])


def test_gru_returns_only_the_hidden_state() -> None:
    body = "out, h_n = self.rnn(x)\nreturn out.view(batch_size, -1)\n"
    assert codes(model("nn.GRU(4, 8)", body)) == ["SHP102"]


def test_branches_that_disagree_leave_the_layout_unknown() -> None:
    body = """\
        out, _ = self.rnn(x)
        if self.training:
            out = out.transpose(0, 1)
        return out.view(batch_size, -1)
    """
    assert codes(model("nn.LSTM(4, 8)", body)) == []


def test_branches_that_agree_keep_it() -> None:
    body = """\
        if self.training:
            out, _ = self.rnn(x)
        else:
            out, _ = self.rnn(x)
        return out.view(batch_size, -1)
    """
    assert codes(model("nn.LSTM(4, 8)", body)) == ["SHP102"]


def test_a_loop_s_first_iteration_sees_the_values_from_before_it() -> None:
    body = """\
        out, _ = self.rnn(x)
        for _ in range(2):
            y = out.view(batch_size, -1)
            out = self.proj(y)
        return out
    """
    # The first time round, `out` is the RNN's time-major output: the view mixes samples.
    assert codes(model("nn.LSTM(4, 8)", body)) == ["SHP102"]
    # Rebound before it is read, it is unknown in every iteration.
    rebound = body.replace("    y = out.view", "    out = transform(out)\n            y = out.view")
    assert codes(model("nn.LSTM(4, 8)", rebound)) == []


def test_a_loop_body_is_checked_once() -> None:
    body = """\
        for step in range(3):
            out, _ = self.rnn(x)
            y = out.view(batch_size, -1)
        return y
    """
    assert codes(model("nn.LSTM(4, 8)", body)) == ["SHP102"]


def test_an_attribute_assigned_two_ways_is_unknown() -> None:
    source = model("nn.LSTM(4, 8)", FLATTEN).replace(
        "        self.rnn = nn.LSTM(4, 8)",
        "        if big:\n            self.rnn = nn.LSTM(4, 8, batch_first=True)\n"
        "        else:\n            self.rnn = nn.LSTM(4, 8)",
    )
    assert codes(source) == []


def test_an_attribute_reassigned_in_init_keeps_its_last_value() -> None:
    source = model("nn.LSTM(4, 8)", FLATTEN).replace(
        "super().__init__()",
        "super().__init__()\n        if big:\n            self.rnn = nn.LSTM(4, 8, batch_first=True)",
    )
    assert codes(source) == ["SHP102"]


def test_shape_unpacking_declares_the_layout() -> None:
    body = """\
        batch_size, seq_len = tokens.shape
        embeds = self.emb(tokens)
        return embeds.view(seq_len, batch_size, -1)
    """
    source = model("nn.LSTM(4, 8)", body, params="tokens").replace(
        "self.rnn = nn.LSTM(4, 8)", "self.emb = nn.Embedding(10, 4)"
    )
    assert codes(source) == ["SHP101"]


@pytest.mark.parametrize(
    ("unpacking", "view", "fix"),
    [
        # Time unknown: the swap is certain, the sizes of the target are not.
        ("batch_size, _ = tokens.shape", "embeds.view(seq_len, batch_size, -1)", "use `embeds.transpose(0, 1)` (then"),
        # The function form: a pure reordering, told as the method that does it.
        (
            "batch_size, seq_len = tokens.shape",
            "torch.reshape(embeds, (embeds.size(1), embeds.size(0), -1))",
            "use `embeds.transpose(0, 1)`, or",
        ),
    ],
)
def test_the_suggested_transpose_is_whole_code(unpacking: str, view: str, fix: str) -> None:
    body = f"{unpacking}\nembeds = self.emb(tokens)\nreturn {view}\n"
    source = model("nn.Embedding(10, 4)", body, params="tokens, seq_len").replace("self.rnn", "self.emb")
    (finding,) = lint_source(source.encode(), "m.py", Config())
    assert fix in finding.message
    assert finding.message.count("`") % 2 == 0


def test_without_any_layout_evidence_nothing_is_reported() -> None:
    body = "embeds = self.emb(tokens)\nreturn embeds.view(len(sentence), self.batch_size, -1)\n"
    source = model("nn.Embedding(10, 4)", body, params="tokens, sentence").replace("self.rnn", "self.emb")
    assert codes(source) == []


def test_pad_packed_sequence_layout_follows_its_batch_first() -> None:
    body = """\
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first={packed})
        out, _ = self.rnn(packed)
        padded, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first={padded})
        return padded.{op}
    """
    declared = 'x: Float[Tensor, "batch seq emb"], lengths'
    imports = "import torch\nfrom torch import Tensor, nn\nfrom jaxtyping import Float\n"
    ctor = "nn.LSTM(4, 8, batch_first=True)"
    run = lambda padded, op: codes(model(ctor, body.format(packed=True, padded=padded, op=op), imports, declared))  # noqa: E731
    assert run(False, "view(batch_size, -1)") == ["SHP102"]
    assert run(True, "reshape(batch_size, -1)") == []
    assert run(True, "view(batch_size, -1)") == ["SHP103"]


def test_nested_functions_and_comprehensions_have_their_own_names() -> None:
    body = """\
        out, _ = self.rnn(x)
        def helper(out):
            return out.view(batch_size, -1)
        rows = [out.view(batch_size, -1) for out in chunks]
        return helper(chunks[0]), rows
    """
    assert codes(model("nn.LSTM(4, 8)", body)) == []
    # Called with the RNN's output, the nested function does flatten a time-major tensor.
    assert codes(model("nn.LSTM(4, 8)", body.replace("helper(chunks[0])", "helper(out)"))) == ["SHP102"]


def test_one_finding_per_call_even_when_nested_in_other_calls() -> None:
    body = "out, _ = self.rnn(x)\nreturn self.fc(torch.tanh(self.drop(out.view(batch_size, -1))))\n"
    assert codes(model("nn.LSTM(4, 8)", body)) == ["SHP102"]


def test_elementwise_ops_keep_the_transposed_strides_of_a_batch_first_output() -> None:
    body = """\
        batch_size, seq_len, _ = x.shape
        out, _ = self.rnn(x)
        return torch.relu(self.drop(out)).view(batch_size, -1)
    """
    source = model("nn.LSTM(4, 8, batch_first=True)", body).replace(
        "super().__init__()", "super().__init__()\n        self.drop = nn.Dropout(0.1)"
    )
    assert codes(source) == ["SHP103"]


def test_a_file_without_torch_words_is_not_parsed() -> None:
    # Deliberately broken syntax: a file the rules cannot concern is not even parsed. A view alone
    # gives no layout; a view of a transpose can be wrong by itself.
    assert codes("def f(:\n    return 1\n") == []
    assert codes("def f(:\n    return x.view(1)\n") == []
    assert codes("def f(:\n    return x.t().view(1)\n") == ["SHP001"]


def test_a_branch_that_returns_does_not_flow_on() -> None:
    body = """\
        out, _ = self.rnn(x)
        if self.training:
            out = out.transpose(0, 1)
            return out
        return out.reshape(batch_size, -1)
    """
    assert codes(model("nn.LSTM(4, 8)", body)) == ["SHP102"]


def test_code_after_raise_is_not_analysed() -> None:
    body = """\
        out, _ = self.rnn(x)
        raise NotImplementedError
        return out.reshape(batch_size, -1)
    """
    assert codes(model("nn.LSTM(4, 8)", body)) == []


@pytest.mark.parametrize(
    ("body", "flagged"),
    [
        ("out, _ = self.rnn(x)\nm = lengths.max()\nreturn out[:, -1]\n", True),
        ("out, _ = self.rnn(x)\nif lengths is None:\n    return out[:, -1]\nreturn lengths\n", False),
        ("if lengths is not None:\n    return lengths\nout, _ = self.rnn(x)\nreturn out[:, -1]\n", False),
        ("out, _ = self.rnn(x)\nreturn out[:, -1]\n", False),  # optional lengths, never read
    ],
)
def test_lengths_mean_padding_only_where_they_exist(body: str, flagged: bool) -> None:
    source = model("nn.LSTM(4, 8, batch_first=True)", body, params="x, lengths=None")
    assert codes(source) == (["SHP303"] if flagged else [])


@pytest.mark.parametrize("params", ["x, lengths", "x, mask"])
def test_the_squeezed_row_of_a_padded_one_layer_state_is_its_last_step(params: str) -> None:
    assert codes(model("nn.GRU(4, 8)", "out, h = self.rnn(x)\nreturn h.squeeze(0)\n", params=params)) == ["SHP303"]


@pytest.mark.parametrize(
    "step",
    [
        "token.unsqueeze(0)",
        "torch.cat((token.unsqueeze(0), context), dim=2)",
        "torch.cat((token.unsqueeze(0), context.permute(1, 0, 2)), dim=2)",
    ],
)
def test_a_decoder_step_reads_no_padding_whatever_masks_it_holds(step: str) -> None:
    """One step of a decoder (the token joined to a context keeps its one step) with the source mask in scope
    for its attention: its state has read no padding, so neither its row nor its output is a padded last step."""
    body = f"out, h = self.rnn({step}, hidden)\nreturn out.squeeze(0), h.squeeze(0), h[-1]\n"
    assert codes(model("nn.GRU(4, 8)", body, params="token, hidden, context, mask")) == []


def test_an_rnn_that_goes_on_from_the_state_it_left_steps_a_decoder() -> None:
    """Stepped in a loop from its own state, an RNN is a decoder, whatever its input (here from a layer
    the flow cannot see) and whatever lengths of the source are in scope: its state has read no padding."""
    body = """\
    for t in range(steps):
        step = self.unknown_layer(tokens[:, t])
        out, (h, c) = self.rnn(step, (h, c))
        guess = self.fc(h[-1])
    return guess
    """
    params = "tokens, h, c, steps, src_lengths"
    assert codes(model("nn.LSTM(4, 8, batch_first=True)", body, params=params)) == []
    # Run once, on whole sequences, with the lengths in scope: the state is the one after the padding.
    once = "out, (h, c) = self.rnn(self.unknown_layer(tokens), (h, c))\nreturn self.fc(h[-1])\n"
    assert codes(model("nn.LSTM(4, 8, batch_first=True)", once, params=params)) == ["SHP303"]


@pytest.mark.parametrize("guess", ["logits.argmax(-1).unsqueeze(1)", "self.fc(out).argmax(-1).unsqueeze(1)"])
def test_a_step_from_the_target_or_from_the_last_guess_is_one_step(guess: str) -> None:
    body = f"""\
    _, steps = target.shape
    for t in range(steps):
        if t == 0 or teacher_forcing:
            step = target[:, t].unsqueeze(1)
        else:
            step = {guess}
        out, _ = self.rnn(self.embedding(step))
        logits = self.fc(out[:, -1])
    return logits
    """
    params = "target, teacher_forcing, src_lengths"
    source = model("nn.GRU(4, 8, batch_first=True)", body, params=params).replace(
        "        self.rnn =", "        self.embedding = nn.Embedding(10, 4)\n        self.rnn ="
    )
    assert codes(source) == []


CLASS_SETTINGS = """\
import torch
from torch import nn


class Tagger(nn.Module):
    layers = 1
    bidirectional = True

    def __init__(self{init}):
        super().__init__(){override}
        self.rnn = nn.LSTM(8, 16, self.layers, bidirectional=self.bidirectional)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        _, (h_n, _) = self.rnn(x)
        return self.fc(h_n[-1])
"""


def test_settings_the_class_body_binds_are_read_through_self() -> None:
    assert codes(CLASS_SETTINGS.format(init="", override="")) == ["SHP203"]


@pytest.mark.parametrize(
    ("init", "override"),
    [
        ("", "\n        self.bidirectional = False"),
        (", bidirectional=False", "\n        self.bidirectional = bidirectional"),
    ],
)
def test_an_instance_setting_of_its_own_wins_over_the_class_bodys(init: str, override: str) -> None:
    assert codes(CLASS_SETTINGS.format(init=init, override=override)) == []


HN_LAST = "out, (h_n, c_n) = self.rnn(x)\nreturn h_n[-1]\n"


@pytest.mark.parametrize(
    ("module_lines", "body", "flagged"),
    [
        ("BIDIRECTIONAL = True\n", HN_LAST, True),
        ("BIDIRECTIONAL = False\n", HN_LAST, False),
        # Bound twice, or rebound through `global`: its value at the call is not known.
        ("BIDIRECTIONAL = True\nif torch.cuda.is_available():\n    BIDIRECTIONAL = False\n", HN_LAST, False),
        (
            "BIDIRECTIONAL = True\n\ndef configure():\n    global BIDIRECTIONAL\n    BIDIRECTIONAL = False\n",
            HN_LAST,
            False,
        ),
        ("from settings import BIDIRECTIONAL\n", HN_LAST, False),
        ("BIDIRECTIONAL = 1 if torch.cuda.is_available() else 0\n", HN_LAST, False),
    ],
)
def test_a_module_constant_is_known_only_if_bound_once_to_a_literal(
    module_lines: str, body: str, flagged: bool
) -> None:
    imports = "import torch\nfrom torch import nn\n" + module_lines
    source = model("nn.LSTM(4, 8, bidirectional=BIDIRECTIONAL)", body, imports=imports)
    assert codes(source) == (["SHP203"] if flagged else [])


def test_a_local_name_shadows_the_module_constant() -> None:
    body = """\
        layers = NUM_LAYERS
        if x.dim() == 2:
            layers = 1
        rnn = nn.GRU(4, 8, num_layers=layers)
        out, h_n = rnn(x)
        return h_n.view(batch_size, -1)
    """
    imports = "import torch\nfrom torch import nn\nNUM_LAYERS = 2\n"
    source = model("nn.Linear(4, 8)", body, imports=imports)
    assert codes(source) == []
    assert codes(source.replace("            layers = 1\n", "            pass\n")) == ["SHP201"]


@pytest.mark.parametrize(("batch_size", "flagged"), [("1", False), ("32", True)])
def test_a_batch_size_constant_of_one_means_one_sample(batch_size: str, flagged: bool) -> None:
    body = """\
        emb = self.emb(x)
        emb = emb.view(batch_size, sequence_length, -1)
        out, _ = self.rnn(emb)
        return out.view(-1, 5)
    """
    imports = f"import torch\nfrom torch import nn\nbatch_size = {batch_size}\nsequence_length = 6\n"
    source = model("nn.RNN(10, 5, batch_first=True)", body, imports=imports).replace(
        "super().__init__()\n", "super().__init__()\n        self.emb = nn.Embedding(5, 10)\n"
    )
    assert codes(source) == (["SHP103"] if flagged else [])


def test_nn_that_no_import_binds_is_torchs_and_the_message_says_so() -> None:
    source = model(
        "nn.GRU(4, 8, bidirectional=True)", "_, h = self.rnn(x)\nreturn h[-1]\n", imports="from utils import *\n"
    )
    (finding,) = lint_source(source.encode(), "m.py", Config())
    assert finding.code == "SHP203" and "`nn` is not imported in this file; read as `torch.nn`" in finding.message


def test_nn_bound_in_the_file_is_not_assumed_to_be_torch() -> None:
    source = model("nn.GRU(4, 8, bidirectional=True)", "_, h = self.rnn(x)\nreturn h[-1]\n", imports="nn = None\n")
    assert codes(source) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("out, _ = pad_packed_sequence(packed, batch_first=True)\nreturn out[:, -1]\n", ["SHP303"]),
        ("out, _ = pad_packed_sequence(packed)\nreturn out.mean(0)\n", ["SHP302"]),
        ("out, _ = pad_packed_sequence(packed)\nreturn out.sum(0)\n", []),  # zeros add nothing
        ("out, _ = pad_packed_sequence(packed, batch_first=True)\nreturn out[:, 0]\n", []),
    ],
)
def test_pad_packed_sequence_says_its_own_layout(body: str, expected: list[str]) -> None:
    imports = "import torch\nfrom torch import nn\nfrom torch.nn.utils.rnn import pad_packed_sequence\n"
    assert codes(model("nn.LSTM(4, 8)", body, imports, params="packed")) == expected


@pytest.mark.parametrize(
    ("reorder", "expected"),
    [
        ("x = x[sorted_idx]", ["SHP101"]),
        ("x = x.index_select(0, perm)", ["SHP101"]),
        ("x = x[keep]", []),  # a mask picks rows and may flatten: the layout is no longer known
    ],
)
def test_rows_reordered_by_an_index_keep_their_axes(reorder: str, expected: list[str]) -> None:
    body = f"{reorder}\nreturn self.rnn(x.view(seq_len, batch_size, -1))\n"
    params = 'x: Float[Tensor, "batch seq emb"], sorted_idx, perm, keep'
    imports = "import torch\nfrom torch import nn, Tensor\nfrom jaxtyping import Float\n"
    assert codes(model("nn.LSTM(4, 8)", body, imports, params=params)) == expected


def test_a_mask_passed_in_and_not_applied_means_a_padded_batch() -> None:
    source = model("nn.LSTM(4, 8, batch_first=True)", "out, _ = self.rnn(x)\nreturn out.mean(1)\n", params="x, mask")
    (finding,) = lint_source(source.encode(), "m.py", Config())
    assert finding.code == "SHP302" and "`mask` is in scope" in finding.message
    masked = "out, _ = self.rnn(x)\nreturn out.masked_fill(~mask[..., None], 0).sum(1)\n"
    assert codes(model("nn.LSTM(4, 8, batch_first=True)", masked, params="x, mask")) == []


@pytest.mark.parametrize(
    ("masking", "expected"),
    [
        ("if mask is not None:\n    scores.masked_fill_(~mask, float('-inf'))\n", []),
        ("scores.masked_fill_(~mask, float('-inf'))\n", []),
        ("", ["SHP304"]),
    ],
)
def test_masking_in_place_masks_the_scores(masking: str, expected: list[str]) -> None:
    body = f"out, _ = self.rnn(x)\nscores = out.sum(2)\n{masking}return torch.softmax(scores, dim=1)\n"
    assert codes(model("nn.LSTM(4, 8, batch_first=True)", body, params="x, mask")) == expected


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        # The branch that unpacks the lengths is the one that packs: wherever there is padding, it is packed.
        (
            "if isinstance(x, tuple):\n    x, lengths = x\n    x = pack_padded_sequence(x, lengths, True)\n",
            [],
        ),
        # The lengths are unpacked, but the batch is run as it is.
        ("if isinstance(x, tuple):\n    x, lengths = x\n", ["SHP303"]),
    ],
)
def test_packing_on_the_branch_that_has_the_lengths(branch: str, expected: list[str]) -> None:
    body = f"{branch}out, (h_n, _) = self.rnn(x)\nreturn h_n[-1]\n"
    imports = "import torch\nfrom torch import nn\nfrom torch.nn.utils.rnn import pack_padded_sequence\n"
    assert codes(model("nn.LSTM(4, 8, batch_first=True)", body, imports)) == expected


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("flat.view(out.size(0), out.size(1), -1)", []),  # split by the sizes it came from: (batch, time, -1)
        ("flat.view(out.size(1), out.size(0), -1)", ["SHP101"]),  # split the other way round: a re-cut
    ],
)
def test_a_flattened_output_split_back_by_its_own_sizes(back: str, expected: list[str]) -> None:
    """A per-step head: a batch_first output flattened to (batch*time, feat) and split again. Whatever its
    input, the rows come back in (batch, time) order."""
    body = f"out, _ = self.rnn(x)\nflat = self.fc(out.contiguous().view(-1, out.size(2)))\nreturn {back}\n"
    source = model("nn.LSTM(4, 8, batch_first=True)", body).replace(
        "        self.rnn =", "        self.fc = nn.Linear(8, 3)\n        self.rnn ="
    )
    assert codes(source) == expected


@pytest.mark.parametrize(
    ("weights", "expected"), [("scores.unsqueeze(1)", ["SHP110"]), ("scores.t().unsqueeze(1)", [])]
)
def test_attention_weights_paired_with_the_outputs_they_weigh(weights: str, expected: list[str]) -> None:
    """Whatever the input, a time-major RNN's output is (its steps, its rows): weights softmaxed over the steps
    and kept time-first meet the batch-first outputs step against sample."""
    body = "out, _ = self.rnn(x)\nscores = torch.softmax(out.sum(2), dim=0)\n"
    body += f"return torch.bmm({weights}, out.transpose(0, 1))\n"
    assert codes(model("nn.GRU(4, 8)", body)) == expected


def test_a_loop_position_named_idx_picks_one_step() -> None:
    body = """\
        steps = torch.zeros(seq_len, batch_size, 4, 2)
        for idx in range(3):
            picked = steps[idx].view(batch_size, -1)
        return picked
    """
    assert codes(model("nn.LSTM(4, 8)", body)) == []


def test_an_assert_checks_values_and_is_not_a_use() -> None:
    body = "out, h = self.rnn(x)\nassert torch.equal(out[-1], h[0])\nreturn out\n"
    assert codes(model("nn.GRU(4, 8)", body, params="x, lengths")) == []
    assert codes(model("nn.GRU(4, 8)", "out, h = self.rnn(x)\nreturn out[-1]\n", params="x, lengths")) == ["SHP303"]


@pytest.mark.parametrize(
    ("restore", "expected"),
    [
        ("h_n = h_n[:, unperm_idx]", ["SHP203"]),  # rows put back in order: still the final state
        ("h_n = h_n.index_select(1, unperm_idx)", ["SHP203"]),
        ("h_n = h_n[:, step]", []),  # one sample picked by a number: a state of another shape
    ],
)
def test_a_state_whose_samples_are_put_back_in_order_keeps_its_layout(restore: str, expected: list[str]) -> None:
    body = f"out, h_n = self.rnn(x)\n{restore}\nreturn h_n[-1]\n"
    source = model("nn.GRU(4, 8, num_layers=2, bidirectional=True)", body, params="x, unperm_idx, step")
    assert codes(source) == expected


# Attention energies written one by one into a buffer of the encoder outputs' sizes, as older
# tutorials do: wrapped in `Variable`, moved to the GPU on one path only.
FILLED_ATTENTION = """\
import torch
from torch import nn
from torch.autograd import Variable
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

USE_CUDA = torch.cuda.is_available()


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16)

    def forward(self, x, lengths, hidden):
        outputs, _ = self.rnn(pack_padded_sequence(x, lengths))
        outputs, _ = pad_packed_sequence(outputs)
        max_len, batch_size = outputs.size(0), outputs.size(1)
        energies = Variable(torch.zeros(batch_size, max_len))
        if USE_CUDA:
            energies = energies.cuda()
        for b in range(batch_size):
            for i in range({steps}):
                energies[b, i] = hidden[b].dot(outputs[i, b])
        return torch.softmax(energies, dim=1)
"""


def test_a_buffer_filled_step_by_step_holds_the_padded_steps() -> None:
    source = FILLED_ATTENTION.format(steps="max_len")
    (finding,) = lint_source(source.encode(), "m.py", Config())
    assert finding.code == "SHP304" and finding.line == 24
    assert "its steps are written one by one into this tensor at line 23" in finding.message


def test_a_buffer_filled_over_steps_of_another_count_is_not_the_padded_one() -> None:
    # `i` walks a length of its own, not the steps of `outputs`: nothing says the buffer holds them all.
    assert codes(FILLED_ATTENTION.format(steps="n_steps")) == []


VARIATIONAL_DROPOUT = """\
import torch.nn.functional as F
from jaxtyping import Int
from torch import Tensor, nn


class VariationalDropout(nn.Dropout):
    def forward(self, x):
        mask = F.dropout(x.new_ones(x.size(0), x.size(-1)), self.p, self.training)
        if self.inplace:
            x *= mask.unsqueeze(1)
            return {in_place}
        return mask.unsqueeze(1) * x


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.dropout = VariationalDropout(0.5)
        self.rnn = nn.LSTM(8, 16, bidirectional=True)

    def forward(self, tokens: Int[Tensor, "batch seq"]):
        out, _ = self.rnn(self.dropout(self.embedding(tokens)))
        return out
"""


def test_a_helper_that_returns_none_on_one_path_returns_its_tensor_to_a_caller_that_uses_it() -> None:
    # The in-place path returns nothing a caller could use; the tensor it uses is the other path's.
    assert codes(VARIATIONAL_DROPOUT.format(in_place="None")) == ["SHP105"]
    # Two tensors that may differ are still unknown where they meet.
    assert codes(VARIATIONAL_DROPOUT.format(in_place="x.transpose(0, 1)")) == []


def test_an_in_place_update_keeps_the_layout_whatever_is_added() -> None:
    # `x += y` broadcasts `y` into `x`: a coverage term of unknown shape leaves the scores as they were.
    body = """\
        out, _ = self.rnn(x)
        scores = self.score(out).squeeze(-1)
        scores += self.cover_weight * torch.log(coverage + 1e-12)
        return torch.softmax(scores, dim=1)
    """
    source = model("nn.LSTM(4, 8, batch_first=True)", body, params="x, lengths, coverage").replace(
        "super().__init__()", "super().__init__()\n        self.score = nn.Linear(8, 1)"
    )
    assert codes(source) == ["SHP304"]
    assert codes(source.replace("scores += self.cover_weight", "scores += mask * self.cover_weight")) == []


def test_a_bilinear_score_of_padded_steps_is_laid_out_as_its_inputs() -> None:
    body = """\
        out, _ = self.rnn(x)
        query = h.expand(out.size(0), -1, -1).contiguous()
        energy = self.bilinear(query, out)
        return torch.softmax(energy, dim={dim})
    """
    source = model("nn.GRU(4, 8)", body, params="x, lengths, h").replace(
        "super().__init__()", "super().__init__()\n        self.bilinear = nn.Bilinear(8, 8, 1)"
    )
    assert codes(source.format(dim=0)) == ["SHP304"]  # time-major: over the steps
    assert codes(source.format(dim=1)) == []  # over the batch: a layout bug of its own, not padding


def test_windows_pooled_along_a_padded_time_axis_end_in_padding() -> None:
    body = """\
        out, _ = self.rnn(x)
        pooled = self.pool(torch.tanh(out.permute(1, 2, 0)))
        return pooled.permute(2, 0, 1)[-1]
    """
    source = model("nn.LSTM(4, 8)", body, params="x, lengths").replace(
        "super().__init__()", "super().__init__()\n        self.pool = nn.MaxPool1d(kernel_size=3, stride=2)"
    )
    assert codes(source) == ["SHP303"]
    assert codes(source.replace("x, lengths", "x")) == []  # nothing padded
    # Windows over the features of each step: no time axis left to take the last of.
    assert codes(source.replace("out.permute(1, 2, 0)", "out.permute(1, 0, 2)")) == []


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ('torch.einsum("bld,bdk->blk", q, keys.transpose(1, 2))', ["SHP304"]),  # queries against padded keys
        ('torch.einsum("bkd,bld->blk", keys, q)', ["SHP304"]),  # the same, written keys first
        ('torch.einsum("bld,bkd->bld", q, keys)', []),  # the keys' steps summed away: nothing padded is left
        ('torch.einsum("bld,bdk->blk", q, keys.transpose(1, 2)).masked_fill(mask, -1e9)', []),
    ],
)
def test_einsum_scores_keep_the_padded_axis_they_keep(scores: str, expected: list[str]) -> None:
    body = f"""\
        keys, _ = self.rnn(x)
        q, _ = self.rnn(y)
        return torch.softmax({scores}, dim=-1)
    """
    source = model("nn.LSTM(4, 8, batch_first=True)", body, params="x, y, lengths, mask")
    assert codes(source) == expected


def test_a_softmax_helper_over_any_axis_is_followed_through_its_reshapes() -> None:
    # The axis moved last by `len(x.size()) - 1`, the rest merged into rows: the legacy 2-D softmax
    # then runs over the time axis (dim=1), padded steps included.
    helper = """
    def softmax(self, values, axis=1):
        size = values.size()
        moved = values.transpose(axis, len(size) - 1)
        moved_size = moved.size()
        flat = F.softmax(moved.contiguous().view(-1, moved_size[-1]))
        return flat.view(*moved_size).transpose(axis, len(size) - 1)
"""
    imports = "import torch\nfrom torch import nn\nfrom torch.nn import functional as F\n"
    body = "out, _ = self.rnn(x)\nreturn self.softmax(out, 1)\n"
    source = model("nn.LSTM(4, 8, batch_first=True)", body, imports=imports, params="x, lengths") + helper
    assert codes(source) == ["SHP304"]
    assert codes(source.replace("self.softmax(out, 1)", "self.softmax(out, 2)")) == []  # over the features
