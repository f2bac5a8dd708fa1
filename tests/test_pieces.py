"""A file too large to parse whole is analysed in pieces, and finds what the whole file finds: calls
from one piece into another, a script that builds a model of another piece, `noqa`, `--fix`, and
calls from another file into a piece."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES

from shapelint import Config, lint_paths
from shapelint.findings import Finding
from shapelint.static import pieces
from shapelint.static.engine import lint_text
from shapelint.static.fixes import fix_source
from shapelint.static.project.index import Project

MODELS = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn
    from jaxtyping import Float, Int
    from torch import Tensor

    HIDDEN = 16


    def flatten_steps(out):
        return out.view(out.size(0), -1)


    class Encoder(nn.Module):
        def __init__(self, vocab, hidden):
            super().__init__()
            self.embedding = nn.Embedding(vocab, hidden)
            self.lstm = nn.LSTM(hidden, HIDDEN, batch_first=True)

        def forward(self, tokens: Int[Tensor, "batch seq"]):
            out, _ = self.lstm(self.embedding(tokens))
            return flatten_steps(out)


    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(8, HIDDEN, batch_first=True)

        def forward(self, x: Float[Tensor, "batch seq feat"]):
            out, _ = self.lstm(x)
            return out.view(out.size(0), -1)  # noqa: SHP103


    def summarize(out):
        return out.view(out.size(0), -1)


    if __name__ == "__main__":
        batch_size, seq_len = 4, 7
        model = Encoder(100, 8)
        tokens = torch.randint(0, 100, (batch_size, seq_len))
        print(model(tokens).shape)
        lstm = nn.LSTM(8, HIDDEN, batch_first=True)
        steps, _ = lstm(torch.randn(batch_size, seq_len, 8))
        print(summarize(steps).shape)

    tagger = Tagger()


    def feed(seq_len, batch_size):
        return tagger(torch.zeros(seq_len, batch_size, 8))
    """
)
TRAIN = textwrap.dedent(
    """\
    import torch
    from models import Encoder

    model = Encoder(50, 8)
    print(model(torch.randint(0, 50, (4, 9))).shape)
    """
)


@pytest.fixture(autouse=True)
def fresh_parses() -> Iterator[None]:
    """No parse made under other limits is reused."""
    pieces.forget_parses()
    yield
    pieces.forget_parses()


def findings(text: str, path: str = "models.py") -> list[Finding]:
    pieces.forget_parses()
    return lint_text(text, path, Config())


@pytest.fixture
def in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file is parsed in pieces of one definition each."""
    monkeypatch.setattr(pieces, "SPLIT_ABOVE", 0)
    monkeypatch.setattr(pieces, "PIECE_CHARS", 1)
    monkeypatch.setattr(pieces, "KEPT_PIECES", 1)


def whole_findings(text: str, path: str = "models.py") -> list[Finding]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pieces, "SPLIT_ABOVE", 10**12)
        return findings(text, path)


def test_a_file_in_pieces_is_a_skeleton_of_stubs_and_pieces_that_keep_their_lines(in_pieces: None) -> None:
    module = pieces.analysed_module(MODELS, frozenset(), None)
    assert isinstance(module, pieces.PiecedModule)
    skeleton = module.skeleton.code.splitlines()
    assert len(skeleton) == len(MODELS.splitlines())
    assert skeleton[8] == "def flatten_steps(): ..."  # line 9
    assert skeleton[12] == "class Encoder: ..."
    assert "    model = Encoder(100, 8)" in skeleton  # the script is module code: whole
    stub = next(node for node in module.skeleton.body if getattr(node, "name", None) is not None)
    place = module.stands_for(stub)
    assert place is not None
    assert module.first_line(place[0]) == 9
    assert module.piece(place[0]).code.startswith("def flatten_steps(out):\n")


def test_calls_across_pieces_and_the_script_find_what_the_whole_file_finds(in_pieces: None) -> None:
    found = findings(MODELS)
    assert found == whole_findings(MODELS)
    # `flatten_steps` (its own piece) is flagged only through `Encoder.forward` (another piece), and
    # `summarize` only through the script, which builds `lstm` in the skeleton; the third view is noqa'd.
    # `feed` calls the `Tagger` that the module's code built: what the RNN in its piece is, the
    # module's code found (a piece its code reached stays parsed for the functions that read it).
    assert [(finding.line, finding.code) for finding in found] == [(10, "SHP103"), (35, "SHP103"), (30, "SHP105")]
    assert "as `flatten_steps` is called at line 21" in found[0].message
    assert "as `summarize` is called at line 45" in found[1].message
    assert "to an RNN built at line 27" in found[2].message


def test_noqa_still_silences_a_finding_in_a_piece(in_pieces: None) -> None:
    unsilenced = MODELS.replace("  # noqa: SHP103", "")
    assert (31, "SHP103") in [(finding.line, finding.code) for finding in findings(unsilenced)]
    assert findings(unsilenced) == whole_findings(unsilenced)
    silenced = "# shapelint: noqa: SHP103\n" + MODELS
    assert findings(silenced) == whole_findings(silenced)
    assert [finding.code for finding in findings(silenced)] == ["SHP105"]


def test_fix_rewrites_the_lines_of_the_file_not_of_the_piece(in_pieces: None) -> None:
    fixed = fix_source(MODELS.encode(), "models.py", Config())
    assert fixed is not None
    changed = [
        (number, line)
        for number, (before, line) in enumerate(zip(MODELS.splitlines(), fixed.fixed.splitlines()), start=1)
        if before != line
    ]
    assert changed == [(10, "    return out.reshape(out.size(0), -1)"), (35, "    return out.reshape(out.size(0), -1)")]


def test_a_call_from_another_file_reaches_into_a_piece(tmp_path: Path, in_pieces: None) -> None:
    files = [tmp_path / "models.py", tmp_path / "train.py"]
    files[0].write_text(MODELS)
    files[1].write_text(TRAIN)
    project = Project.from_files(files)
    split = lint_text(TRAIN, str(files[1]), Config(), project)
    split_run = lint_paths([tmp_path], Config())
    pieces.forget_parses()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pieces, "SPLIT_ABOVE", 10**12)
        assert split == lint_text(TRAIN, str(files[1]), Config(), project)
        assert split_run == lint_paths([tmp_path], Config())
    # The script's model runs `Encoder.forward` and `flatten_steps`, each in its own piece of models.py.
    ((line, message),) = [(finding.line, finding.message) for finding in split]
    assert line == 10
    assert f"`flatten_steps` is called at {files[0]}:21; as `forward` is called at {files[1]}:5" in message


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*_buggy.py")), ids=lambda path: path.stem)
def test_every_buggy_fixture_finds_the_same_in_pieces(path: Path, in_pieces: None) -> None:
    text = path.read_text()
    found = findings(text, str(path))
    assert found
    assert found == whole_findings(text, str(path))
