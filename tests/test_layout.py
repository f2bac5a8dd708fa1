"""The layout algebra on its own: aligning a view's target with the input, and what can merge in memory."""

from __future__ import annotations

from shapelint.static.layout import (
    OPAQUE,
    WILDCARD,
    Aligned,
    Axis,
    Misaligned,
    NonContiguity,
    Role,
    RoleSize,
    Tensor,
    Unaligned,
    align,
    has_mergeable_pair,
    mergeable,
    permute,
)

B, T, F = Axis(Role.BATCH), Axis(Role.TIME), Axis(Role.FEAT)
BATCH_FIRST = Tensor((B, T, F), "test", None)
BATCH, TIME = (RoleSize(Role.BATCH),), (RoleSize(Role.TIME),)


def test_same_order_aligns_with_the_wildcard_taking_the_rest() -> None:
    alignment = align(BATCH_FIRST, (BATCH, WILDCARD))
    assert isinstance(alignment, Aligned)
    assert alignment.input_axes_of(0) == (0,) and alignment.input_axes_of(1) == (1, 2)


def test_swapped_batch_and_time_is_misaligned_whatever_the_sizes() -> None:
    alignment = align(BATCH_FIRST, (TIME, BATCH, WILDCARD))
    assert isinstance(alignment, Misaligned)
    assert alignment.wanted.role is Role.TIME and alignment.found is B


def test_a_size_taken_from_another_axis_of_the_same_tensor_is_misaligned() -> None:
    anonymous = Tensor((Axis(Role.UNKNOWN), Axis(Role.UNKNOWN), F), "test", None)
    alignment = align(anonymous, ((anonymous.axes[1],), (anonymous.axes[0],), WILDCARD))
    assert isinstance(alignment, Misaligned)


def test_literal_one_without_a_batch_size_means_a_batch_of_one() -> None:
    # The tutorial: view(len(sentence), 1, -1) of a tensor that has a batch axis of size 1.
    assert isinstance(align(BATCH_FIRST, (TIME, (), WILDCARD)), Aligned)


def test_merged_axes_split_back() -> None:
    merged = Tensor((Axis(Role.UNKNOWN, parts=(B, T)), F), "test", None)
    alignment = align(merged, (BATCH, TIME, WILDCARD))
    assert isinstance(alignment, Aligned) and alignment.input_axes_of(1) == (0,)


def test_opaque_sizes_leave_it_unaligned() -> None:
    assert isinstance(align(BATCH_FIRST, (OPAQUE, OPAQUE)), Unaligned)


def test_transposed_axes_do_not_merge_but_a_contiguous_tensor_does() -> None:
    assert mergeable(BATCH_FIRST, 0, 2) is True
    swapped = permute(BATCH_FIRST, (1, 0, 2), cause=NonContiguity(None))
    assert swapped.memory == (1.0, 0.0, 2.0) and swapped.noncontiguous is not None
    assert mergeable(swapped, 0, 1) is False and mergeable(swapped, 1, 2) is False
    assert has_mergeable_pair(swapped) is False


def test_a_transpose_with_a_size_one_axis_stays_contiguous() -> None:
    one = Tensor((Axis(Role.BATCH, singleton=True), T, F), "test", None)
    assert permute(one, (1, 0, 2), cause=None).memory is None  # type: ignore[arg-type]


def test_a_size_product_matches_adjacent_axes_in_any_factor_order() -> None:
    # `view(T, heads * B, -1)` of a (T, B, heads, d) tensor merges (B, heads) in memory order.
    heads = Axis(Role.UNKNOWN)
    tensor = Tensor((T, B, heads, F), "test", None)
    alignment = align(tensor, ((T,), (heads, B), WILDCARD))
    assert isinstance(alignment, Aligned)
    assert alignment.input_axes_of(1) == (1, 2)


def test_a_product_with_a_factor_from_elsewhere_is_misaligned() -> None:
    heads = Axis(Role.UNKNOWN)
    tensor = Tensor((T, B, heads, F), "test", None)
    assert isinstance(align(tensor, ((T,), (heads, F), WILDCARD)), Misaligned)


def test_unaligned_counts_the_axes_a_target_cannot_leave_out() -> None:
    # With a literal 1 and no batch named, the batch may be 1: two axes must be accounted for.
    alignment = align(BATCH_FIRST, ((), (), OPAQUE, OPAQUE))
    assert isinstance(alignment, Unaligned) and alignment.dims == 2
