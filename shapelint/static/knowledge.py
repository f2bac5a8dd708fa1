"""Facts about torch APIs and naming habits, as data. Rules and inference read these tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shapelint.static.layout import Role


@dataclass(frozen=True)
class RnnSignature:
    """How an RNN class takes its constructor arguments and what its call returns."""

    positional: tuple[str, ...]
    returns_cell_state: bool


_RNN_POSITIONAL = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional")
RNN_CLASSES: dict[str, RnnSignature] = {
    "torch.nn.LSTM": RnnSignature((*_RNN_POSITIONAL, "proj_size"), returns_cell_state=True),
    "torch.nn.GRU": RnnSignature(_RNN_POSITIONAL, returns_cell_state=False),
    # nn.RNN has `nonlinearity` third: RNN(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first, ...)
    "torch.nn.RNN": RnnSignature(
        ("input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout", "bidirectional"),
        returns_cell_state=False,
    ),
}
RNN_DEFAULTS = {"num_layers": 1, "batch_first": False, "bidirectional": False}
# One step of a recurrence: the class, and whether its call returns the cell state too (`h, c`).
CELL_CLASSES = {"torch.nn.LSTMCell": True, "torch.nn.GRUCell": False, "torch.nn.RNNCell": False}
# List methods that fill or reorder a list of steps in place.
STEP_LIST_METHODS = frozenset({"append", "insert", "reverse"})

# nn.MultiheadAttention: its constructor's parameters in order (`batch_first` defaults to False:
# query, key and value are (time, batch, feat)), and its call's.
ATTENTION_CLASS = "torch.nn.MultiheadAttention"
ATTENTION_POSITIONAL = (
    "embed_dim",
    "num_heads",
    "dropout",
    "bias",
    "add_bias_kv",
    "add_zero_attn",
    "kdim",
    "vdim",
    "batch_first",
)
ATTENTION_CALL = (
    "query",
    "key",
    "value",
    "key_padding_mask",
    "need_weights",
    "attn_mask",
    "average_attn_weights",
    "is_causal",
)
# The functional form: always (time, batch, feat), its masks far down the list.
ATTENTION_FUNCTION = "torch.nn.functional.multi_head_attention_forward"
ATTENTION_FUNCTION_CALL = (
    "query",
    "key",
    "value",
    "embed_dim_to_check",
    "num_heads",
    "in_proj_weight",
    "in_proj_bias",
    "bias_k",
    "bias_v",
    "add_zero_attn",
    "dropout_p",
    "out_proj_weight",
    "out_proj_bias",
    "training",
    "key_padding_mask",
    "need_weights",
    "attn_mask",
    "use_separate_proj_weight",
    "q_proj_weight",
    "k_proj_weight",
    "v_proj_weight",
    "static_k",
    "static_v",
    "average_attn_weights",
    "is_causal",
)
# Arguments that keep queries off padded keys: a padding mask, an attention mask (any: a causal one
# hides the padding that follows each sequence from its real steps), the causal hint.
ATTENTION_MASKS = ("key_padding_mask", "attn_mask", "is_causal")

EMBEDDING_CLASSES = frozenset({"torch.nn.Embedding"})
LINEAR_CLASSES = frozenset({"torch.nn.Linear", "torch.nn.LazyLinear"})
# `nn.Bilinear(in1, in2, out)`: two inputs of the same leading axes, the last one mapped to `out`.
BILINEAR = "torch.nn.Bilinear"
LINEAR_POSITIONAL = ("in_features", "out_features", "bias")
# Layers that take their input size from their first input, not from a constructor argument.
LAZY_CLASSES = frozenset({"torch.nn.LazyLinear"})
# Modules whose output has the input's layout and strides.
SEQUENTIAL = "torch.nn.Sequential"
MODULE_LIST = "torch.nn.ModuleList"
ELEMENTWISE_MODULES = frozenset(
    f"torch.nn.{name}"
    for name in (
        "Dropout",
        "ReLU",
        "Tanh",
        "Sigmoid",
        "GELU",
        "LeakyReLU",
        "ELU",
        "SELU",
        "SiLU",
        "Identity",
        "Softplus",
        "Hardtanh",
        "PReLU",
    )
)

# Functions whose result has the layout and strides of their first argument.
ELEMENTWISE_FUNCTIONS = frozenset(
    [f"torch.{name}" for name in ("tanh", "relu", "sigmoid", "exp", "abs", "neg", "sin", "cos", "sqrt", "clone")]
    + ["torch.autograd.Variable"]  # the old autograd wrapper: the tensor it wraps, unchanged
    + [
        f"torch.nn.functional.{name}"
        for name in ("relu", "tanh", "sigmoid", "gelu", "elu", "selu", "silu", "leaky_relu", "dropout", "softplus")
    ]
)
# `torch.mul(a, b)` and its kin: elementwise over two tensors, as `a * b` is.
MULTIPLICATIONS = frozenset({"torch.mul", "torch.multiply"})
BINARY_FUNCTIONS = MULTIPLICATIONS | {"torch.add", "torch.sub", "torch.subtract", "torch.div", "torch.divide"}
# Tensor methods that keep layout and strides.
ELEMENTWISE_METHODS = frozenset(
    {
        "tanh",
        "relu",
        "sigmoid",
        "exp",
        "abs",
        "neg",
        "float",
        "double",
        "half",
        "bfloat16",
        "long",
        "int",
        "bool",
        "to",
        "cpu",
        "cuda",
        "detach",
        "clone",
        "requires_grad_",
        "type_as",
        "masked_fill",
        "tanh_",
        "relu_",
        "sigmoid_",
        "mul",
        "div",
        "add",
        "sub",
    }
)
PERMUTING_METHODS = frozenset({"transpose", "swapaxes", "swapdims", "permute", "t", "movedim", "moveaxis"})
RESHAPING_METHODS = frozenset({"view", "reshape"})
# Methods that change their tensor's own shape: `x.transpose_(0, 1)` leaves `x` as `x.transpose(0, 1)` would.
SHAPE_CHANGING_IN_PLACE = frozenset(
    {"transpose_", "swapaxes_", "swapdims_", "t_", "unsqueeze_", "squeeze_", "resize_", "resize_as_", "as_strided_"}
)
# In-place methods that mask what they fill: padded steps set to `-inf` (or any value) are dealt with.
MASKING_IN_PLACE = frozenset({"masked_fill_", "masked_scatter_"})
# `torch.<name>(x, ...)` that behave as `x.<name>(...)`.
TENSOR_FUNCTIONS = RESHAPING_METHODS | PERMUTING_METHODS | {"flatten", "squeeze", "unsqueeze", "chunk", "unbind"}

PACK_PADDED = "torch.nn.utils.rnn.pack_padded_sequence"
PAD_PACKED = "torch.nn.utils.rnn.pad_packed_sequence"
PAD_SEQUENCE = "torch.nn.utils.rnn.pad_sequence"
# Positions of `batch_first` in those signatures.
BATCH_FIRST_POSITION = {PACK_PADDED: 2, PAD_PACKED: 1}

# Softmax over an axis, as a method, a function or a module.
SOFTMAX_METHODS = frozenset({"softmax", "log_softmax"})
SOFTMAX_FUNCTIONS = frozenset(
    f"{module}.{name}" for module in ("torch", "torch.nn.functional") for name in SOFTMAX_METHODS
)
SOFTMAX_MODULES = frozenset({"torch.nn.Softmax", "torch.nn.LogSoftmax"})
MATMUL_FUNCTIONS = frozenset({"torch.matmul", "torch.bmm"})
EINSUM = "torch.einsum"
# Pooling over the last axis of a (batch, channels, length) tensor, and what it computes there.
POOL_FUNCTIONS = {
    **{f"torch.nn.functional.{kind}_pool1d": op for kind, op in (("max", "max"), ("avg", "mean"))},
    **{f"torch.nn.functional.adaptive_{kind}_pool1d": op for kind, op in (("max", "max"), ("avg", "mean"))},
}
# Pooling over the last two axes of a (channels, height, width) tensor: a (batch, time, feat) one read as
# a one-channel image per sample (``F.avg_pool2d(embedded, (embedded.shape[1], 1))``, fastText-style).
POOL_2D_FUNCTIONS = {f"torch.nn.functional.{kind}_pool2d": op for kind, op in (("max", "max"), ("avg", "mean"))}
POOL_MODULES = {
    **{f"torch.nn.{kind}Pool1d": op for kind, op in (("Max", "max"), ("Avg", "mean"))},
    **{f"torch.nn.Adaptive{kind}Pool1d": op for kind, op in (("Max", "max"), ("Avg", "mean"))},
}
PARAMETER = "torch.nn.Parameter"
# Functions of a number that give a number (`scores / np.sqrt(d_k)`: a scale, not a tensor).
SCALAR_FUNCTIONS = frozenset({"math.sqrt", "numpy.sqrt", "math.log", "numpy.log"})
# Factories whose one size argument makes a vector (`nn.Parameter(torch.zeros(hidden))`).
VECTOR_FACTORIES = frozenset({f"torch.{name}" for name in ("zeros", "ones", "randn", "rand", "empty", "Tensor")})

# A loader whose default collate stacks each batch's samples on a new first axis.
DATA_LOADER = "torch.utils.data.DataLoader"
# torchtext's (legacy) iterators: batches laid out as their `Field`s say.
TORCHTEXT_ITERATORS = frozenset(f"torchtext.data.{name}" for name in ("Iterator", "BucketIterator", "BPTTIterator"))
# Tensor methods that keep every axis where it is (a batch stays batch-first).
LAYOUT_KEEPING_METHODS = frozenset(
    {"to", "cuda", "cpu", "long", "float", "double", "half", "int", "detach", "contiguous", "clone", "type"}
)
# nn.Module methods that return the module itself (`model = model.to(device)`).
MODULE_SELF_METHODS = frozenset(
    {"to", "cuda", "cpu", "train", "eval", "float", "double", "half", "bfloat16", "requires_grad_"}
)
# Wrappers that yield what they are given: progress bars.
PASS_THROUGH_ITERATORS = frozenset({"tqdm.tqdm", "tqdm.auto.tqdm", "tqdm.notebook.tqdm", "tqdm.tqdm_notebook"})

# The names torch is imported as by convention: a file that uses one without binding it (a star
# import, a notebook cell) means torch's.
CONVENTIONAL_IMPORTS = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}

# Where torch keeps a public name under a longer path; imports are read back to the short one.
MODULE_ALIASES = {
    "torch.nn.modules.rnn": "torch.nn",
    "torch.nn.modules.sparse": "torch.nn",
    "torch.nn.modules.linear": "torch.nn",
    "torch.nn.modules.dropout": "torch.nn",
    "torch.nn.modules.activation": "torch.nn",
    "torch.nn.modules": "torch.nn",
    "torch.utils.data.dataloader": "torch.utils.data",
    "torch.nn.parameter": "torch.nn",
    "torchtext.legacy.data": "torchtext.data",
    "torchtext.data.iterator": "torchtext.data",
}

# Names users give sizes. Extended by `batch-names` / `time-names` in [tool.shapelint].
BATCH_SIZE_NAMES = frozenset(
    {"batch_size", "bsz", "bs", "B", "batch", "n_batch", "batch_sz", "nbatch", "num_batch", "batchsize"}
)
TIME_SIZE_NAMES = frozenset(
    {
        "seq_len",
        "seq_length",
        "sequence_length",
        "max_len",
        "max_length",
        "max_seq_len",
        "T",
        "src_len",
        "tgt_len",
        "trg_len",
        "sent_len",
        "sentence_length",
        "num_steps",
        "timesteps",
        "n_steps",
        "pad_size",
        "fix_length",
    }
)
LAYER_SIZE_NAMES = frozenset({"num_layers", "n_layers", "nlayers", "layers", "num_layer", "n_layer"})
# A variable of one of these names in a function means its batch is padded to one length: the
# lengths of its sequences, or a mask of their real steps.
LENGTHS_NAMES = frozenset(
    {
        "lengths",
        "seq_lengths",
        "seq_lens",
        "lens",
        "src_lengths",
        "text_lengths",
        "input_lengths",
        "x_lens",
        "src_lens",
        "mask",
        "masks",
        "src_mask",
        "pad_mask",
        "padding_mask",
        "seq_mask",
        "input_mask",
        "attention_mask",
    }
)
# Tensor factories whose arguments are the sizes of the result.
FACTORIES = frozenset(f"torch.{name}" for name in ("zeros", "ones", "randn", "rand", "empty", "full"))
# Tensor methods that make a new tensor of the sizes given (`x.new_zeros(batch, hidden)`): the factory they mirror.
NEW_TENSOR_METHODS = {f"new_{name}": f"torch.{name}" for name in ("zeros", "ones", "empty", "full")}
CONCATENATIONS = frozenset({"torch.cat", "torch.concat", "torch.concatenate", "torch.stack", "torch.hstack"})
# Those that join along an axis the pieces have, so every other axis keeps its size.
JOINS = frozenset({"torch.cat", "torch.concat", "torch.concatenate"})
REDUCTIONS = frozenset({"mean", "sum", "max", "min", "amax", "amin", "logsumexp", "nanmean"})

# `len(x)` for these names is a sequence length (`len(sentence)`), unless `x`'s layout is known.
# Not `tokens`/`inputs`: those name batches as often as single sequences.
SEQUENCE_NAMES = frozenset({"sentence", "sent", "seq", "sequence", "words"})
# Lists of sequences (`len(seqs)` counts samples): what a collate or padding helper is given.
SEQUENCE_LIST_NAMES = frozenset({"seqs", "sequences", "sentences", "sents", "samples", "examples", "batch"})

# jaxtyping dimension names -> roles. Anything else is a named axis of unknown role.
DIMENSION_ROLES: dict[str, Role] = {
    **{name: Role.BATCH for name in ("batch", "b", "bsz", "bs", "batch_size", "n_batch")},
    **{name: Role.TIME for name in ("seq", "time", "t", "len", "seq_len", "length", "steps", "src_len", "tgt_len")},
    **{
        name: Role.FEAT
        for name in ("emb", "embed", "embedding", "feat", "feature", "features", "hidden", "h", "e", "d")
    },
    **{
        name: Role.FEAT for name in ("dim", "d_model", "channels", "c", "vocab", "classes", "input_size", "hidden_size")
    },
    **{name: Role.LAYERS for name in ("layers", "layers_dirs", "num_layers")},
}
JAXTYPING_ARRAY_TYPES = frozenset(
    {
        "Float",
        "Int",
        "Shaped",
        "Bool",
        "Real",
        "Num",
        "Integer",
        "Inexact",
        "Complex",
        "UInt",
        "Key",
        "Float16",
        "Float32",
        "Float64",
        "BFloat16",
        "Int8",
        "Int16",
        "Int32",
        "Int64",
        "UInt8",
    }
)

# Cheap tests of whether code can hold anything a static rule reports: files that pass none are not
# parsed at all, and definitions that pass none are blanked unless kept code calls them.
# Calls, not words: `review`, `tree_flatten` and a docstring's "view" say nothing.
# Each branch of these patterns starts with a literal character (`Loader|loader`, not `[Ll]oader`; a
# lookbehind or `\b` after its word, `zeros(?<!is_zeros)`; no group in front): `re` then searches
# only where a branch can start, several times faster over a large project.
# `Cell(`: a recurrence written by hand steps one (`nn.GRUCell(...)`, or a class of the project so named,
# defined or built); not the word of a notebook's "Run this Cell".
RECURRENT_CODE = re.compile(
    r"LSTM|GRU|RNN|Cell\(|pack_padded|pad_packed|DataLoader|MultiheadAttention|multi_head_attention_forward"
)
# Code that brings a layout of its own: the above, embeddings, loaders and iterators, padding.
LAYOUT_SOURCES = re.compile(RECURRENT_CODE.pattern + r"|Embedding|Loader|loader|Iterator|iterator|pad_sequence")
# Batches that come padded (torchtext's iterators, `pad_sequence`): pooling their embeddings over time
# can take in the padding, with no RNN or reshape in sight.
PADDED_BATCHES = re.compile(r"BucketIterator|pad_sequence")
# Sizes that something else gives a meaning: the factories that build initial states (`torch.zeros(...)`,
# `x.new_zeros(...)`), the `hidden` of helpers such as `init_hidden`. Worth following at a call; by
# themselves they only matter to a reshape.
STATE_SOURCES = re.compile(
    "|".join(rf"{name}(?<!is_{name})(?:_like)?\(" for name in ("zeros", "ones", "randn", "rand", "empty", "full"))
    + "|hidden"
)
# A reshape gives a tensor a known rank but no layout: alone it can only go wrong on a tensor that
# something reordered (a view of a transpose), or on sizes another source gave.
RESHAPES = re.compile(r"\.view(?:_as)?\(|reshape(?<!\wreshape)\(|flatten(?<!\wflatten)\(")
REORDERS = re.compile(
    r"\.(?:transpose|permute|movedim|moveaxis|swapaxes|swapdims|t|T|mT|mH|expand|expand_as|narrow|unfold)\b"
)


def may_hold_finding(text: str) -> bool:
    """Whether a file can hold a finding: it runs an RNN or a loader, pads its batches, or it
    reshapes a tensor that a layout source made or that it reorders."""
    if RECURRENT_CODE.search(text) is not None or PADDED_BATCHES.search(text) is not None:
        return True
    return RESHAPES.search(text) is not None and any(
        pattern.search(text) is not None for pattern in (REORDERS, LAYOUT_SOURCES, STATE_SOURCES)
    )


def reshape_may_go_wrong(text: str) -> bool:
    """Whether code reshapes what it reorders or builds: that needs no other layout source."""
    return RESHAPES.search(text) is not None and (REORDERS.search(text) or STATE_SOURCES.search(text)) is not None
