"""Reference models: the seed's pipelines, buggy and fixed, that `shapelint verify` runs. Needs torch.

Each variant is a plain model file under ``models/`` (``build(batch_size, seq_len)`` makes
it); :data:`FAMILIES` says which variants belong together, which are buggy, and the sizes
and inputs they run on.
"""

from __future__ import annotations

from shapelint.reference.families import FAMILIES, PAD_IDX, VOCAB_SIZE, Family, Sizes, Variant

__all__ = ["FAMILIES", "PAD_IDX", "VOCAB_SIZE", "Family", "Sizes", "Variant"]
