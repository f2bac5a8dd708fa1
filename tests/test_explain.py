"""`shapelint explain PATH:LINE`: the layouts on a line, the evidence behind them, and what is missing."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import FIXTURES, ROOT, run_cli

SEED = """\
import torch.nn as nn


class LSTMTagger(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size, batch_size):
        super().__init__()
        self.batch_size = batch_size
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), self.batch_size, -1))
        return lstm_out
"""


def test_a_silent_line_says_which_evidence_is_missing(tmp_path: Path) -> None:
    (tmp_path / "tagger.py").write_text(SEED)
    result = run_cli("explain", "tagger.py:13", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no finding on this line" in result.stdout
    assert "line 12: `embeds = self.word_embeddings(sentence)`" in result.stdout
    assert "`sentence` is a parameter of `forward` with no declared layout" in result.stdout
    assert 'a jaxtyping declaration of the input (`tokens: Int[Tensor, "batch seq"]`)' in result.stdout
    assert "`self.batch_size`: a size: batch" in result.stdout


def test_a_declaration_settles_it(tmp_path: Path) -> None:
    declared = SEED.replace(
        "import torch.nn as nn", "import torch.nn as nn\nfrom jaxtyping import Int\nfrom torch import Tensor"
    )
    declared = declared.replace(
        "def forward(self, sentence):", 'def forward(self, sentence: Int[Tensor, "batch seq"]):'
    )
    (tmp_path / "tagger.py").write_text(declared)
    result = run_cli("explain", "tagger.py:15", cwd=tmp_path)
    assert "finding SHP101 view-as-transpose" in result.stdout
    assert "`embeds`: tensor (batch, time, feat), embedding of `sentence` declared" in result.stdout
    assert "evidence that would settle it" not in result.stdout


def test_a_finding_is_shown_with_the_layouts_behind_it() -> None:
    result = run_cli("explain", "fixtures/hn_last_bidir_buggy.py:23", cwd=ROOT)
    assert "finding SHP203 hn-last-bidir" in result.stdout
    assert "`h_n`: tensor (layers*dirs, batch, feat), final state of the RNN" in result.stdout
    assert "bidirectional=True" in result.stdout


def test_evidence_from_the_rest_of_the_project_is_shown(tmp_path: Path) -> None:
    model = textwrap.dedent(
        """\
        from torch import nn


        class Encoder(nn.Module):
            def __init__(self, bidirectional=False):
                super().__init__()
                self.rnn = nn.GRU(8, 8, bidirectional=bidirectional)

            def forward(self, x):
                _, hidden = self.rnn(x)
                return hidden[-1]
        """
    )
    (tmp_path / "model.py").write_text(model)
    (tmp_path / "train.py").write_text("from model import Encoder\n\nencoder = Encoder(bidirectional=True)\n")
    result = run_cli("explain", "model.py:11", cwd=tmp_path)
    assert "finding SHP203" in result.stdout
    assert "`Encoder` is built with `bidirectional=True` at train.py:3" in result.stdout


def test_a_line_or_file_that_is_not_there_is_an_error() -> None:
    missing_line = run_cli("explain", f"{FIXTURES / 'hn_view_buggy.py'}:999")
    assert missing_line.returncode == 2 and "no such line" in missing_line.stderr
    assert run_cli("explain", "nowhere.py:3").returncode == 2
    assert run_cli("explain", "no-line-number").returncode == 2


def test_show_unknown_says_why_a_file_is_silent(tmp_path: Path) -> None:
    (tmp_path / "tagger.py").write_text(SEED)
    plain = run_cli("check", "tagger.py", cwd=tmp_path)
    assert plain.stdout == "No findings in 1 checked file.\n"
    shown = run_cli("check", "--show-unknown", "tagger.py", cwd=tmp_path)
    assert shown.returncode == 0
    assert shown.stdout.splitlines()[-1] == (
        "note: tagger.py: 1 RNN input of unknown layout (line 13); "
        "`shapelint explain tagger.py:13` shows what is missing"
    )
    declared = SEED.replace("def forward(self, sentence):", 'def forward(self, sentence: Int[Tensor, "batch seq"]):')
    (tmp_path / "tagger.py").write_text("from jaxtyping import Int\nfrom torch import Tensor\n" + declared)
    assert "note:" not in run_cli("check", "--show-unknown", "tagger.py", cwd=tmp_path).stdout


def test_a_broken_configuration_elsewhere_in_the_folder_does_not_stop_it(tmp_path: Path) -> None:
    (tmp_path / "tagger.py").write_text(SEED)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text("[tool.shapelint\n")
    result = run_cli("explain", "tagger.py:13", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("tagger.py:13: ")
    assert "warning:" in result.stderr and "explaining tagger.py on its own" in result.stderr
