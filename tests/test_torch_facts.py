"""Pin the torch behaviours that shapelint's static rules rely on.

Every test is parametrized over the device: "cpu" always runs; "cuda" carries
the ``cuda`` marker (select with ``pytest -m cuda``) and is skipped cleanly
when no CUDA device is available. On CUDA, models and inputs are moved to the
device; sequence lengths stay on the CPU, as ``pack_padded_sequence`` wants.

CUDA cases are plain asserts (no xfail): if cuDNN behaves differently from
the CPU kernels, we want the failure to tell us.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=[
            pytest.mark.cuda,
            pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device"),
        ],
    ),
]

RNN_CLASSES = [nn.LSTM, nn.GRU, nn.RNN]

VIEW_ERROR = "view size is not compatible"


def _seed() -> None:
    torch.manual_seed(0)


def _randn(*shape: int, device: str) -> torch.Tensor:
    # Draw on the CPU so values are identical for every device, then move.
    return torch.randn(*shape, dtype=torch.float32).to(device)


def _tagged(B: int, T: int, E: int, device: str) -> torch.Tensor:
    """(B, T, E) tensor whose element [b, t, e] is 1000*b + 10*t + e."""
    b = torch.arange(B).view(B, 1, 1) * 1000
    t = torch.arange(T).view(1, T, 1) * 10
    e = torch.arange(E).view(1, 1, E)
    return (b + t + e).float().to(device)


def _tag(b: int, t: int, E: int, device: str) -> torch.Tensor:
    return (1000 * b + 10 * t + torch.arange(E)).float().to(device)


# ---------------------------------------------------------------------------
# 1. view(T, B, -1) on batch-first embeddings mixes samples.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
def test_view_time_major_mixes_samples(device: str) -> None:
    B, T, E = 2, 3, 4
    x = _tagged(B, T, E, device)
    v = x.view(T, B, -1)
    assert v.shape == (T, B, E)
    # Time step 1 holds (sample 0, t=2) and (sample 1, t=0): samples are mixed.
    assert torch.equal(v[1, 0], _tag(0, 2, E, device))
    assert torch.equal(v[1, 1], _tag(1, 0, E, device))
    # Whereas the transpose keeps each sample's tokens together.
    tr = x.transpose(0, 1)
    assert tr.shape == (T, B, E)
    for t in range(T):
        for b in range(B):
            assert torch.equal(tr[t, b], _tag(b, t, E, device))
    assert not torch.equal(v, tr)


@pytest.mark.parametrize("device", DEVICES)
def test_view_time_major_with_batch_equal_seq_is_no_reordering(device: str) -> None:
    B = T = 3
    E = 4
    x = _tagged(B, T, E, device)
    v = x.view(T, B, -1)
    # Same shape, same memory, same element order: nothing was reordered.
    assert v.shape == x.shape
    assert v.data_ptr() == x.data_ptr()
    assert v.stride() == x.stride()
    assert torch.equal(v, x)
    # So v[t, b] is really (sample t, step b), not (sample b, step t) ...
    assert torch.equal(v[0, 1], _tag(0, 1, E, device))
    # ... and it is NOT the transpose, which is what the code meant.
    tr = x.transpose(0, 1)
    assert torch.equal(tr[0, 1], _tag(1, 0, E, device))
    assert not torch.equal(v, tr)


# ---------------------------------------------------------------------------
# 2. batch_first RNN outputs are non-contiguous.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("cls", RNN_CLASSES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("B,T", [(2, 3), (3, 3)], ids=["B!=T", "B==T"])
def test_batch_first_rnn_output_is_non_contiguous(device: str, cls: type, B: int, T: int) -> None:
    E, H = 4, 5
    _seed()
    rnn = cls(E, H, batch_first=True).to(device)
    out, _ = rnn(_randn(B, T, E, device=device))
    assert out.device.type == device
    assert out.shape == (B, T, H)
    assert out.stride() == (H, B * H, 1)
    assert not out.is_contiguous()

    with pytest.raises(RuntimeError, match=VIEW_ERROR):
        out.view(B, -1)

    # Elementwise ops keep the (non-contiguous) layout.
    assert torch.tanh(out).stride() == (H, B * H, 1)

    flat = out.reshape(B, -1)
    assert flat.shape == (B, T * H)
    assert torch.equal(flat[1], torch.cat([out[1, t] for t in range(T)]))
    assert torch.equal(out.contiguous().view(B, -1), flat)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("cls", RNN_CLASSES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("B,T", [(2, 3), (3, 3)], ids=["B!=T", "B==T"])
def test_time_major_rnn_output_is_contiguous(device: str, cls: type, B: int, T: int) -> None:
    E, H = 4, 5
    _seed()
    rnn = cls(E, H).to(device)
    out, _ = rnn(_randn(T, B, E, device=device))
    assert out.shape == (T, B, H)
    assert out.is_contiguous()
    assert out.stride() == (B * H, H, 1)
    assert out.view(T, -1).shape == (T, B * H)


# ---------------------------------------------------------------------------
# 3. unfold: non-contiguous windows, reshape interleaves features.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(
    "B,T,E,C",
    [(2, 5, 3, 2), (3, 3, 2, 2), (2, 6, 3, 3)],
    ids=["B!=T-C2", "B==T-C2", "B!=T-C3"],
)
def test_unfold_windows(device: str, B: int, T: int, E: int, C: int) -> None:
    x = _tagged(B, T, E, device)
    W = T - C + 1
    u = x.unfold(1, C, 1)
    assert u.shape == (B, W, E, C)
    assert not u.is_contiguous()
    # u[b, w, e, c] == x[b, w + c, e]
    assert torch.equal(u[1, 1, :, 0], x[1, 1])
    assert torch.equal(u[1, 1, :, C - 1], x[1, C])

    with pytest.raises(RuntimeError, match=VIEW_ERROR):
        u.view(B, W, -1)

    # reshape works, but interleaves features: [e0(t), e0(t+1), e1(t), ...].
    r = u.reshape(B, W, -1)
    assert r.shape == (B, W, E * C)
    interleaved = torch.stack([x[1, 1 + c] for c in range(C)], dim=-1).reshape(-1)
    concatenated = torch.cat([x[1, 1 + c] for c in range(C)])
    assert torch.equal(r[1, 1], interleaved)
    assert not torch.equal(r[1, 1], concatenated)

    # transpose(-1, -2) first gives the concatenation [emb(t), emb(t+1), ...].
    good = u.transpose(-1, -2).reshape(B, W, -1)
    assert good.shape == (B, W, E * C)
    for b in range(B):
        for w in range(W):
            assert torch.equal(good[b, w], torch.cat([x[b, w + c] for c in range(C)]))


# ---------------------------------------------------------------------------
# 4. h_n / c_n are (num_layers * num_directions, B, H) whatever batch_first.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("cls", RNN_CLASSES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("batch_first", [True, False], ids=["batch_first", "time_major"])
@pytest.mark.parametrize(
    "num_layers,bidirectional,first",
    [(1, False, 1), (2, False, 2), (1, True, 2), (2, True, 4)],
    ids=["1layer", "2layers", "bidir", "2layers-bidir"],
)
def test_hidden_state_shape(
    device: str, cls: type, batch_first: bool, num_layers: int, bidirectional: bool, first: int
) -> None:
    B, T, E, H = 2, 3, 4, 5
    _seed()
    rnn = cls(E, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first)
    rnn = rnn.to(device)
    x = _randn(B, T, E, device=device) if batch_first else _randn(T, B, E, device=device)
    out, hidden = rnn(x)
    D = 2 if bidirectional else 1
    assert out.shape == ((B, T, D * H) if batch_first else (T, B, D * H))
    states = hidden if isinstance(hidden, tuple) else (hidden,)
    assert len(states) == (2 if cls is nn.LSTM else 1)
    for s in states:
        assert s.shape == (first, B, H)


# ---------------------------------------------------------------------------
# 5. h_n[-1] over a packed batch.
# ---------------------------------------------------------------------------


def _packed_lstm(device: str, bidirectional: bool, B: int, T: int):
    assert B == 3
    E, H = 4, 5
    lengths = torch.tensor([T, T - 1, 1])  # CPU, as pack_padded_sequence wants
    _seed()
    lstm = nn.LSTM(E, H, batch_first=True, bidirectional=bidirectional).to(device)
    x = _randn(B, T, E, device=device)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out_packed, (h_n, _c_n) = lstm(packed)
    out, out_lengths = pad_packed_sequence(out_packed, batch_first=True)
    assert torch.equal(out_lengths, lengths)
    return H, lengths, out, h_n


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("B,T", [(3, 4), (3, 3)], ids=["B!=T", "B==T"])
def test_packed_unidirectional_h_n_is_last_valid_output(device: str, B: int, T: int) -> None:
    H, lengths, out, h_n = _packed_lstm(device, bidirectional=False, B=B, T=T)
    assert h_n.shape == (1, B, H)
    last_valid = torch.stack([out[b, lengths[b] - 1] for b in range(B)])
    torch.testing.assert_close(h_n[-1], last_valid)
    # And NOT the last time step of the padded output for short samples.
    assert lengths[-1] < T
    assert not torch.allclose(h_n[-1], out[:, -1])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("B,T", [(3, 4), (3, 3)], ids=["B!=T", "B==T"])
def test_packed_bidirectional_h_n(device: str, B: int, T: int) -> None:
    H, lengths, out, h_n = _packed_lstm(device, bidirectional=True, B=B, T=T)
    assert h_n.shape == (2, B, H)
    assert out.shape == (B, T, 2 * H)
    forward_last = torch.stack([out[b, lengths[b] - 1, :H] for b in range(B)])
    backward_first = out[:, 0, H:]
    # h_n[-1] is the backward direction: its final state is at t = 0.
    torch.testing.assert_close(h_n[-1], backward_first)
    assert not torch.allclose(h_n[-1], forward_last)
    torch.testing.assert_close(h_n[-2], forward_last)
    torch.testing.assert_close(
        torch.cat([h_n[-2], h_n[-1]], dim=-1),
        torch.cat([forward_last, backward_first], dim=-1),
    )


# ---------------------------------------------------------------------------
# 6. pack_padded_sequence with the wrong batch_first.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("B,T", [(2, 3), (3, 2)], ids=["B<T", "B>T"])
def test_pack_wrong_batch_first_raises_when_batch_differs_from_seq(device: str, B: int, T: int) -> None:
    E = 4
    x = _randn(B, T, E, device=device)  # batch-first data
    lengths = torch.tensor([T] + [1] * (B - 1))  # valid for batch_first=True
    with pytest.raises(RuntimeError, match=r"Expected `len\(lengths\)` to be equal to batch_size"):
        pack_padded_sequence(x, lengths, batch_first=False)


@pytest.mark.parametrize("device", DEVICES)
def test_pack_wrong_batch_first_is_silent_when_batch_equals_seq(device: str) -> None:
    B = T = 3
    E = 4
    x = _randn(B, T, E, device=device)  # batch-first data
    lengths = torch.tensor([3, 2, 1])
    wrong = pack_padded_sequence(x, lengths, batch_first=False)  # no error
    right = pack_padded_sequence(x, lengths, batch_first=True)
    assert wrong.data.shape == right.data.shape == (int(lengths.sum()), E)
    # ... but it packed the wrong elements: silently wrong.
    assert not torch.equal(wrong.data, right.data)
    # The first packed step of the wrong one is x[0, :] (sample 0's whole sequence).
    assert torch.equal(wrong.data[:B], x[0])
    assert torch.equal(right.data[:B], x[:, 0])


# ---------------------------------------------------------------------------
# 7. pad_packed_sequence(..., batch_first=True) output is non-contiguous.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("B,T", [(2, 3), (3, 3)], ids=["B!=T", "B==T"])
def test_pad_packed_batch_first_is_non_contiguous(device: str, B: int, T: int) -> None:
    E, H = 4, 5
    lengths = torch.tensor([T] + [T - 1] * (B - 1))
    _seed()
    lstm = nn.LSTM(E, H, batch_first=True).to(device)
    packed = pack_padded_sequence(_randn(B, T, E, device=device), lengths, batch_first=True)
    out_packed, _ = lstm(packed)
    out, _ = pad_packed_sequence(out_packed, batch_first=True)
    assert out.shape == (B, T, H)
    assert not out.is_contiguous()
    with pytest.raises(RuntimeError, match=VIEW_ERROR):
        out.view(B, -1)
    # Time-major padding is contiguous, for contrast.
    out_tm, _ = pad_packed_sequence(out_packed, batch_first=False)
    assert out_tm.shape == (T, B, H)
    assert out_tm.is_contiguous()
