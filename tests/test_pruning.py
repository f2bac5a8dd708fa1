"""What the linter blanks before its libcst parse: definitions that cannot give the inference
anything. Every line keeps its number and every kept line its text."""

from __future__ import annotations

import ast
import textwrap

from shapelint import Config
from shapelint.static.engine import lint_text
from shapelint.static.pruning import prune

SOURCE = textwrap.dedent(
    '''\
    import torch
    from torch import nn

    SCALE = 2


    def unrelated(path):
        """Reads a file: nothing of a layout."""
        with open(path) as handle:
            return handle.read()


    def used_helper(x):
        return x * SCALE


    def configure():
        global SCALE
        SCALE = 3


    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(8, 16)

        def forward(self, x):
            out, _ = self.rnn(used_helper(x))
            return self.head(out)

        def head(self, out):
            return out[-1]

        @property
        def size(self):
            return 16


    class Plain:
        def method(self):
            return 1
    '''
)


def kept_names(text: str) -> set[str]:
    tree = ast.parse(text)
    names = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    return names


def test_lines_keep_their_numbers_and_kept_lines_their_text() -> None:
    pruned = prune(SOURCE)
    assert pruned.count("\n") == SOURCE.count("\n")
    for before, after in zip(SOURCE.splitlines(), pruned.splitlines(), strict=True):
        assert after in ("", before)


def test_what_cannot_hold_a_layout_is_blanked_and_what_kept_code_calls_is_kept() -> None:
    names = kept_names(prune(SOURCE))
    # The model, what its methods call (its own `head`, a module function), and a function that
    # rebinds a module constant, which decides what the constant is.
    assert {"Model", "__init__", "forward", "head", "used_helper", "configure"} <= names
    assert not names & {"unrelated", "size", "Plain", "method"}


def test_a_script_s_names_for_the_model_keep_the_functions_that_use_them() -> None:
    script = "from model import Encoder\n\n\ndef run(batch):\n    return Encoder(10, 4)(batch)\n"
    assert "run" not in kept_names(prune(script))
    assert "run" in kept_names(prune(script, live_names={"Encoder"}))


def test_a_class_left_with_no_member_is_kept_whole() -> None:
    source = (
        "class Model:\n    def method(self):\n        return 1\n\n\nmodel = Model()\nprint(x.t().view(-1), model)\n"
    )
    assert prune(source) == source


def test_code_python_refuses_is_given_back_whole() -> None:
    broken = SOURCE + "def broken(:\n"
    assert prune(broken) == broken


def test_findings_and_noqa_stay_on_the_lines_as_written() -> None:
    tagger = textwrap.dedent(
        """\


        class Tagger(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.LSTM(8, 16, bidirectional=True)

            def forward(self, x):
                out, _ = self.rnn(x)
                return out[-1]
        """
    )
    source = SOURCE + tagger
    line = len(source.splitlines())  # the tagger's last step, past the blanked definitions
    assert [(f.line, f.code) for f in lint_text(source, "x.py", Config())] == [(line, "SHP205")]
    silenced = source.rstrip("\n") + "  # noqa: SHP205\n"
    assert lint_text(silenced, "x.py", Config()) == []


def test_a_method_that_only_uses_an_rnn_attribute_is_kept() -> None:
    source = textwrap.dedent(
        """\
        from torch import nn


        class Encoder(nn.Module):
            def __init__(self, gru):
                super().__init__()
                cell = nn.GRU if gru else nn.LSTM
                self.rnn = cell(4, 8, bidirectional=True)
                self.fc = nn.Linear(16, 2)

            def encode(self, x):
                out, _ = self.rnn(x)
                return out[:, -1]

            def classify(self, x):
                return self.fc(x)
        """
    )
    names = kept_names(prune(source))
    assert "encode" in names and "classify" not in names


def test_a_base_class_of_a_kept_class_is_kept() -> None:
    source = textwrap.dedent(
        """\
        from torch import nn


        class Base(nn.Module):
            def forward(self, x):
                out, _ = self.rnn(x)
                return out[:, -1]


        class Tagger(Base):
            def __init__(self):
                super().__init__()
                self.rnn = nn.LSTM(4, 8, batch_first=True, bidirectional=True)
        """
    )
    assert {"Base", "forward", "Tagger"} <= kept_names(prune(source))


def test_a_literal_table_that_no_kept_code_names_is_blanked() -> None:
    text = textwrap.dedent(
        """\
        import torch

        TABLE = {
            "pack_padded_sequence": [1, 2],
            "LSTM": (-3, "x"),
        }
        SIZES = [
            4, 8,
        ]


        def widths(x):
            return x.transpose(0, 1).view(-1, SIZES[0])
        """
    )
    pruned = prune(text)
    assert "TABLE" not in pruned and '"LSTM"' not in pruned  # its words are data, not code
    assert "SIZES = [" in pruned  # named by kept code
    assert pruned.count("\\n") == text.count("\\n")


def test_a_form_feed_does_not_shift_the_lines_blanked() -> None:
    """Python ends a line only at `\\n`, `\\r\\n` or `\\r`; `str.splitlines` also at a form feed."""
    text = "import torch\n\x0c\ndef unrelated(a):\n    return a + 1\n\n\ndef f(x):  # \x0c\n    return x.t().view(-1)\n"
    pruned = prune(text)
    assert "unrelated" not in pruned and "return x.t().view(-1)" in pruned
    ast.parse(pruned)
    assert pruned.count("\n") == text.count("\n")


def test_module_code_is_kept_when_it_can_matter_to_kept_code() -> None:
    text = textwrap.dedent(
        """\
        import torch
        from torch import nn
        from torch._C import _add_docstr as add_docstr

        add_docstr(torch.abs, r\"\"\"abs(x): see x.view(-1) and torch.zeros(3)\"\"\")
        TABLE = {"LSTM": 1, "pad_packed_sequence": 2}
        HIDDEN = 16
        batch_size = 3
        rnn = nn.LSTM(8, HIDDEN)
        out, _ = rnn(torch.zeros(5, batch_size, 8))
        flat = out.view(batch_size, -1)
        print(flat)


        def main():
            return 1


        if __name__ == "__main__":
            main()
        """
    )
    pruned = prune(text)
    kept = [line for line in pruned.splitlines() if line.strip()]
    assert kept == [
        *("import torch", "from torch import nn", "from torch._C import _add_docstr as add_docstr"),
        *("HIDDEN = 16", "batch_size = 3", "rnn = nn.LSTM(8, HIDDEN)"),
        *("out, _ = rnn(torch.zeros(5, batch_size, 8))", "flat = out.view(batch_size, -1)", "print(flat)"),
    ]
    # A script's steps stay linked through their variables, and a finding on them is still found.
    assert [finding.code for finding in lint_text(text, "script.py", Config())] == ["SHP102"]


def test_a_function_that_uses_a_model_built_at_module_level_is_kept() -> None:
    text = textwrap.dedent(
        """\
        from torch import nn


        class Encoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)

            def forward(self, x):
                return self.rnn(x)


        def evaluate(batch):
            outputs, hidden = encoder(batch)
            return hidden[-1]


        def report(rows):
            return len(rows)


        encoder = Encoder()
        report([1])
        """
    )
    pruned = prune(text)
    assert "def evaluate(batch):" in pruned and "encoder = Encoder()" in pruned
    assert "def report(rows):" not in pruned and "report([1])" not in pruned


def test_a_long_table_of_literals_is_blanked_even_where_kept_code_reads_it() -> None:
    rows = "".join(f'    ("op{i}", torch.float16, {i}): [1, 2],\n' for i in range(60))
    text = f"import torch\n\nTABLE = {{\n{rows}}}\nSETTINGS = {{'hidden_size': 16}}\n\n\ndef widths(x):\n"
    text += "    return x.t().view(-1, TABLE[0], SETTINGS['hidden_size'])\n"
    pruned = prune(text)
    assert '"op0"' not in pruned and "SETTINGS = {'hidden_size': 16}" in pruned
