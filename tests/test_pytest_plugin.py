"""The pytest plugin, tested with pytester: it changes nothing unless asked, and fails what mixes axes."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

MODELS = """
import torch
from torch import nn

class Tagger(nn.Module):
    def __init__(self, transpose):
        super().__init__()
        self.transpose = transpose
        self.embedding, self.lstm = nn.Embedding(30, 4), nn.LSTM(4, 6)  # time-major

    def forward(self, tokens):
        embeds = self.embedding(tokens)
        batch_size, seq_len = tokens.shape
        x = embeds.transpose(0, 1) if self.transpose else embeds.view(seq_len, batch_size, -1)
        return self.lstm(x)[0]

def run(model):
    torch.manual_seed(0)
    for seq_len in (5, 7, 6):
        model(torch.randint(1, 30, (3, seq_len)))
"""

TESTS = """
import pytest
from models import Tagger, run

def test_buggy():
    run(Tagger(transpose=False))

def test_fixed():
    run(Tagger(transpose=True))
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(models=MODELS, test_models=TESTS)
    return pytester


def test_nothing_changes_without_the_option(project: pytest.Pytester) -> None:
    project.runpytest_subprocess().assert_outcomes(passed=2)


def test_the_option_fails_the_buggy_test_with_a_readable_report(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--shapelint")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*shapelint found 1 problem(s) with tensor layouts:*",
            "*models.py:13: SHP501 [[]mixed-axes[]] `embeds.view(seq_len, batch_size, -1)`: a view/reshape here"
            " re-cuts axis 0 of `tokens` (batch, `batch_size`) and axis 1 of `tokens` (time, `seq_len`)*",
            "*FAILED test_models.py::test_buggy*",
        ]
    )


def test_the_ini_option(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nshapelint = true\n")
    project.runpytest_subprocess().assert_outcomes(passed=1, failed=1)


def test_the_marker_traces_one_test_and_declares_layouts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(models=MODELS)
    pytester.makepyfile(
        test_marked="""
        import pytest, torch
        from models import Tagger, run

        @pytest.mark.shapelint
        def test_marked():
            run(Tagger(transpose=False))

        def test_unmarked():
            run(Tagger(transpose=False))

        @pytest.mark.shapelint(layouts={"tokens": "batch seq"})
        def test_declared_square_batch():
            Tagger(transpose=False)(torch.randint(1, 30, (4, 4)))  # batch == seq: only the declaration tells
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        ["*FAILED test_marked.py::test_marked*", "*FAILED test_marked.py::test_declared_square*"]
    )


def test_the_fixture_hands_over_the_tracer(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(models=MODELS)
    pytester.makepyfile(
        test_fixture="""
        from models import Tagger, run

        def test_asserts_itself(shapelint):
            run(Tagger(transpose=False))
            assert [f.code for f in shapelint.findings] == ["SHP501"]
        """
    )
    pytester.runpytest_subprocess("--shapelint").assert_outcomes(passed=1)


def test_typecheck_option_catches_an_annotated_shape_violation(pytester: pytest.Pytester) -> None:
    pytester.mkpydir("shapes")
    pytester.path.joinpath("shapes", "api.py").write_text(
        "from jaxtyping import Float, Int\n"
        "from torch import Tensor\n\n"
        'def mean_pool(out: Float[Tensor, "b seq hidden"], lengths: Int[Tensor, " b"]) -> Float[Tensor, "b hidden"]:\n'
        "    return out.sum(1)  # lengths unused: nothing crashes without the check\n"
    )
    pytester.makepyfile(
        test_shapes="""
        import torch
        from shapes.api import mean_pool

        def test_time_major_passed_as_batch_first():
            mean_pool(torch.randn(7, 3, 4), torch.tensor([7, 5, 2]))
        """
    )
    result = pytester.runpytest_subprocess("--shapelint-typecheck=shapes")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*SHP505 declared-layout-violation*lengths*"])
    pytester.runpytest_subprocess().assert_outcomes(passed=1)  # without the option nothing checks


def test_works_with_xdist(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--shapelint", "-n", "2")
    result.assert_outcomes(passed=1, failed=1)
