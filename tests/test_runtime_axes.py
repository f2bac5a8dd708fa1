"""The runtime label algebra on its own (pure Python): how views regroup dims and when they mix."""

from __future__ import annotations

from shapelint.runtime.axes import FEATURES, MODEL_MADE, Label, Origin, chunks, moved, reshaped
from shapelint.runtime.evidence import Evidence

BATCH, TIME = Label((Origin("tokens", 0),)), Label((Origin("tokens", 1),))
EMBEDS = (BATCH, TIME, FEATURES)


def test_chunks_pair_runs_of_equal_size_product() -> None:
    assert chunks((2, 3, 4), (6, 4)) == [((0, 1), (0,)), ((2,), (1,))]
    assert chunks((2, 3, 4), (3, 2, 4)) == [((0, 1), (0, 1)), ((2,), (2,))]
    assert chunks((2, 3), (7,)) is None


def test_view_as_transpose_mixes_when_batch_differs_from_seq() -> None:
    labels = reshaped(EMBEDS, (2, 3, 4), (3, 2, 4), "model.py:7")
    assert labels is not None and labels[0] is not None and labels[0].mixed_at == "model.py:7"
    assert set(labels[0].origins) == {BATCH.origins[0], TIME.origins[0]}


def test_view_as_transpose_relabels_when_batch_equals_seq() -> None:
    labels = reshaped(EMBEDS, (4, 4, 8), (4, 4, 8), "model.py:7")
    assert labels is not None
    assert labels[0] is not None and labels[0].single() == BATCH.origins[0] and labels[0].moved_at == "model.py:7"


def test_flattening_batch_and_time_and_cutting_back_restores_them() -> None:
    flat = reshaped(EMBEDS, (2, 3, 4), (6, 4), "a:1")
    assert flat is not None and flat[0] is not None and not flat[0].mixed
    back = reshaped(flat, (6, 4), (2, 3, 4), "a:2")
    assert back is not None and [label.single() for label in back[:2] if label] == [
        origin for label in (BATCH, TIME) for origin in label.origins
    ]


def test_a_linear_output_cut_with_the_batch_moved_inward_mixes_the_batch_with_the_features() -> None:
    summary = (BATCH, FEATURES)  # fc(h): (batch, 2 * hidden)
    inward = reshaped(summary, (3, 32), (2, 3, 16), "model.py:9")
    assert inward is not None and inward[1] is not None and inward[1].mixed_at == "model.py:9"
    assert inward[1].origins == (BATCH.origins[0], MODEL_MADE)
    split = reshaped(summary, (3, 32), (3, 2, 16), "model.py:9")  # each sample's row split in place
    assert split is not None and split[0] is not None and split[0].single() == BATCH.origins[0]


def test_samples_joined_in_pairs_on_purpose_are_not_read_as_moved_inward() -> None:
    pairs = reshaped((BATCH, FEATURES), (4, 8), (2, 16), "model.py:9")  # no dim of the batch's size
    assert pairs is not None and pairs[0] is not None and MODEL_MADE not in pairs[0].origins


def test_a_dim_of_the_batchs_size_inside_each_samples_memory_is_not_the_batch_moved_inward() -> None:
    # (batch 4, heads 2 * head_dim 4) as (batch * heads, head_dim): head_dim == batch by chance.
    heads = reshaped((BATCH, FEATURES), (4, 8), (8, 4), "model.py:9")
    assert heads is not None and all(label is not None and MODEL_MADE not in label.origins for label in heads)


def test_a_model_made_axis_outside_the_batch_cut_into_it_is_moved_inward() -> None:
    # (2, batch 3, hidden 16), the 2 made by the model, viewed as (batch, 2 * hidden).
    joined = reshaped((FEATURES, BATCH, FEATURES), (2, 3, 16), (3, 32), "model.py:9")
    assert joined is not None and joined[0] is not None and joined[0].origins == (BATCH.origins[0], MODEL_MADE)


def test_permutation_moves_labels() -> None:
    assert moved(EMBEDS, (1, 0, 2), "a:3")[0] is not None
    assert moved(EMBEDS, (1, 0, 2), "a:3")[0].single() == TIME.origins[0]  # type: ignore[union-attr]


def test_evidence_from_changing_sequence_lengths_and_conflicts() -> None:
    evidence = Evidence()
    for shape in ((4, 5), (4, 7), (4, 6), (2, 3)):
        evidence.saw_sizes("tokens", shape)
    assert evidence.roles() == {Origin("tokens", 0): "batch", Origin("tokens", 1): "time"}
    evidence.saw_batch_axis(TIME, BATCH)  # contradicting evidence: nothing is settled
    assert evidence.roles() == {}
    evidence.declare(Origin("tokens", 0), "batch")
    assert evidence.roles()[Origin("tokens", 0)] == "batch"
