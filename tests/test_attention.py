"""How multi-head attention is followed: its `batch_first`, the masks a call passes (by keyword or by
position), what it gives, and the padding its keys hold (SHP306)."""

from __future__ import annotations

import textwrap

import pytest

from shapelint import Config, lint_source


def findings(source: str) -> list[tuple[str, int, str]]:
    found = lint_source(textwrap.dedent(source).encode(), "m.py", Config())
    return [(finding.code, finding.line, finding.message) for finding in found]


def codes(source: str) -> list[str]:
    return [code for code, _, _ in findings(source)]


def tagger(
    body: str, params: str = "x, lengths", attention: str = "nn.MultiheadAttention(16, 2, batch_first=True)"
) -> str:
    """An LSTM tagger whose output attends to itself; ``body`` runs after ``out, _ = self.rnn(x)``."""
    return (
        "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n"
        "class Tagger(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.LSTM(8, 16, batch_first=True)\n"
        f"        self.att = {attention}\n\n"
        f"    def forward(self, {params}):\n"
        "        out, _ = self.rnn(x)\n" + textwrap.indent(textwrap.dedent(body), "        ")
    )


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("self.att(out, out, out)", ["SHP306"]),
        ("self.att(out, out, out, pad)", []),  # the fourth positional argument is key_padding_mask
        ("self.att(out, out, out, key_padding_mask=pad)", []),
        ("self.att(out, out, out, None, True, blocked)", []),  # attn_mask, sixth
        ("self.att(out, out, out, attn_mask=blocked)", []),
        ("self.att(out, out, out, attn_mask=blocked, is_causal=True)", []),
        ("self.att(out, out, out, **masks)", []),  # it may pass one
        # Written as passing nothing: nothing is masked.
        ("self.att(out, out, out, None)", ["SHP306"]),
        ("self.att(out, out, out, key_padding_mask=None, need_weights=False)", ["SHP306"]),
        ("self.att(out, out, out, is_causal=False)", ["SHP306"]),
    ],
)
def test_the_masks_a_call_passes_by_keyword_or_by_position(call: str, expected: list[str]) -> None:
    assert codes(tagger(f"ctx, _ = {call}\nreturn ctx")) == expected


@pytest.mark.parametrize(
    ("masks", "expected"),
    [
        ("", ["SHP306"]),
        (", key_padding_mask=pad", []),
        (", True, pad", []),  # `training`, then `key_padding_mask`: the fifteenth positional argument
    ],
)
def test_the_functional_form_reads_time_major_inputs_and_its_masks_far_down(masks: str, expected: list[str]) -> None:
    call = "F.multi_head_attention_forward(h, h, h, 16, 2, w_in, b_in, None, None, False, 0.0, w_out, b_out"
    body = f"h = out.transpose(0, 1)\nctx, _ = {call}{masks})\nreturn ctx"
    assert codes(tagger(body)) == expected


def test_the_output_is_laid_out_as_the_query_and_keeps_its_padding() -> None:
    # The mask keeps the keys out; the padded queries still have outputs, which a mean then takes in.
    body = "ctx, weights = self.att(out, out, out, key_padding_mask=pad)\nreturn ctx.mean(1)"
    assert codes(tagger(body)) == ["SHP302"]
    masked = "ctx, _ = self.att(out, out, out, key_padding_mask=pad)\nreturn (ctx * keep.unsqueeze(-1)).sum(1)"
    assert codes(tagger(masked)) == []


def test_a_time_major_attention_reads_a_tensor_turned_time_major() -> None:
    body = "h = out.permute(1, 0, 2)\nctx, _ = self.att(h, h, h)\nreturn ctx.permute(1, 0, 2).mean(1)"
    code_lines = [(code, line) for code, line, _ in findings(tagger(body, attention="nn.MultiheadAttention(16, 2)"))]
    assert code_lines == [("SHP306", 15), ("SHP302", 16)]


def test_an_attention_built_on_one_path_only_is_that_attention_where_it_is_called() -> None:
    source = tagger("if self.use_attention:\n    out, _ = self.att(out, out, out)\nreturn out")
    source = source.replace(
        "        self.att =",
        "        self.use_attention = use_attention\n        if use_attention:\n            self.att =",
    )
    source = source.replace("def __init__(self):", "def __init__(self, use_attention):")
    assert codes(source) == ["SHP306"]


def test_a_transformer_layer_is_not_judged() -> None:
    body = "ctx = self.att(out)\nreturn ctx"
    assert codes(tagger(body, attention="nn.TransformerEncoderLayer(16, 2, batch_first=True)")) == []


def test_nothing_padded_nothing_reported() -> None:
    assert codes(tagger("ctx, _ = self.att(out, out, out)\nreturn ctx", params="x")) == []


def test_a_cross_attention_over_memory_of_unknown_padding_is_not_judged() -> None:
    body = "ctx, _ = self.att(x, memory, memory)\nreturn ctx"
    assert codes(tagger(body, params="x, memory, mask")) == []


def test_an_optional_mask_that_is_never_read_says_nothing() -> None:
    body = "h = x.permute(1, 0, 2)\nctx, _ = self.att(h, h, h)\nreturn ctx"
    assert codes(tagger(body, params="x, mask=None", attention="nn.MultiheadAttention(16, 2)")) == []


# A snippet without imports, as exported from a notebook: the encoder's outputs come in batch-first,
# are turned time-major for the default attention, and the padding mask is an argument.
SNIPPET = """\
class Decoder(nn.Module):
    def __init__(self, size):
        super().__init__()
        self.attention = nn.MultiheadAttention(size, num_heads=2)

    def forward(self, encoder_outputs, mask):
        x = encoder_outputs.permute(1, 0, 2)
        out, weights = self.attention(x, x, x)
        return out.permute(1, 0, 2)
"""


def test_a_self_attention_given_the_padding_mask_is_judged_over_inputs_of_unknown_layout() -> None:
    ((code, line, message),) = findings(SNIPPET)
    assert (code, line) == ("SHP306", 8)
    assert (
        "`x` (time, batch, feat) as the attention reads it: the batch is padded (`mask` is in scope, line 6)" in message
    )
    assert "a (batch, time) bool tensor that is True at the padded steps, made from `mask` (evidence:" in message


@pytest.mark.parametrize(
    ("made", "fix"),
    [
        ("mask = tokens != PAD", "`key_padding_mask=~mask`"),
        ("mask = (tokens > 0).unsqueeze(-1)", "`key_padding_mask=~mask`"),
        ("mask = (tokens != 0).float()", "`key_padding_mask=mask == 0`"),
        ("mask = tokens.eq(self.pad_idx)", "`key_padding_mask=mask`"),
        ("mask = (tokens == 0).long()", "`key_padding_mask=mask.bool()`"),
        # `== 1` may mark real tokens (an int mask) or padding (a pad index of 1): described, not written.
        ("mask = tokens == 1", "a (batch, time) bool tensor that is True at the padded steps, made from `mask`"),
    ],
)
def test_the_fix_names_the_mask_in_scope_as_its_polarity_allows(made: str, fix: str) -> None:
    source = SNIPPET.replace("encoder_outputs, mask", "encoder_outputs, tokens").replace(
        "        x = encoder", f"        {made}\n        x = encoder"
    )
    ((code, _, message),) = findings(source)
    assert code == "SHP306" and fix in message, message


def test_the_fix_builds_the_mask_from_lengths() -> None:
    ((_, _, message),) = findings(tagger("ctx, _ = self.att(out, out, out)\nreturn ctx"))
    assert "the RNN at line 13 ran over padded steps (lengths are in scope)" in message
    expected = "torch.arange(out.size(1), device=out.device)[None, :] >= lengths.to(out.device)[:, None]"
    assert f"pass `key_padding_mask={expected}`" in message
