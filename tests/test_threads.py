"""The models shapelint runs itself use one torch thread unless told otherwise; the user's count returns."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from shapelint.runtime.threads import ENVIRONMENT, own_threads, tool_threads  # noqa: E402


@pytest.mark.parametrize(("value", "threads"), [(None, 1), ("3", 3), ("0", 1), ("many", 1)])
def test_the_thread_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str, threads: int) -> None:
    if value is None:
        monkeypatch.delenv(ENVIRONMENT, raising=False)
    else:
        monkeypatch.setenv(ENVIRONMENT, value)
    assert tool_threads() == threads


def test_own_threads_sets_the_count_and_gives_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENVIRONMENT, "2")
    before = torch.get_num_threads()
    with own_threads():
        assert torch.get_num_threads() == 2
    assert torch.get_num_threads() == before
