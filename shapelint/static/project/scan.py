"""The cheap pass: the standard library's ``ast`` reads each file once for the project index.

It records imports, classes with their ``__init__`` parameters, calls that may construct a class
of the project, command-line options and module constants. It costs a small part of a libcst
parse, so every file of the project can afford it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any, TypeGuard

from shapelint.static import python_ast
from shapelint.static.knowledge import LAYOUT_SOURCES, RESHAPES, STATE_SOURCES
from shapelint.static.project.bindings import (
    DEFINITIONS,
    all_statements,
    assignments,
    constants,
    exports,
    import_facts,
    rebound,
    scope_statements,
    target_names,
    top_level,
)
from shapelint.static.project.facts import (
    UNREAD,
    ArgValue,
    CallFacts,
    ClassFacts,
    Constant,
    ConstantRef,
    FileOutline,
    ImportFacts,
    ModuleFacts,
    OptionFacts,
    OptionRef,
    Outline,
    PaddingFacts,
    Parameter,
    PassedOn,
    Signature,
    StarImport,
    Unread,
)
from shapelint.static.project.padding_code import (
    FILLED_ARRAYS,
    a_length,
    appends_filler,
    index_pieces,
    length_slice,
    loop_words,
    measured,
    pads_a_list,
)
from shapelint.static.project.syntax import UNSET, dotted, literal

# What a function or class must name to give the inference anything at a call: what can hold a
# layout (the linter's pre-filter, embeddings, factories, states, loaders), or a module's forward.
CALLEE = re.compile("|".join((LAYOUT_SOURCES.pattern, STATE_SOURCES.pattern, RESHAPES.pattern, "forward")))
# The stricter test for a definition in another file, which costs a parse to follow.
RECURRENT = re.compile(
    "LSTM|GRU|RNN|pack_padded|pad_packed|pad_sequence|Embedding|hidden|Loader|loader|Iterator|iterator"
)

# Statements of a helper small enough to follow for what it reorders alone.
SMALL_HELPER = 5
# A helper that moves axes (`return x.permute(1, 0, 2)`): what it returns is laid out anew, and
# non-contiguous, wherever it is called from.
REORDERING = re.compile(r"\.(?:permute|transpose|movedim)\(")

# The strictest: code that runs an RNN. A script that imports such code drives a model.
RNN_WORDS = ("LSTM", "GRU", "RNN", "pack_padded", "pad_packed")

# Names that usually hold parsed command-line options (`args.hidden_size`).
OPTION_HOLDERS = frozenset({"args", "opt", "opts", "options", "arguments", "flags", "FLAGS", "hparams", "hps"})


def scan(text: str, path: str) -> ModuleFacts | None:
    """What the project needs of one file; None if it does not parse."""
    try:
        tree = python_ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = python_ast.source_lines(text)
    scanner = _Scanner(tree, text, lines)
    try:
        scanner.visit(tree)
    except RecursionError:
        return None
    return ModuleFacts(
        path=path,
        imports=tuple(scanner.imports),
        classes=tuple(scanner.classes),
        functions=tuple(
            node.name for node in top_level(tree.body) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ),
        relevant_top_level=any(
            _relevant(lines, node)
            for node in tree.body
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom))
        ),
        relevant_functions=frozenset(
            node.name
            for node in top_level(tree.body)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _relevant(lines, node)
        ),
        recurrent_functions=frozenset(
            node.name
            for node in top_level(tree.body)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and (
                _relevant(lines, node, RECURRENT)
                or _pads(node, scanner.paddings)
                or (len(node.body) <= SMALL_HELPER and _relevant(lines, node, REORDERING))
            )
        ),
        rnn_functions=frozenset(
            node.name
            for node in top_level(tree.body)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _runs_rnn(lines, node)
        ),
        calls=tuple(scanner.calls),
        options=tuple(scanner.options),
        paddings=tuple(scanner.paddings),
        constants=scanner.module_constants,
        star_imports=tuple(scanner.star_imports),
        exports=exports(tree.body),
        rebound=rebound(tree.body),
        outline=file_outline(tree, len(text), scanner.deepest),
    )


def file_outline(tree: ast.Module, size: int, depth: int | None = None) -> FileOutline:
    """Where the top-level definitions of a parsed file lie (see :class:`FileOutline`)."""
    definitions = tuple(_outline(node, top_level=True) for node in tree.body if isinstance(node, DEFINITIONS))
    statements = tuple(
        (node.lineno, node.end_lineno or node.lineno) for node in tree.body if not isinstance(node, DEFINITIONS)
    )
    return FileOutline(definitions, statements, size, depth)


def _outline(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, top_level: bool) -> Outline:
    first = min((decorator.lineno for decorator in node.decorator_list), default=node.lineno)
    last = node.end_lineno or node.lineno
    if not top_level or not isinstance(node, ast.ClassDef):
        return Outline(node.name, first, last)
    header: list[ast.expr | ast.keyword] = [*node.bases, *node.keywords]
    header_end = max((part.end_lineno or part.lineno for part in header), default=node.lineno)
    header_end = max(header_end, node.lineno)
    members = tuple(
        _outline(statement, top_level=False)
        for statement in node.body
        if isinstance(statement, DEFINITIONS) and statement.lineno > header_end
    )
    return Outline(node.name, first, last, members, header_end, other_statements=len(members) < len(node.body))


# What the walk calls for each node type, the fields of each type that hold nodes worth visiting, and
# whether a type is a leaf of the walk (nothing to record in it or below it).
_VISITORS: dict[type[ast.AST], Callable[[_Scanner, Any], None]] = {}
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_NO_CHILDREN = frozenset({"ctx", "type_comment", "type_ignores"})
_LEAVES: dict[type[ast.AST], bool] = {ast.Name: True, ast.Constant: True}


def _child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(name for name in kind._fields if name not in _NO_CHILDREN)
    return fields


def _is_leaf(kind: type[ast.AST]) -> bool:
    """A type without a visitor of its own and without fields to visit (``ast.Add``); ``Name`` and
    ``Constant`` are in :data:`_LEAVES` from the start."""
    if kind not in _LEAVES:
        _LEAVES[kind] = not hasattr(_Scanner, f"visit_{kind.__name__}") and not _child_fields(kind)
    return _LEAVES[kind]


class _Scanner(ast.NodeVisitor):
    def __init__(self, tree: ast.Module, text: str, lines: list[str]) -> None:
        self.text = text
        self.lines = lines
        self.paddings: list[PaddingFacts] = []
        self._padding_seen: set[int] = set()  # list paddings already recorded through their `+`
        self.imports: list[ImportFacts] = []
        self.star_imports: list[StarImport] = []
        self.classes: list[ClassFacts] = []
        self.calls: list[CallFacts] = []
        self.options: list[OptionFacts] = []
        self.module_constants = constants(tree.body)
        # Classes named in lower case (`class bilstm`) are constructed as `bilstm(...)`: calls of the
        # module's own classes count, and of names imported from a module, which may be classes.
        self.class_names = {node.name for node in top_level(tree.body) if isinstance(node, ast.ClassDef)} | {
            alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names
        }
        self.option_holders = set(OPTION_HOLDERS)
        if "parse_args" in text or "parse_known_args" in text:  # a walk of the whole tree: only when needed
            self.option_holders |= _parsed_option_names(tree)
        self._class_stack: list[str] = []
        # Per enclosing function: its names bound once to a literal, and every name it binds.
        self._scopes: list[_FunctionScope] = []
        self._tree = tree
        self._filled: dict[int, tuple[set[str], set[str]]] = {}
        self._top_level_classes = {id(node) for node in top_level(tree.body) if isinstance(node, ast.ClassDef)}
        self._depth = self.deepest = 0  # the nesting of the walk, which the parse need not check again

    # ---------------------------------------------------------------- the walk

    # The standard walk builds a method name and looks it up at every node, and visits every
    # `ctx` marker of a name; a pass over every file of a large project spends most of its time there.
    def visit(self, node: ast.AST) -> None:
        kind = type(node)
        visitor = _VISITORS.get(kind)
        if visitor is None:
            visitor = _VISITORS[kind] = getattr(type(self), f"visit_{kind.__name__}", _Scanner.generic_visit)
        self._depth += 1
        if self._depth > self.deepest:
            self.deepest = self._depth
        visitor(self, node)
        self._depth -= 1

    def generic_visit(self, node: ast.AST) -> None:
        # A leaf (a name, a constant, an operator) is not visited, only counted in the depth: nearly
        # half the nodes of real code, and nothing in them to record.
        leaf_below = False
        for name in _child_fields(type(node)):
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        if _LEAVES.get(type(item)) or _is_leaf(type(item)):
                            leaf_below = True
                        else:
                            self.visit(item)
            elif isinstance(value, ast.AST):
                if _LEAVES.get(type(value)) or _is_leaf(type(value)):
                    leaf_below = True
                else:
                    self.visit(value)
        if leaf_below and self._depth >= self.deepest:
            self.deepest = self._depth + 1

    # ---------------------------------------------------------------- definitions

    def visit_Import(self, node: ast.Import) -> None:
        self.imports.extend(import_facts(node, nested=bool(self._scopes or self._class_stack)))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.imports.extend(import_facts(node, nested=bool(self._scopes or self._class_stack)))
        if any(alias.name == "*" for alias in node.names):
            self.star_imports.append(StarImport(node.module or "", node.level))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if id(node) in self._top_level_classes:
            bases = tuple(name for name in (dotted(base) for base in node.bases) if name is not None)
            init = next(
                (
                    statement
                    for statement in node.body
                    if isinstance(statement, ast.FunctionDef) and statement.name == "__init__"
                ),
                None,
            )
            signature = _signature(init, method=True) if init is not None else None
            relevant = _relevant(self.lines, node)
            recurrent = relevant and _relevant(self.lines, node, RECURRENT)
            runs_rnn = recurrent and _runs_rnn(self.lines, node)
            self.classes.append(ClassFacts(node.name, node.lineno, bases, signature, relevant, recurrent, runs_rnn))
        self._class_stack.append(node.name)
        self.generic_visit(node)
        self._class_stack.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._scopes.append(_FunctionScope(node))
        self.generic_visit(node)
        self._scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    # ---------------------------------------------------------------- calls

    def visit_BinOp(self, node: ast.BinOp) -> None:
        """``tokens + [PAD] * (max_len - len(tokens))``: padding at the end (at the front if it comes first)."""
        if isinstance(node.op, ast.Add):
            for side, at_end in ((node.right, True), (node.left, False)):
                if pads_a_list(side):
                    self._padding(side, at_end)
        elif pads_a_list(node):
            self._padding(node, None)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        """``ids += [PAD] * (n - len(ids))``: padding at the end."""
        if isinstance(node.op, ast.Add) and pads_a_list(node.value):
            self._padding(node.value, True)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        """``padded[i, :len(seq)] = seq`` into a ``zeros``/``full`` array: padding at the end (at the
        front for ``padded[i, n - len(seq):]``); a mask filled the same way says the same."""
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and any(isinstance(piece, ast.Slice) for piece in index_pieces(target.slice))
            ):
                filled, lengths = self._filled_names()
                at_end = length_slice(target.slice, lengths)
                if at_end is not None and target.value.id in filled:
                    self._padding(target, at_end)
        self.generic_visit(node)

    def _filled_names(self) -> tuple[set[str], set[str]]:
        """Names the current function (or the module) binds to a new ``zeros``/``full``/``ones`` array,
        and names it binds to something computed with ``len(...)`` (``length = min(n, len(ids))``)."""
        scope = self._scopes[-1] if self._scopes else None
        # The function's node lives as long as the tree; a scope object is freed when its function is
        # left, and a later one may get its id (and, by it, another function's names).
        key = id(scope.function if scope is not None else self._tree)
        if key not in self._filled:
            body = scope.function.body if scope is not None else self._tree.body
            assigning = [node for node in all_statements(body) if isinstance(node, ast.Assign)]
            filled = {
                target.id
                for node in assigning
                if isinstance(node.value, ast.Call)
                and (dotted(node.value.func) or "").rpartition(".")[2] in FILLED_ARRAYS
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            lengths = {
                target.id
                for node in assigning
                if any(a_length(part, set()) for part in ast.walk(node.value) if isinstance(part, ast.Call))
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            self._filled[key] = (filled, lengths)
        return self._filled[key]

    def visit_While(self, node: ast.While) -> None:
        """``while len(ids) < max_len: ids.append(PAD)``: padding at the end."""
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Lt):
            filled = measured(test.left)
            if filled is not None and appends_filler(node.body, filled):
                self._padding(node, True, loop_words(f"while {self._code(test)}:", filled))
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        """``for _ in range(max_len - len(ids)): ids.append(PAD)``: padding at the end."""
        loop = node.iter
        if isinstance(loop, ast.Call) and dotted(loop.func) == "range" and len(loop.args) == 1:
            count = loop.args[0]
            filled = measured(count.right) if isinstance(count, ast.BinOp) and isinstance(count.op, ast.Sub) else None
            if filled is not None and appends_filler(node.body, filled):
                self._padding(node, True, loop_words(f"for _ in {self._code(loop)}:", filled))
        self.generic_visit(node)

    def _code(self, node: ast.expr) -> str:
        return ast.get_source_segment(self.text, node) or "..."

    def _padding(self, node: ast.expr | ast.stmt, at_end: bool | None, code: str | None = None) -> None:
        if id(node) in self._padding_seen:
            return
        self._padding_seen.add(id(node))
        code = code or ast.get_source_segment(self.text, node) or "padding"
        code = code if len(code) <= 60 else code[:57] + "..."
        self.paddings.append(PaddingFacts(f"`{code}`", node.lineno, at_end))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "extend" and node.args and pads_a_list(node.args[0]):
            self._padding(node.args[0], True)
        self._padding_call(node)
        self.generic_visit(node)
        if isinstance(func, ast.Attribute) and func.attr == "add_argument":
            option = self._option(node)
            if option is not None:
                self.options.append(option)
            return
        callee = dotted(func)
        if _is_super_init(func) and self._class_stack:
            callee = "super"
        elif callee is None or not (callee.rpartition(".")[2][:1].isupper() or callee in self.class_names):
            return  # classes are named in CapWords, or known by name; other calls cannot construct one
        star = any(isinstance(arg, ast.Starred) for arg in node.args) or any(k.arg is None for k in node.keywords)
        self.calls.append(
            CallFacts(
                callee,
                node.lineno,
                tuple(self._value(arg) for arg in node.args if not isinstance(arg, ast.Starred)),
                tuple((k.arg, self._value(k.value)) for k in node.keywords if k.arg is not None),
                star,
                self._class_stack[-1] if self._class_stack else None,
            )
        )

    def _value(self, node: ast.expr) -> ArgValue:
        value = literal(node)
        if value is not UNSET:
            return value  # type: ignore[return-value]
        if isinstance(node, ast.Name):
            innermost = self._scopes[-1].function if self._scopes else None
            if (
                innermost is not None
                and innermost.name == "__init__"
                and self._class_stack
                and node.id in _parameter_names(innermost)
            ):
                return PassedOn(node.id)
            for scope in reversed(self._scopes):
                constants, bound = scope.names()
                if node.id in constants:
                    return constants[node.id]
                if node.id in bound:
                    return Unread(node.id)  # a local of this function, not the module's constant
            if node.id in self.module_constants:
                return self.module_constants[node.id]
            return self._imported_constant(node.id, None) or Unread(node.id)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            entry = f"{node.value.id}[{node.slice.value!r}]"
            if entry in self.module_constants:
                return self.module_constants[entry]
            return self._imported_constant(node.value.id, node.slice.value) or Unread(entry)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = next((b for b in self.imports if b.local == node.value.id and b.name is None), None)
            if module is not None and node.value.id not in self.option_holders:
                return ConstantRef(module.module, module.level, node.attr)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.option_holders
        ):
            return OptionRef(node.attr)
        if _as_bool(node):
            # `bidirectional=bool(args.bidirectional)` with `--bidirectional 1`: the option's truth.
            inner = self._value(node.args[0])
            if isinstance(inner, OptionRef):
                return OptionRef(inner.dest, converted=True)
            return bool(inner) if not isinstance(inner, (Unread, PassedOn)) else Unread(dotted(node) or "")
        return Unread(dotted(node) or "")

    def _imported_constant(self, local: str, key: str | None) -> ConstantRef | None:
        """``HIDDEN`` (or ``CONFIG['hidden']``, ``key`` given) bound by ``from config import ...``."""
        binding = next((b for b in self.imports if b.local == local and b.name is not None), None)
        if binding is None or binding.name is None:
            return None
        return ConstantRef(binding.module, binding.level, binding.name if key is None else f"{binding.name}[{key!r}]")

    def _option(self, node: ast.Call) -> OptionFacts | None:
        flags = [literal(arg) for arg in node.args]
        names = [flag for flag in flags if isinstance(flag, str)]
        if not names:
            return None
        keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
        long_names = [name for name in names if name.startswith("--")]
        dest = literal(keywords.get("dest"))
        if not isinstance(dest, str):
            dest = (long_names or names)[0].lstrip("-").replace("-", "_")
        action = literal(keywords.get("action"))
        default = literal(keywords.get("default"))
        values: frozenset[Constant] | None = None
        if action in ("store_true", "store_false"):
            default = action == "store_false" if default is UNSET else default
            values = frozenset({True, False})
        choices = keywords.get("choices")
        if isinstance(choices, (ast.List, ast.Tuple, ast.Set)):
            items = [literal(element) for element in choices.elts]
            if all(item is not UNSET for item in items):
                values = frozenset(items)  # type: ignore[arg-type]
        if default is UNSET:
            default = None if "default" not in keywords else UNREAD
        switched = {"store_true": True, "store_false": False}.get(action) if isinstance(action, str) else None
        flag = (long_names or names)[0]
        return OptionFacts(dest, flag, node.lineno, default, values, switched)  # type: ignore[arg-type]

    def _keras_function(self, func: ast.expr) -> bool:
        """Whether ``pad_sequences`` is keras' (pre-padding by default), not a project's own helper of
        that name: by its dotted name, or by where the file imports it from (unknown: keras')."""
        called = dotted(func) or ""
        if "." in called:
            return "keras" in called
        own = (
            node.name
            for node in top_level(self._tree.body)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
        if called in own:  # looked up only for such a call: rare, and the walk is cheap
            return False
        found = [binding.module for binding in self.imports if binding.local == called]
        return any("keras" in module or "tensorflow" in module for module in found) if found else True

    def _padding_call(self, node: ast.Call) -> None:
        """``pad_sequence(...)``, keras' ``pad_sequences(...)``, torchtext's ``Field(...)`` of sequences,
        ``zip_longest(*batch, fillvalue=PAD)`` (which fills the short sequences up to the longest), a
        Hugging Face tokenizer asked to pad."""
        name = (dotted(node.func) or "").rpartition(".")[2]
        keywords = {k.arg: literal(k.value) for k in node.keywords if k.arg is not None}
        if name == "pad_sequence":
            self.paddings.append(PaddingFacts("`pad_sequence(...)`", node.lineno, True))
        elif name == "zip_longest" and "fillvalue" in keywords and [type(arg) for arg in node.args] == [ast.Starred]:
            self.paddings.append(PaddingFacts("`zip_longest(*..., fillvalue=...)`", node.lineno, True))
        elif name == "pad_sequences" and self._keras_function(node.func):
            at_end = keywords.get("padding") == "post"
            called = dotted(node.func) or ""
            unbound = "." not in called and not any(binding.local == called for binding in self.imports)
            unless = called if unbound and self.star_imports else None
            self.paddings.append(
                PaddingFacts("keras' `pad_sequences(...)`", node.lineno, at_end, unless_defined=unless)
            )
        elif _tokenizer_padding(node, name, keywords):
            called = dotted(node.func) or "tokenizer"
            self.paddings.append(PaddingFacts(f"`{called}(..., padding=...)`", node.lineno, True))
        elif name == "Field" and keywords.get("sequential") is not False:
            fixed = " with `fix_length`" if "fix_length" in keywords else ""
            at_end = keywords.get("pad_first") is not True
            batch_first = keywords.get("batch_first", False)
            layout = batch_first if isinstance(batch_first, bool) else None
            self.paddings.append(PaddingFacts(f"torchtext's `Field(...)`{fixed}", node.lineno, at_end, layout))


# Hugging Face tokenizers pad on the right by default, with `padding=True`, "longest" or "max_length".
_TOKENIZER_METHODS = frozenset({"encode_plus", "batch_encode_plus", "encode", "pad"})


def _tokenizer_padding(node: ast.Call, name: str, keywords: dict[str, object]) -> bool:
    padding = keywords.get("padding")
    asked = padding is True or padding in ("longest", "max_length") or keywords.get("pad_to_max_length") is True
    if not asked:
        return False
    called = dotted(node.func) or ""
    return name in _TOKENIZER_METHODS or "tokeniz" in called.lower()


def _relevant(lines: list[str], node: ast.stmt, pattern: re.Pattern[str] = CALLEE) -> bool:
    """Whether a definition names anything the layout inference follows: only those are worth
    analysing at a call (cross-file ones cost a libcst parse). Whole lines are read: cheap, and a
    word on a line the definition shares with another statement changes nothing that matters."""
    end = node.end_lineno or node.lineno
    return pattern.search("\n".join(lines[node.lineno - 1 : end])) is not None


def _runs_rnn(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
    """Whether a definition's code (its docstring left out: a decorator's may show a model) names an RNN."""
    body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
    if not body:
        return False
    end = node.end_lineno or node.lineno
    text = "\n".join(lines[body[0].lineno - 1 : end])
    return any(word in text for word in RNN_WORDS)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


class _FunctionScope:
    """A function's names bound once to a literal, and every name it binds: read only when a call in
    it passes a name (most functions never need them)."""

    def __init__(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.function = function
        self._names: tuple[dict[str, Constant], set[str]] | None = None

    def names(self) -> tuple[dict[str, Constant], set[str]]:
        if self._names is None:
            parameters = _parameter_names(self.function)
            body = self.function.body
            bound = parameters | {name for statement in scope_statements(body) for name, _ in assignments(statement)}
            self._names = (constants(body, exclude=parameters), bound)
        return self._names


def _is_super_init(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )


def _signature(function: ast.FunctionDef, method: bool) -> Signature:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if method and positional:
        positional = positional[1:]
    defaults: list[ArgValue] = [_default(node) for node in arguments.defaults]
    first_default = len(positional) - len(defaults)
    parameters = [
        Parameter(
            argument.arg,
            defaults[index - first_default] if index >= first_default else UNREAD,
            has_default=index >= first_default,
        )
        for index, argument in enumerate(positional)
    ]
    for argument, default_node in zip(arguments.kwonlyargs, arguments.kw_defaults):
        has_default = default_node is not None
        value = _default(default_node) if default_node is not None else UNREAD
        parameters.append(Parameter(argument.arg, value, has_default=has_default, keyword_only=True))
    rest = arguments.vararg is not None or arguments.kwarg is not None
    return Signature(tuple(parameters), function.lineno, rest)


def _default(node: ast.expr) -> ArgValue:
    value = literal(node)
    return UNREAD if value is UNSET else value  # type: ignore[return-value]


def _parameter_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    names.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
    return names


def _parsed_option_names(tree: ast.Module) -> set[str]:
    """Names bound to ``parser.parse_args()`` (or ``parse_known_args()[0]``) anywhere in the file."""
    names: set[str] = set()
    for node in all_statements(tree.body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            value = node.value
            if isinstance(value, ast.Subscript):
                value = value.value
            method = value.func.attr if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) else None
            if method in ("parse_args", "parse_known_args"):
                names.update(target_names(node.targets[0]))
    return names


def _as_bool(node: ast.expr) -> TypeGuard[ast.Call]:
    """``bool(x)``, one positional argument."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "bool"
        and len(node.args) == 1
        and not node.keywords
        and not isinstance(node.args[0], ast.Starred)
    )


def _pads(node: ast.FunctionDef | ast.AsyncFunctionDef, paddings: list[PaddingFacts]) -> bool:
    """A function that pads a batch (`arr[i, :len(s)] = s` into a filled array): what it returns is a
    layout, worth following from another file."""
    last = node.end_lineno or node.lineno
    return any(node.lineno <= padding.line <= last for padding in paddings)
