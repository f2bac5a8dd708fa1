"""Hand-written recurrent layers: cells stepped in loops, the lists their steps fill, and the stacks of them.

Each correct program in tests/negatives that steps a cell by hand has buggy twins here, one edit away,
and each twin is flagged: the negative is silent because the layout is followed and right, not because
nothing is known. The small programs below pin down each inference and its look-alikes.
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import NEGATIVES

from shapelint import Config, lint_source


def codes(source: str) -> list[str]:
    return sorted(finding.code for finding in lint_source(textwrap.dedent(source).encode(), "m.py", Config()))


# (negative program, text in it, the buggy edit, the code the edit must bring)
TWINS = [
    ("99_hand_bigru_batch_first.py", "torch.stack(outs_b[::-1], dim=1)", "torch.stack(outs_b, dim=1)", "SHP207"),
    ("99_hand_bigru_batch_first.py", "ins_b.insert(0, h_b)", "ins_b.append(h_b)", "SHP207"),
    ("99_hand_bigru_batch_first.py", "        outs_b.reverse()\n", "", "SHP207"),
    ("99_hand_bigru_batch_first.py", "fw = torch.stack(outs_f, dim=1)", "fw = torch.stack(outs_f, dim=0)", "SHP102"),
    ("100_hand_rnn_time_major.py", "out = torch.stack(outs)", "out = torch.stack(outs, dim=1)", "SHP105"),
    ("100_hand_rnn_time_major.py", "self.cell(x[t], (h, c))", "self.cell(x[:, t], (h, c))", "SHP108"),
    ("100_hand_rnn_time_major.py", "out[-1], top[-1]", "out[:, -1], top[-1]", "SHP107"),
    ("101_per_sample_and_layer_loops.py", "self.proj(x[i])", "self.proj(x[:, i])", "SHP108"),
    (
        "102_attention_decoder_steps.py",
        "torch.zeros(batch_size, max_len, self.vocab_size)",
        "torch.zeros(max_len, batch_size, self.vocab_size)",
        "SHP108",
    ),
    ("102_attention_decoder_steps.py", "torch.stack(outputs, dim=1)", "torch.stack(outputs)", "SHP107"),
]


@pytest.mark.parametrize(("name", "correct", "buggy", "code"), TWINS)
def test_the_buggy_twin_of_a_correct_hand_written_layer_is_flagged(
    name: str, correct: str, buggy: str, code: str
) -> None:
    source = (NEGATIVES / name).read_text(encoding="utf-8")
    assert source.count(correct) == 1
    assert codes(source) == []
    assert code in codes(source.replace(correct, buggy))


CELL = """
import torch
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.{cell}(8, 16)
        self.fc = nn.Linear(16, 2)

    def forward(self, tokens):
        batch_size, seq_len, _ = tokens.shape
{body}
"""


def cell_program(body: str, cell: str = "GRUCell") -> str:
    return CELL.format(cell=cell, body=textwrap.indent(textwrap.dedent(body), " " * 8))


GRU_LOOP = """
h = tokens.new_zeros(batch_size, 16)
outs = []
for t in range(seq_len):
    h = self.cell(tokens[:, t], h)
    outs.append(h)
"""


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("out = torch.stack(outs)\nreturn self.fc(out[:, -1])", ["SHP107"]),
        ("out = torch.stack(outs, dim=1)\nreturn self.fc(out[:, -1])", []),
        ("out = torch.stack(outs, 0)\nreturn out.view(batch_size, -1)", ["SHP102"]),
        ("out = torch.stack(outs, 1)\nreturn out.reshape(batch_size, -1)", []),
        ("out = torch.stack(outs)\nreturn self.fc(out[-1])", []),
        ("out = torch.cat([o.unsqueeze(0) for o in outs], dim=0)\nreturn out[:, -1]", ["SHP107"]),
        ("out = torch.cat([o.unsqueeze(1) for o in outs], dim=1)\nreturn out[:, -1]", []),
        # The last step's output, taken from the list: (batch, hidden).
        ("return self.fc(outs[-1])", []),
    ],
)
def test_per_step_outputs_stacked_take_the_layout_of_the_stack(tail: str, expected: list[str]) -> None:
    assert codes(cell_program(GRU_LOOP + tail)) == expected


def test_an_lstm_cell_returns_its_state_pair() -> None:
    body = """
    h = c = tokens.new_zeros(batch_size, 16)
    outs = []
    for t in range(seq_len):
        h, c = self.cell(tokens[:, t], (h, c))
        outs += [h]
    return torch.stack(outs).view(batch_size, -1)
    """
    assert codes(cell_program(body, "LSTMCell")) == ["SHP102"]


@pytest.mark.parametrize(
    ("loop", "expected"),
    [
        ("for t in reversed(range(seq_len)):", ["SHP207"]),
        ("for t in range(seq_len - 1, -1, -1):", ["SHP207"]),
        # Read from the end by the index, not the loop: the order is not followed, so nothing is said.
        ("for t in range(seq_len):", []),
    ],
)
def test_backward_outputs_joined_in_the_order_they_were_made(loop: str, expected: list[str]) -> None:
    index = "tokens[:, t]" if "seq_len - 1" in loop or "reversed" in loop else "tokens[:, seq_len - 1 - t]"
    body = f"""
    h_f = h_b = tokens.new_zeros(batch_size, 16)
    fw, bw = [], []
    for t in range(seq_len):
        h_f = self.cell(tokens[:, t], h_f)
        fw.append(h_f)
    {loop}
        h_b = self.cell({index}, h_b)
        bw.append(h_b)
    return torch.cat([torch.stack(fw, 1), torch.stack(bw, 1)], dim=-1)
    """
    assert codes(cell_program(body)) == expected


def test_outputs_written_into_a_buffer_by_a_recurrence_are_its_outputs() -> None:
    written = """
    outputs = torch.zeros(seq_len, batch_size, 16)
    h = torch.zeros(batch_size, 16)
    for t in range(seq_len):
        h = self.cell(tokens[:, t], h)
        outputs[t] = h
    return outputs[:, -1]
    """
    assert codes(cell_program(written)) == ["SHP107"]
    # Not a recurrence: a per-step projection written out step by step says nothing of RNN outputs.
    projected = written.replace("h = self.cell(tokens[:, t], h)", "h = self.fc(tokens[:, t])")
    assert codes(cell_program(projected)) == []


def test_a_cell_module_of_the_project_with_linear_gates() -> None:
    source = """
    import torch
    import torch.nn as nn


    class Cell(nn.Module):
        def __init__(self, n_in, n_hidden):
            super().__init__()
            self.x2h = nn.Linear(n_in, 4 * n_hidden)
            self.h2h = nn.Linear(n_hidden, 4 * n_hidden)

        def forward(self, x, state):
            h, c = state
            i, f, g, o = (self.x2h(x) + self.h2h(h)).chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            return torch.sigmoid(o) * torch.tanh(c), c


    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = Cell(8, 16)

        def forward(self, x):
            seq_len, batch_size, _ = x.size()
            h = c = torch.zeros(batch_size, 16)
            steps = []
            for x_t in x.unbind(0):
                h, c = self.cell(x_t, (h, c))
                steps.append(h)
            return torch.stack(steps, 0).view(batch_size, seq_len, -1)
    """
    assert codes(source) == ["SHP101"]
    assert codes(source.replace(".view(batch_size, seq_len, -1)", ".transpose(0, 1)")) == []


def test_a_layer_stacked_by_hand_hands_its_layout_to_the_next() -> None:
    source = """
    import torch
    import torch.nn as nn


    class Stacked(nn.Module):
        def __init__(self):
            super().__init__()
            self.cells = nn.ModuleList([nn.GRUCell(8 if i == 0 else 16, 16) for i in range(2)])

        def forward(self, x):
            batch_size, seq_len, _ = x.shape
            layer_input = x
            for cell in self.cells:
                h = x.new_zeros(batch_size, 16)
                steps = []
                for t in range(seq_len):
                    h = cell(layer_input[:, t], h)
                    steps.append(h)
                layer_input = torch.stack(steps)
            return layer_input
    """
    assert codes(source) == ["SHP108"]
    assert codes(source.replace("torch.stack(steps)", "torch.stack(steps, dim=1)")) == []


@pytest.mark.parametrize(
    ("join", "expected"),
    [
        ("torch.stack([h_f, h_b], dim=1)", ["SHP101"]),  # (batch, 2, hidden): cut as (2, batch, hidden)
        ("torch.cat([h_f, h_b], dim=1)", ["SHP101"]),  # (batch, 2 * hidden)
        ("torch.stack([h_f, h_b], dim=0)", []),
        ("torch.cat([h_f, h_b], dim=0)", []),  # the samples once per direction, directions outermost
    ],
)
def test_final_states_of_two_directions_cut_as_layers(join: str, expected: list[str]) -> None:
    body = f"""
    h_f = h_b = torch.zeros(batch_size, 16)
    for t in range(seq_len):
        h_f = self.cell(tokens[:, t], h_f)
        h_b = self.cell(tokens[:, seq_len - 1 - t], h_b)
    return {join}.view(2, batch_size, 16)
    """
    assert codes(cell_program(body)) == expected


@pytest.mark.parametrize(
    ("loop", "expected"),
    [
        # A loop over layers carries its input through calls but reads no step of a tensor: not time.
        ("for i in range(n):\n    z = self.fc2(z)\n    outs.append(z)", []),
        # A loop over steps that reads one and carries a state: a recurrence, whatever the cell.
        ("for i in range(n):\n    z = self.fc2(z) + self.fc1(tokens[:, i])\n    outs.append(z)", ["SHP102"]),
    ],
)
def test_a_loop_is_over_time_when_it_carries_a_state_and_reads_steps(loop: str, expected: list[str]) -> None:
    source = f"""
    import torch
    import torch.nn as nn


    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(8, 16)
            self.fc2 = nn.Linear(16, 16)

        def forward(self, tokens, n):
            batch_size, seq_len, _ = tokens.shape
            z = tokens.new_zeros(batch_size, 16)
            outs = []
{textwrap.indent(loop, " " * 12)}
            return torch.stack(outs).view(batch_size, -1)
    """
    assert codes(source) == expected


def test_a_loop_over_a_batch_first_rnn_output_must_walk_its_time_axis() -> None:
    source = """
    import torch.nn as nn


    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(8, 16, batch_first=True)
            self.cell = nn.GRUCell(16, 16)

        def forward(self, x):
            seq, _ = self.rnn(x)
            h = seq.new_zeros(seq.size(0), 16)
            for t in range(seq.size(1)):
                h = self.cell(seq[t], h)
            return h
    """
    assert codes(source) == ["SHP108"]
    assert codes(source.replace("seq[t]", "seq[:, t]")) == []
    # Without batch_first the roles are only the default's guess (the input may be a sentence of one).
    assert codes(source.replace(", batch_first=True", "").replace("seq.size(1)", "seq.size(0)")) == []


def test_a_state_handed_on_through_another_name_is_carried() -> None:
    """The pattern of a batch-normalised LSTM by hand: the cell reads `hx`, the round builds the next pair
    and hands it on at its end (`hx = hx_next`); lengths in scope imply no padding of the steps it makes."""
    source = """
    import torch
    import torch.nn as nn


    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = Cell()

        def forward(self, input_, length):
            max_time, batch_size, _ = input_.size()
            hx = (torch.zeros(batch_size, 16), torch.zeros(batch_size, 16))
            output = []
            for time in range(max_time):
                h_next, c_next = self.cell(input_[time], hx)
                hx_next = (h_next, c_next)
                output.append(h_next)
                hx = hx_next
            output = torch.stack(output, 0)
            return output[-1], output.max(0)[0]


    class Cell(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Linear(8, 32)
            self.u = nn.Linear(16, 32)

        def forward(self, x, hx):
            h, c = hx
            f, g = (self.w(x) + self.u(h)).chunk(2, 1)
            c = torch.sigmoid(f) * c + torch.tanh(g)
            return torch.tanh(c), c
    """
    assert codes(source) == []
    assert codes(source.replace("output[-1]", "output[:, -1]")) == ["SHP107"]


def test_a_second_round_only_where_the_first_swapped_batch_and_time() -> None:
    """A decoder fed its own output of one step (`input_feed = out`): the round computes that output from
    less than it knows (its one step is no longer known as one), and a second round run from it would
    read a whole sequence into the RNN (a false SHP103 on the attention's view, learning_to_ask_question)."""
    source = """
    import torch
    import torch.nn as nn


    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(16, 8, batch_first=True)
            self.linear_in = nn.Linear(8, 8)

        def score(self, h_t):
            b, t, d = h_t.size()
            return self.linear_in(h_t.view(b * t, d)).view(b, t, d)

        def forward(self, q_emb, hidden, batch_size):
            input_feed = torch.zeros(batch_size, 1, 8)
            outputs = []
            for step in q_emb[:, :-1, :].split(1, dim=1):
                out, hidden = self.rnn(torch.cat((step, input_feed), dim=2), hidden)
                out = self.score(out)
                outputs.append(out)
                input_feed = out
            return outputs
    """
    assert codes(source) == []


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("return out.view(out.size(1), out.size(0), -1)", ["SHP101"]),  # batch-first re-cut as time-major
        ("return out.transpose(0, 1)", []),
    ],
)
def test_a_loop_over_a_tensor_walks_its_first_axis(tail: str, expected: list[str]) -> None:
    source = f"""
    import torch
    import torch.nn as nn
    from jaxtyping import Float
    from torch import Tensor


    class ElmanLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.w_xh = nn.Linear(8, 16)
            self.w_hh = nn.Linear(16, 16, bias=False)

        def forward(self, x: Float[Tensor, "seq batch feat"]):
            h = torch.zeros(x.size(1), 16)
            hs = []
            for x_t in x:
                h = torch.tanh(self.w_xh(x_t) + self.w_hh(h))
                hs.append(h)
            out = torch.stack(hs, dim=1)
            {tail}
    """
    assert codes(source) == expected


def test_a_file_that_steps_a_cell_is_read_and_one_that_names_a_notebook_cell_is_not() -> None:
    from shapelint.static.knowledge import may_hold_finding

    assert may_hold_finding("class Cell(nn.Module):\n    pass\n")
    assert may_hold_finding("self.step = nn.GRUCell(8, 16)\n")
    assert not may_hold_finding("# Run This Cell to Produce Your Plot\nplot(words)\n")
