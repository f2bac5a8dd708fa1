"""The runtime tracer: rule examples run traced, fixtures under `shapelint run`, and its guarantees."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
import warnings
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from conftest import FIXTURES, ROOT, run_cli  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

import shapelint  # noqa: E402
from shapelint.catalog import all_rules  # noqa: E402
from shapelint.runtime.rules import RuntimeRule  # noqa: E402

RUNTIME_RULES = [rule for rule in all_rules() if issubclass(rule, RuntimeRule)]
EXAMPLES = [
    pytest.param(rule, kind, index, example, id=f"{rule.code}-{kind}-{index}")
    for rule in RUNTIME_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "kind", "index", "example"), EXAMPLES)
def test_runtime_rule_examples(rule: type[RuntimeRule], kind: str, index: int, example: str) -> None:
    with shapelint.trace() as tracer:
        # dont_inherit: the example's annotations must not become strings through this file's __future__ import.
        code = compile(example, f"<{rule.code}-{kind}-{index}>", "exec", dont_inherit=True)
        exec(code, {"__name__": "__main__"})
    codes = [finding.code for finding in tracer.findings]
    if kind == "valid":
        assert codes == []
    else:
        assert rule.code in codes
        (finding,) = [f for f in tracer.findings if f.code == rule.code]
        assert finding.path == f"<{rule.code}-{kind}-{index}>" and finding.line > 0


# Buggy fixtures whose bug the tracer sees, with the code it reports at the marked line.
RUNTIME_CAUGHT = {
    "view_transpose_buggy.py": "SHP501",
    "view_transpose_square_buggy.py": "SHP502",
    "flatten_time_major_buggy.py": "SHP501",
    "rnn_layout_mismatch_buggy.py": "SHP502",
    "hn_view_buggy.py": "SHP501",
    "hn_batch_first_buggy.py": "SHP504",
    "unmasked_pool_buggy.py": "SHP508",
    "hn_last_bidir_buggy.py": "SHP509",
    "padded_last_step_buggy.py": "SHP510",
    "bidir_last_step_buggy.py": "SHP511",
    "h0_layout_buggy.py": "SHP512",
    "index_batch_axis_buggy.py": "SHP513",
    "return_layout_mismatch_buggy.py": "SHP505",
    "tagger_layout_buggy.py": "SHP502",
    "softmax_over_padding_buggy.py": "SHP508",
    "loop_index_axis_buggy.py": "SHP513",
}


def marked_line(path: Path) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if "# expect: SHP" in line)


@pytest.mark.parametrize("name", sorted(RUNTIME_CAUGHT))
def test_shapelint_run_flags_the_buggy_programs(name: str, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run_cli("run", "--format", "json", "--output", str(report), f"fixtures/{name}")
    assert result.returncode == 1, result.stderr[-2000:]
    findings = json.loads(report.read_text())
    assert {(f["code"], Path(f["path"]).name, f["line"]) for f in findings} >= {
        (RUNTIME_CAUGHT[name], name, marked_line(FIXTURES / name))
    }


RUNTIME_PROGRAMS = sorted((FIXTURES / "runtime").glob("*.py"))


def runtime_expectations(path: Path) -> set[tuple[int, str]]:
    return {
        (number, line.split("# expect-runtime:")[1].split()[0])
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "# expect-runtime:" in line
    }


@pytest.mark.parametrize("path", RUNTIME_PROGRAMS, ids=lambda p: p.name)
def test_runtime_programs_without_declarations(path: Path, tmp_path: Path) -> None:
    """Training loops with no annotations: the run itself shows which axis is the batch."""
    report = tmp_path / "report.json"
    result = run_cli("run", "--format", "json", "--output", str(report), str(path.relative_to(ROOT)))
    assert "done" in result.stdout, result.stderr[-2000:]
    found = {(f["line"], f["code"]) for f in json.loads(report.read_text())}
    expected = runtime_expectations(path)
    if path.name.endswith("_buggy.py"):
        assert expected and expected <= found
        assert result.returncode == 1
    else:
        assert found == set() and result.returncode == 0


def test_a_crashing_script_shows_its_traceback_and_still_reports(tmp_path: Path) -> None:
    script = tmp_path / "crash.py"
    source = (FIXTURES / "view_transpose_buggy.py").read_text()
    script.write_text(source + "\nraise ValueError('the script failed')\n")
    result = run_cli("run", str(script))
    assert result.returncode == 1
    assert "ValueError: the script failed" in result.stderr
    assert "SHP501" in result.stdout
    assert result.stdout.splitlines()[-1] == "Found 1 finding before the script failed (exit status 1)."
    assert f"shapelint: {script} failed (exit status 1)" in result.stderr
    # The traceback is the script's own: no frame of shapelint, runpy or the tracer in it.
    traceback = result.stderr[result.stderr.index("Traceback") :]
    assert "shapelint" not in traceback.split("ValueError")[0] and "runpy" not in traceback
    assert f'File "{script}", line ' in traceback


def test_a_failed_run_never_reads_as_a_clean_one(tmp_path: Path) -> None:
    script = tmp_path / "exits.py"
    script.write_text("import sys\nsys.exit('the data folder is missing')\n")
    result = run_cli("run", str(script))
    assert result.returncode == 1
    assert "the data folder is missing" in result.stderr  # sys.exit's message, as Python prints it
    assert result.stdout == "No findings before the script failed (exit status 1).\n"


def test_under_torchrun_each_rank_writes_its_own_report_and_lets_the_others_finish(tmp_path: Path) -> None:
    """torchrun stops every rank when one exits non-zero, and all ranks would write one `--output`."""
    script = tmp_path / "buggy.py"
    script.write_text((FIXTURES / "view_transpose_buggy.py").read_text())
    env = {**os.environ, "RANK": "1", "WORLD_SIZE": "2", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "shapelint", "run", "--format", "json", "--output", str(tmp_path / "report.json")]
    result = subprocess.run([*command, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "shapelint: rank 1: 1 finding(s) reported" in result.stderr
    assert not (tmp_path / "report.json").exists()
    assert '"SHP501"' in (tmp_path / "report.rank1.json").read_text()


def test_script_arguments_and_exit_status_pass_through(tmp_path: Path) -> None:
    script = tmp_path / "args.py"
    script.write_text("import sys\nprint(sys.argv[1:])\nsys.exit(3)\n")
    result = run_cli("run", str(script), "--flag", "value")
    assert "['--flag', 'value']" in result.stdout and result.returncode == 3


def test_run_without_torch_says_what_to_install(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text("print('hi')\n")
    code = (
        "import sys; sys.modules['torch'] = None; from shapelint.cli import main; "
        f"sys.exit(main(['run', {str(script)!r}]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert (
        "pip install torch==2.13.0, then pip install -e '.[runtime]'" in result.stderr
        and "Traceback" not in result.stderr
    )


# ---------------------------------------------------------------- guarantees

RNN_SETTINGS = [
    (cls, layers, bidirectional, batch_first)
    for cls in (nn.LSTM, nn.GRU, nn.RNN)
    for layers, bidirectional in ((1, False), (2, True))
    for batch_first in (False, True)
]


def _step(model: nn.Module, tokens: torch.Tensor, packed: bool, batch_first: bool) -> tuple[torch.Tensor, ...]:
    torch.manual_seed(1)
    embedding, rnn = model.embedding, model.rnn
    embeds = embedding(tokens if batch_first else tokens.t())
    if packed:
        lengths = torch.tensor([5, 3, 2])
        out, _ = rnn(pack_padded_sequence(embeds, lengths, batch_first=batch_first, enforce_sorted=False))
        out, _ = pad_packed_sequence(out, batch_first=batch_first)
    else:
        out, _ = rnn(embeds)
    loss = out.pow(2).sum()
    if torch.is_grad_enabled():
        loss.backward()
        return (out.detach(), *(p.grad.clone() for p in model.parameters()))
    return (out,)


@pytest.mark.parametrize(("cls", "layers", "bidirectional", "batch_first"), RNN_SETTINGS)
@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("mode", ["train", "eval", "no_grad"])
def test_outputs_and_gradients_are_bitwise_identical(
    cls: type, layers: int, bidirectional: bool, batch_first: bool, packed: bool, mode: str
) -> None:
    torch.manual_seed(0)
    model = nn.Module()
    model.embedding = nn.Embedding(20, 4)
    model.rnn = cls(4, 6, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, dropout=0.0)
    model.train(mode == "train")
    tokens = torch.randint(0, 20, (3, 5))
    with torch.set_grad_enabled(mode != "no_grad"):
        plain = _step(model, tokens, packed, batch_first)
        model.zero_grad()
        with shapelint.trace():
            traced = _step(model, tokens, packed, batch_first)
    assert all(torch.equal(a, b) for a, b in zip(plain, traced, strict=True))


def _hook_counts() -> tuple[int, int, int]:
    module = nn.modules.module
    return (
        len(module._global_forward_pre_hooks),
        len(module._global_forward_hooks),
        torch._C._len_torch_function_stack(),
    )


def test_hooks_and_mode_are_removed_also_after_an_exception() -> None:
    before = _hook_counts()
    with pytest.raises(ValueError), shapelint.trace():
        assert _hook_counts() != before
        raise ValueError("inside")
    assert _hook_counts() == before
    model = nn.LSTM(4, 4)
    with shapelint.trace(model):
        assert len(model._forward_pre_hooks) == 1
    assert len(model._forward_pre_hooks) == 0 and _hook_counts() == before


def test_a_thousand_entries_leak_neither_hooks_nor_memory() -> None:
    model = nn.Sequential(nn.Embedding(10, 4), nn.LSTM(4, 4, batch_first=True))
    tokens = torch.randint(0, 10, (2, 3))
    before = _hook_counts()
    tracemalloc.start()
    for round_ in range(1000):
        with shapelint.trace():
            model(tokens)
        if round_ == 99:
            gc.collect()
            baseline = tracemalloc.get_traced_memory()[0]
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - baseline
    tracemalloc.stop()
    assert _hook_counts() == before
    assert grown < 1_000_000, grown  # bytes, over 900 entries


def test_as_a_decorator_and_for_one_model() -> None:
    lstm = nn.LSTM(4, 4)
    tracer = shapelint.trace(lstm, layouts={"input": "batch seq e"})

    @tracer
    def step() -> None:
        lstm(torch.randn(3, 5, 4))  # declared batch-first, read time-major

    step()
    assert [finding.code for finding in tracer.findings] == ["SHP502"]


def _mismatch_model() -> nn.Module:
    model = nn.Module()
    model.embedding, model.rnn = nn.Embedding(20, 4), nn.LSTM(4, 6)  # time-major

    def forward(tokens: torch.Tensor) -> torch.Tensor:
        return model.rnn(model.embedding(tokens))[0]

    model.forward = forward  # type: ignore[method-assign]
    return model


def test_hooks_only_sees_what_flows_between_modules_and_installs_no_mode() -> None:
    model = _mismatch_model()
    with shapelint.trace(layouts={"tokens": "batch seq"}, provenance=False) as tracer:
        assert torch._C._len_torch_function_stack() == 0
        model(torch.randint(0, 20, (3, 5)))
    assert [finding.code for finding in tracer.findings] == ["SHP502"]


def test_first_n_steps_detaches_after_that_many_calls_and_keeps_what_it_found() -> None:
    model = _mismatch_model()
    before = _hook_counts()
    with shapelint.trace(layouts={"tokens": "batch seq"}, first_n_steps=2) as tracer:
        model(torch.randint(0, 20, (3, 5)))
        assert _hook_counts() != before
        model(torch.randint(0, 20, (3, 5)))
        assert _hook_counts() == before  # detached inside the `with`
        model(torch.randint(0, 20, (3, 5)))
    assert _hook_counts() == before
    assert [finding.code for finding in tracer.findings] == ["SHP502"]


class _Stateful(nn.Module):
    """The blog pattern: the hidden state is kept on the module between calls."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding, self.lstm = nn.Embedding(20, 4), nn.LSTM(4, 6, batch_first=True)
        self.hidden: tuple[torch.Tensor, torch.Tensor] | None = None

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        out, self.hidden = self.lstm(self.embedding(tokens), self.hidden)
        return out


def test_the_probe_leaves_state_hooks_and_results_as_they_were() -> None:
    torch.manual_seed(0)
    tokens = torch.randint(0, 20, (3, 5))
    plain_model = _Stateful()
    traced_model = _Stateful()
    traced_model.load_state_dict(plain_model.state_dict())
    calls: list[str] = []
    traced_model.embedding.register_forward_hook(lambda *_: calls.append("hook"))
    plain = [plain_model(tokens) for _ in range(2)]
    with shapelint.trace() as tracer:
        traced = [traced_model(tokens) for _ in range(2)]
    assert all(torch.equal(a, b) for a, b in zip(plain, traced, strict=True))
    assert calls == ["hook", "hook"]  # the user's hook ran for the user's calls only
    assert tracer.findings == []


def test_the_probe_can_be_switched_off() -> None:
    example = next(rule for rule in RUNTIME_RULES if rule.code == "SHP507").INVALID[1]
    with shapelint.trace(probe=False) as tracer:
        exec(compile(example, "<probe-off>", "exec", dont_inherit=True), {"__name__": "__main__"})
    assert tracer.findings == []


class _Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(2, 8)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        return self.lstm(x)  # type: ignore[no-any-return]


class _StepDecoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm, self.linear = nn.LSTM(2, 8), nn.Linear(8, 2)

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        out, state = self.lstm(x.unsqueeze(0), state)  # x: (batch, feat), one step
        return self.linear(out.squeeze(0)), state


def test_two_models_with_an_argument_of_the_same_name_keep_their_axes_apart() -> None:
    """A training loop drives an encoder over `x` (seq, batch, feat) and a decoder over `x` (batch, feat):
    axis 0 of one is not axis 0 of the other."""
    encoder, decoder = _Encoder(), _StepDecoder()
    with shapelint.trace() as tracer:
        for steps in (7, 5, 9):
            _, state = encoder(torch.randn(steps, 4, 2))
            decoder(torch.randn(4, 2), state)
    assert tracer.findings == []


def test_a_layout_that_declares_nothing_is_a_warning_not_silence() -> None:
    model = nn.Sequential(nn.Embedding(10, 4))
    tokens = torch.randint(0, 10, (3, 5))
    unknown_name = pytest.warns(shapelint.runtime.LayoutWarning, match=r"layouts for 'tokens' matched no tensor")
    with unknown_name, shapelint.trace(model, layouts={"tokens": "batch seq"}):
        model(tokens)  # nn.Sequential's argument is `input`
    other_rank = pytest.warns(shapelint.runtime.LayoutWarning, match=r"names 3 dims, but `input` of `.*` has 2")
    with other_rank, shapelint.trace(model, layouts={"input": "batch seq emb"}):
        model(tokens)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with shapelint.trace(model, layouts={"input": "batch seq"}):
            model(tokens)


class _SortedEncoder(nn.Module):
    """Sorts its batch for packing by indexing with a tensor, then cuts h_n per sample with a view."""

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary
        self.embedding, self.fc = nn.Embedding(30, 8), nn.Linear(16, 4)
        self.gru = nn.GRU(8, 8, batch_first=True, bidirectional=True)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        lengths, order = torch.sort(lengths, descending=True)
        packed = pack_padded_sequence(self.embedding(tokens[order]), lengths.tolist(), batch_first=True)
        _, h_n = self.gru(packed)
        if self.summary == "view":
            return self.fc(h_n.view(tokens.size(0), 16))  # (2, batch, 8) cut per "sample": mixes
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=-1))


@pytest.mark.parametrize(("summary", "codes"), [("view", ["SHP501"]), ("cat", [])])
def test_rows_reordered_by_a_tensor_index_keep_their_axes(summary: str, codes: list[str]) -> None:
    """A classifier's (batch, classes) output leaves the probe nothing to judge: only the axes can tell."""
    lengths = torch.tensor([5, 7, 2, 4])  # not sorted: the model sorts them
    tokens = torch.randint(1, 30, (4, 7))
    for row, length in enumerate(lengths.tolist()):
        tokens[row, length:] = 0
    with shapelint.trace() as tracer:
        _SortedEncoder(summary)(tokens, lengths)
    assert [finding.code for finding in tracer.findings] == codes


def test_a_loss_target_per_sample_tells_the_batch_axis() -> None:
    """Fixed-length batches of one size: only the classifier's targets say which axis is the batch."""
    lstm, embedding, fc = nn.LSTM(4, 6), nn.Embedding(20, 4), nn.Linear(6, 2)
    with shapelint.trace() as tracer:
        for _ in range(2):
            tokens = torch.randint(0, 20, (3, 5))  # (batch, seq): fed to a time-major LSTM as it is
            out, _ = lstm(embedding(tokens))
            nn.functional.cross_entropy(fc(out.mean(1)), torch.randint(0, 2, (3,)))
    assert "SHP502" in [finding.code for finding in tracer.findings]


def test_a_failure_of_the_tracer_never_breaks_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from shapelint.runtime import following

    def broken(*_: object) -> None:
        raise ZeroDivisionError("shapelint bug")

    monkeypatch.setattr(following, "reshaped", broken)
    model = nn.Sequential(nn.Embedding(10, 4))
    with shapelint.trace() as tracer:
        out = model(torch.randint(0, 10, (2, 3))).view(3, 2, 4)
    assert out.shape == (3, 2, 4)
    assert tracer.errors and "ZeroDivisionError: shapelint bug" in tracer.errors[0]


class _SortedMeanPool(nn.Module):
    """A packed LSTM averaged over padded steps; fed lengths sorted for packing."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding, self.lstm = nn.Embedding(30, 4, padding_idx=0), nn.LSTM(4, 6, batch_first=True)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True)
        padded, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
        return padded.mean(1)


def test_sorted_lengths_pad_the_columns_like_the_rows_so_only_a_declaration_tells_the_batch() -> None:
    # Sorted longest first, the columns of this square batch also read as real-then-padding, and the pack's
    # three lengths fit either axis: ambiguous.
    tokens, lengths = torch.tensor([[5, 6, 7], [3, 4, 0], [9, 0, 0]]), torch.tensor([3, 2, 1])
    with shapelint.trace(_SortedMeanPool(), probe=False) as undeclared:
        undeclared.model(tokens, lengths)
    assert [f.code for f in undeclared.findings] == []
    with shapelint.trace(_SortedMeanPool(), layouts={"tokens": "batch seq"}, probe=False) as declared:
        declared.model(tokens, lengths)
    assert [f.code for f in declared.findings] == ["SHP508"]


def test_where_batch_and_seq_differ_the_lengths_given_to_the_pack_tell_the_padding() -> None:
    tokens, lengths = torch.tensor([[5, 6, 7, 8], [3, 4, 2, 0], [9, 1, 0, 0]]), torch.tensor([4, 3, 2])
    with shapelint.trace(_SortedMeanPool(), probe=False) as tracer:
        tracer.model(tokens, lengths)
    (finding,) = tracer.findings
    assert finding.code == "SHP508"
    assert "with `real = (torch.arange(x.size(1)) < lengths[:, None]).unsqueeze(-1)`" in finding.message


def test_unfold_keeps_the_unfolded_axis_role_so_a_wrong_pack_after_it_is_seen() -> None:
    class Windows(nn.Module):
        def __init__(self, batch_first: bool) -> None:
            super().__init__()
            self.batch_first = batch_first
            self.embedding, self.lstm = nn.Embedding(30, 3, padding_idx=0), nn.LSTM(6, 5)

        def forward(self, tokens: torch.Tensor, lengths: list[int]) -> torch.Tensor:
            embeds = self.embedding(tokens).unfold(1, 2, 1)  # (batch, windows, emb, 2)
            embeds = embeds.reshape(embeds.size(0), embeds.size(1), -1)
            packed = pack_padded_sequence(embeds, lengths, batch_first=self.batch_first)
            return self.lstm(packed)[1][0][-1]

    tokens = torch.randint(1, 30, (3, 4))  # 3 windows of 2 per sample: batch == windows
    for batch_first, expected in ((False, ["SHP503"]), (True, [])):
        with shapelint.trace(Windows(batch_first), layouts={"tokens": "batch seq"}, probe=False) as tracer:
            tracer.model(tokens, [3, 3, 2])
        assert [f.code for f in tracer.findings] == expected, batch_first


def test_a_runtime_finding_quotes_the_expression_and_carries_the_static_fix(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run_cli("run", "--format", "json", "--output", str(report), "fixtures/runtime/view_transpose_buggy.py")
    (finding,) = json.loads(report.read_text())
    assert finding["code"] == "SHP501"
    assert finding["message"].startswith("`embeds.view(seq_len, batch_size, -1)`: a view/reshape here re-cuts")
    assert "(the static check SHP101 agrees; fix: `embeds.transpose(0, 1)`)" in finding["message"]
    (edit,) = finding["fix"]["edits"]
    assert (edit["line"], edit["replacement"]) == (finding["line"], "embeds.transpose(0, 1)")


def test_on_a_square_batch_the_finding_names_the_sizes_the_user_unpacked(tmp_path: Path) -> None:
    # Every batch is 4 x 4 and nothing tells the roles; the view's arguments are the user's names for the axes.
    report = tmp_path / "report.json"
    run_cli("run", "--format", "json", "--output", str(report), "fixtures/runtime/square_tagger_buggy.py")
    (finding,) = json.loads(report.read_text())
    assert (
        "re-cuts axis 0 of `sentences` (`batch_size`) and axis 1 of `sentences` (`seq_len`) into"
        in (finding["message"])
    )


def test_a_torch_module_called_alone_names_its_input_as_the_caller_does() -> None:
    embedding, lstm = nn.Embedding(20, 4), nn.LSTM(4, 6)  # top-level calls: torch's forward(input)
    with shapelint.trace() as tracer:
        for steps in (5, 6, 7):
            sentences = torch.randint(1, 20, (3, steps))
            lstm(embedding(sentences))
    (finding,) = tracer.findings
    assert finding.code == "SHP502" and "axis 0 of `sentences` is the batch" in finding.message


class _ViewedAsTimeMajor(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(4, 8)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(tokens.view(tokens.size(1), tokens.size(0), -1))
        return out


def test_without_a_static_finding_there_is_no_borrowed_fix() -> None:
    # Nothing here says statically which axis of `tokens` is the batch: the run alone knows.
    with shapelint.trace() as tracer:
        _ViewedAsTimeMajor()(torch.randn(3, 5, 4))
    (finding,) = [f for f in tracer.findings if f.code == "SHP501"]
    assert finding.fix is None
    assert finding.message.startswith("`tokens.view(tokens.size(1), tokens.size(0), -1)`: ")
