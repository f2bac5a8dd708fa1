"""The tracer and Python threads: its op mode is per thread, its module hooks fire in every thread.

One tracer active follows forward passes in the threads the traced code starts; two tracers in two
threads each follow their own thread only.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn.modules import module as module_registry  # noqa: E402

import shapelint  # noqa: E402
from shapelint.runtime import ThreadWarning  # noqa: E402

HERE = Path(__file__)


class _Tagger(nn.Module):
    """A time-major LSTM fed a batch-first embedding, by a view (``mixing``) or by a transpose."""

    def __init__(self, mixing: bool) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.mixing = mixing
        self.embedding, self.lstm, self.tags = nn.Embedding(20, 8), nn.LSTM(8, 16), nn.Linear(16, 3)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        batch, steps = tokens.shape
        embeds = self.embedding(tokens)
        x = embeds.view(steps, batch, -1) if self.mixing else embeds.transpose(0, 1)  # the view under test
        out, _ = self.lstm(x)
        return self.tags(out)


VIEW_LINE = next(n for n, line in enumerate(HERE.read_text().splitlines(), 1) if line.endswith("# the view under test"))


def _batches(model: nn.Module) -> None:
    generator = torch.Generator().manual_seed(1)
    for steps in (5, 6, 7):
        model(torch.randint(1, 20, (3, steps), generator=generator))


def _in_thread(target: object, *args: object) -> None:
    thread = threading.Thread(target=target, args=args)  # type: ignore[arg-type]
    thread.start()
    thread.join()


def _hook_counts() -> tuple[int, int]:
    return len(module_registry._global_forward_pre_hooks), len(module_registry._global_forward_hooks)


def test_the_one_active_tracer_follows_forward_passes_in_a_thread_the_code_starts() -> None:
    with shapelint.trace() as tracer:
        _in_thread(_batches, _Tagger(mixing=True))
    assert [(f.code, Path(f.path).resolve(), f.line) for f in tracer.findings] == [("SHP501", HERE, VIEW_LINE)]
    assert tracer.errors == []


def test_the_correct_model_in_a_thread_is_clean() -> None:
    with shapelint.trace() as tracer:
        _in_thread(_batches, _Tagger(mixing=False))
    assert tracer.findings == []


def test_two_tracers_in_two_threads_each_see_only_their_own_threads_model() -> None:
    before = _hook_counts()
    together = threading.Barrier(2)
    found: dict[str, list[tuple[str, int]]] = {}

    def traced(name: str, mixing: bool) -> None:
        model = _Tagger(mixing)
        with shapelint.trace() as tracer:
            together.wait()  # both tracers active before either model runs, and until both are done
            _batches(model)
            together.wait()
        found[name] = [(f.code, f.line) for f in tracer.findings]

    threads = [threading.Thread(target=traced, args=args) for args in (("correct", False), ("mixing", True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == {"correct": [], "mixing": [("SHP501", VIEW_LINE)]}
    assert _hook_counts() == before  # the probes' isolation kept every hook where it belongs


def test_with_two_tracers_active_a_thread_that_entered_neither_is_followed_by_none_and_says_so() -> None:
    entered, done = threading.Barrier(2), threading.Event()
    other: list[shapelint.runtime.tracer.Tracer] = []

    def elsewhere() -> None:
        with shapelint.trace() as tracer:
            other.append(tracer)
            entered.wait()
            done.wait()

    helper = threading.Thread(target=elsewhere)
    helper.start()
    try:
        with shapelint.trace() as tracer:
            entered.wait()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                _in_thread(_batches, _Tagger(mixing=True))
    finally:
        done.set()
        helper.join()
    assert tracer.findings == [] and other[0].findings == []
    (warning,) = [w for w in caught if issubclass(w.category, ThreadWarning)]
    assert "none follows the forward passes of thread" in str(warning.message)


def test_a_thread_run_leaves_outputs_and_gradients_bitwise_identical() -> None:
    tokens = torch.randint(1, 20, (3, 5), generator=torch.Generator().manual_seed(2))

    def step(results: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
        model = _Tagger(mixing=True)
        out = model(tokens)
        out.sum().backward()
        results.append((out.detach(), model.embedding.weight.grad.clone()))

    plain: list[tuple[torch.Tensor, torch.Tensor]] = []
    traced: list[tuple[torch.Tensor, torch.Tensor]] = []
    _in_thread(step, plain)
    with shapelint.trace():
        _in_thread(step, traced)
    assert torch.equal(plain[0][0], traced[0][0]) and torch.equal(plain[0][1], traced[0][1])
    assert torch._C._len_torch_function_stack() == 0


def test_detaching_after_first_n_steps_in_another_thread_leaves_no_mode_behind() -> None:
    before = _hook_counts()
    with shapelint.trace(first_n_steps=1) as tracer:
        _in_thread(_batches, _Tagger(mixing=True))
        assert _hook_counts() == before  # detached in the worker thread, inside the `with`
        torch.ones(2).view(2, 1)  # the mode still entered here records nothing more
    assert torch._C._len_torch_function_stack() == 0  # and it was popped where it was entered
    assert [f.code for f in tracer.findings] == ["SHP501"]
