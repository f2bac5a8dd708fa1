"""The program around a linted module: the project's other classes and functions, and what a call
into them gives back.

A construction of a project class runs its ``__init__`` with the caller's arguments and gives
an :class:`Instance` with the attributes it leaves; calling the instance runs its ``forward``.
A call of a project function or method runs its body with the caller's arguments and gives what
it returns: the return value of an unannotated function is inferred at the call site, as
pyright does, bounded in depth and in count so that cost stays linear in the project.
Other modules are parsed only when a call reaches them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar, cast

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.conventions import Conventions
from shapelint.static.events import CalledAt
from shapelint.static.flow.function import FunctionFlow
from shapelint.static.flow.joins import merged_value
from shapelint.static.flow.observer import Observer
from shapelint.static.flow.scope import ModuleScope
from shapelint.static.layout import Tensor
from shapelint.static.parse_limits import Unparseable
from shapelint.static.pieces import PiecedModule, analysed_module
from shapelint.static.project.facts import PaddingFacts, Unread
from shapelint.static.project.index import ClassKey, FunctionKey, Project, normalised_path
from shapelint.static.project.settings import configurations, place, shown_path
from shapelint.static.reading import decoded_text
from shapelint.static.values import UNKNOWN, Either, Instance, Literal, Nested, Value
from shapelint.static.walk import body_of, method_named, self_assignments

# How deep calls are followed (a model's forward -> its encoder's forward -> a helper), and how
# many callee analyses one linted file may spend in all.
MAX_DEPTH = 4
MAX_CALLS = 100

Statement = TypeVar("Statement", bound=cst.BaseStatement)


class Program:
    """The linted module's view of the project."""

    def __init__(self, project: Project | None, names: Conventions, observer: Observer | None = None) -> None:
        self.project = project
        self.names = names
        self.observer = observer
        self.linted_path = ""
        self.settings_to_come = False  # see IndexEvent
        self._modules: dict[str, tuple[cst.Module, ModuleScope] | None] = {}
        self._whole_modules: dict[str, tuple[cst.Module, ModuleScope] | None] = {}
        self._calls_left = MAX_CALLS
        self._pipelines: dict[str, tuple[str, bool | None] | None] = {}
        self._holding_models: set[ClassKey] = set()  # classes the project builds from models
        self._resolved: dict[tuple[str, str], ClassKey | FunctionKey | None] = {}
        self._other_globals: dict[tuple[str, str], Value | None] = {}
        # Files read in pieces, by their skeleton's id; the pieces the analysis of the current
        # definition reached, and those the module's top-level code reached (its globals may hold
        # their nodes), by skeleton id and piece.
        self._pieced: dict[int, PiecedModule] = {}
        self._pieces_in_use: dict[tuple[int, int], cst.Module] = {}
        self._pieces_kept: dict[tuple[int, int], cst.Module] = {}

    def enter(self, module: cst.Module | PiecedModule, path: str) -> ModuleScope:
        """The scope of the module being linted (its own tree, not one parsed again; a skeleton for
        a file read in pieces)."""
        tree = self._tree(module)
        scope = ModuleScope.of(tree, self.names, self, path)
        self.linted_path = normalised_path(path) if path else ""
        self._modules[self.linted_path] = (tree, scope)
        return scope

    def _tree(self, module: cst.Module | PiecedModule) -> cst.Module:
        if isinstance(module, PiecedModule):
            self._pieced[id(module.skeleton)] = module
            return module.skeleton
        return module

    # ---------------------------------------------------------------- files read in pieces

    def definition(self, module: cst.Module, node: Statement) -> Statement:
        """``node`` of ``module``, or the definition it stands for where it is a stub of a skeleton
        (see :mod:`pieces`): the piece it lies in is parsed unless in use."""
        pieced = self._pieced.get(id(module))
        place = pieced.stands_for(node) if pieced is not None else None
        if pieced is None or place is None:
            return node
        key = (id(module), place[0])
        piece = self._pieces_kept.get(key) or self._pieces_in_use.get(key)
        if piece is None:
            piece = self._pieces_in_use[key] = pieced.piece(place[0])
        found = piece.body[place[1]]
        assert type(found) is type(node)
        return cast(Statement, found)

    def parts(self, module: cst.Module) -> list[tuple[cst.Module, int]]:
        """The trees that hold ``module``'s code now, each with the file's line its first line is:
        the module itself, or its skeleton and the pieces in use."""
        pieced = self._pieced.get(id(module))
        if pieced is None:
            return [(module, 1)]
        in_use = (*self._pieces_kept.items(), *self._pieces_in_use.items())
        return [(module, 1), *((piece, pieced.first_line(index)) for (of, index), piece in in_use if of == id(module))]

    def text(self, module: cst.Module) -> str:
        """The code of ``module``'s file as the analysis reads it (a pieced file's, not its skeleton's)."""
        pieced = self._pieced.get(id(module))
        return pieced.text if pieced is not None else module.code

    def keep_pieces(self) -> None:
        """What the module's top-level code reached stays parsed: the names it binds may hold it."""
        self._pieces_kept.update(self._pieces_in_use)
        self._pieces_in_use.clear()

    def pieces_done(self) -> None:
        """One definition's analysis is over, its findings made: the pieces it reached may go."""
        self._pieces_in_use.clear()

    def modules_read(self) -> Iterator[tuple[str, cst.Module]]:
        """The modules the analysis has read so far, the linted one first, with their paths."""
        for modules in (self._modules, self._whole_modules):
            for path, found in modules.items():
                if found is not None:
                    yield path, found[0]

    # ---------------------------------------------------------------- definitions

    def resolve(self, scope: ModuleScope, name: str) -> ClassKey | FunctionKey | None:
        if self.project is None or not scope.path:
            return None
        key = (scope.path, name)
        if key not in self._resolved:
            self._resolved[key] = self.project.resolve(scope.path, name)
        return self._resolved[key]

    def module_constant(self, scope: ModuleScope, local: str, attribute: str | None, entry: str | None) -> Value:
        """A literal setting another module binds, as this module reads it: ``N_LAYERS`` after ``from
        config import N_LAYERS``, ``config.N_LAYERS`` (``attribute``), ``CONFIG['hidden']`` (``entry``)
        of a dict constant, here or imported."""
        facts = self.project.facts(scope.path) if self.project is not None and scope.path else None
        if facts is None or self.project is None:
            return UNKNOWN
        binding = next((b for b in facts.imports if b.local == local and not b.nested), None)
        name: str | None = local
        path: str | None = normalised_path(scope.path)  # without an import, this module's own dict of settings
        if binding is not None and (binding.name is None) == (attribute is not None):
            name = attribute if binding.name is None else binding.name
            path = self.project.resolve_module(normalised_path(scope.path), binding.module, binding.level)
        elif binding is not None:
            return UNKNOWN
        if name is None or path is None:
            return UNKNOWN
        key = name if entry is None else f"{name}[{entry!r}]"
        owner = self.project.facts(path)
        if owner is None or key not in owner.constants or (binding is None and entry is None):
            return UNKNOWN
        value = owner.constants[key]
        return Literal(value, (f"`{key}` is {value!r} in {shown_path(path)}",))

    def other_global(self, caller: FunctionFlow, name: str) -> Value | None:
        """A global of another module than the linted one, whose top-level code binds it once to a call
        (``enc = layers.Encoder(...)``, read by its ``load_model()``): that call's value, evaluated
        once, as its top-level code was not run; None if bound otherwise (a class, an import)."""
        scope = caller.scope
        key = (scope.path, name)
        if key in self._other_globals:
            return self._other_globals[key]
        made = _bound_to_call(scope.module, name) if scope.module is not None else None
        if made is None:
            self._other_globals[key] = None
            return None
        self._other_globals[key] = UNKNOWN  # a global built from itself
        if not self._spend(caller):
            return UNKNOWN
        flow = FunctionFlow(scope, {}, env=scope.globals, recording=False, depth=caller.depth + 1, active=caller.active)
        value = flow.expression(made, record=False)
        self._other_globals[key] = value
        return value

    def class_def(self, key: ClassKey) -> tuple[cst.ClassDef, ModuleScope] | None:
        found = self._definition(key)
        if found is None or not isinstance(found[0], cst.ClassDef):
            return None
        return found[0], found[1]

    def function_def(self, key: FunctionKey, carrying: bool = False) -> tuple[cst.FunctionDef, ModuleScope] | None:
        """``carrying``: the call passes it a model or a tensor of known layout, which makes any
        function worth following (a training step that only calls the model it is given)."""
        found = self._definition(key, carrying)
        if found is None or not isinstance(found[0], cst.FunctionDef):
            return None
        return found[0], found[1]

    def _definition(
        self, key: ClassKey | FunctionKey, carrying: bool = False
    ) -> tuple[cst.ClassDef | cst.FunctionDef, ModuleScope] | None:
        """The top-level class or function ``key`` names, with its module's scope, if worth following."""
        if self.project is None or not (carrying or self._worth_following(key)):
            return None
        found = self._top_level_definition(key, whole=False)
        if found is None and key.path != self.linted_path:  # the linted module is what the linter parsed
            found = self._top_level_definition(key, whole=True)
        return found

    def _worth_following(self, key: ClassKey | FunctionKey) -> bool:
        """A definition that can give the inference something; in another file, one that names an RNN,
        packing, an embedding or a state (following it there costs a parse)."""
        if self.project is None:
            return False
        if key in self._holding_models:
            return True
        return self.project.relevant(key, recurrent=key.path != self.linted_path)

    def method(self, key: ClassKey, name: str) -> tuple[cst.FunctionDef, ModuleScope] | None:
        """A method of a class or of the nearest project base that defines it."""
        bases = self.project.bases(key) if self.project is not None else iter(())
        for owner in (key, *bases):
            found = self.class_def(owner)
            if found is None:
                continue
            cls, scope = found
            method = method_named(cls, name)
            if method is None and owner.path != self.linted_path:
                # A method no code of its own file calls was blanked there: read the whole file.
                whole = self._top_level_definition(owner, whole=True)
                if whole is not None and isinstance(whole[0], cst.ClassDef):
                    cls, scope = whole[0], whole[1]
                    method = method_named(cls, name)
            if method is not None:
                return method, scope
        return None

    def _top_level_definition(
        self, key: ClassKey | FunctionKey, whole: bool
    ) -> tuple[cst.ClassDef | cst.FunctionDef, ModuleScope] | None:
        found = self._module(key.path, whole)
        if found is None:
            return None
        module, scope = found
        kind = cst.ClassDef if isinstance(key, ClassKey) else cst.FunctionDef
        for node in _top_level(module.body):
            if isinstance(node, kind) and node.name.value == key.name:
                return self.definition(module, node), scope
        return None

    def _module(self, path: str, whole: bool = False) -> tuple[cst.Module, ModuleScope] | None:
        """Another module, parsed as the linter reads files (its definitions that cannot hold a layout
        blanked), or ``whole``: for the rare definition that only a call from elsewhere makes worth it."""
        if path == self.linted_path:
            whole = False
        modules = self._whole_modules if whole else self._modules
        if path not in modules:
            parsed = self._parsed(path, whole)
            tree = None if parsed is None else self._tree(parsed)
            modules[path] = None if tree is None else (tree, ModuleScope.of(tree, self.names, self, path))
        return modules[path]

    def _parsed(self, path: str, whole: bool) -> cst.Module | PiecedModule | None:
        """Another module of the project, pruned as the linter reads it (the parse it made, if still
        kept) unless ``whole``."""
        text = decoded_text(Path(path))
        if text is None:
            return None
        facts = self.project.facts(path) if self.project is not None else None
        keep = self.project.rnn_names(path) if self.project is not None else frozenset()
        try:
            return analysed_module(
                text, None if whole else keep, facts.outline if facts is not None else None, reached=True
            )
        except (Unparseable, cst.ParserSyntaxError, RecursionError, MemoryError):
            return None

    def pipeline_padding(self, path: str) -> tuple[str, bool | None] | None:
        """Where the data pipeline of the model in ``path`` pads its token batches, and whether at the end.

        The pipeline is the padding code in that file, in a file it imports or that imports it, in a
        file that a script importing the model imports (itself or through a helper), or in a folder
        above it (a loader beside a ``models/`` package); not a sibling script of a collection of
        tutorials, and not a test.
        """
        if self.project is None or not path:
            return None
        model = normalised_path(path)
        if model not in self._pipelines:
            related = self.project.imported_files(model)
            found = [
                (where, padding)
                for where, padding in self.project.paddings()
                if not _is_test(where) and _feeds(where, model, related, self.project)
            ]
            found.sort(key=lambda item: item[0] != model)  # the model's own file first
            self._pipelines[model] = _pipeline_words(found)
        return self._pipelines[model]

    # ---------------------------------------------------------------- classes

    def configurations(self, scope: ModuleScope, cls: cst.ClassDef) -> list[dict[str, Value]]:
        """The settings the project builds ``cls`` with, as values for its ``__init__`` parameters."""
        if self.project is None or not scope.path:
            return []
        key = ClassKey(normalised_path(scope.path), cls.name.value)
        if not self.project.relevant(key, recurrent=True):
            return []  # the settings that matter are an RNN's (or its padding's): nothing to gain
        return [
            {
                setting.name: Literal(setting.value, (setting.evidence,))
                for setting in configuration.settings
                if not isinstance(setting.value, Unread)
            }
            for configuration in configurations(self.project, key)
        ]

    def class_attributes(
        self, cls: cst.ClassDef, scope: ModuleScope, arguments: dict[str, Value], depth: int = 0, called: bool = False
    ) -> dict[str, Value]:
        """``self.X`` as ``__init__`` leaves it (run with ``arguments`` for its parameters; ``called``:
        those of a construction, the others at their defaults), merged with what other methods
        assign: an attribute assigned two different ways is unknown."""
        level = _class_level(cls, scope, depth)
        found: dict[str, Value] = dict(level)
        methods = [method for method in body_of(cls.body) if isinstance(method, cst.FunctionDef)]
        initialiser = method_named(cls, "__init__")
        if initialiser is not None:
            # What __init__ assigns is the instance's own, whatever the class body says.
            targets = (cast(cst.Attribute, assign.targets[0].target) for assign in self_assignments(initialiser))
            shadowed = {target.attr.value for target in targets}
            unshadowed = {name: value for name, value in level.items() if name not in shadowed}
            flow = FunctionFlow(scope, unshadowed, recording=False, depth=depth, owner=cls)
            flow.run(initialiser, arguments, called)
            for key, value in flow.env.items():
                name = key.removeprefix("self.")
                if key.startswith("self.") and "." not in name:
                    found[name] = value
        evaluator = FunctionFlow(scope, dict(found), recording=False, depth=depth, owner=cls)
        for method in methods:
            if method is initialiser:
                continue
            for assign in self_assignments(method):
                target = assign.targets[0].target
                assert isinstance(target, cst.Attribute)
                value = evaluator.expression(assign.value, record=False)
                name = target.attr.value
                found[name] = merged_value(found.get(name, value), value)
        return found

    # ---------------------------------------------------------------- calls

    def construct(self, caller: FunctionFlow, key: ClassKey, call: cst.Call, args: list[Value]) -> Value:
        """``Encoder(256, bidirectional=True)``: the object, with the attributes its ``__init__`` leaves.
        A class built from models (``Seq2Seq(Encoder(), Decoder())``) runs them, whatever words it uses."""
        if any(isinstance(arg, (Instance, Either)) for arg in args):
            self._holding_models.add(key)
        found = self.class_def(key)
        if found is None or not self._spend(caller):
            return UNKNOWN
        cls, scope = found
        initialiser = self.method(key, "__init__")
        arguments = bind(initialiser[0], call, args, method=True) if initialiser is not None else {}
        return Instance(key, self.class_attributes(cls, scope, arguments, caller.depth + 1, called=passes_all(call)))

    def call_instance(
        self, caller: FunctionFlow, instance: Instance | Either, name: str, call: cst.Call, args: list[Value]
    ) -> Value:
        """``encoder(x)`` runs ``forward``; ``encoder.init_hidden(b)`` runs that method; ``model.to(device)``
        is the model. One of several objects runs each."""
        if isinstance(instance, Either):
            results = [self.call_instance(caller, option, name, call, args) for option in instance.options]
            return functools.reduce(merged_value, results)
        method = self.method(instance.key, name)
        if method is None:
            return instance if name in kb.MODULE_SELF_METHODS else UNKNOWN
        function, scope = method
        owner = self.class_def(instance.key)
        return self.invoke(caller, function, scope, instance.attributes, call, args, owner[0] if owner else None)

    def call_function(self, caller: FunctionFlow, key: FunctionKey, call: cst.Call, args: list[Value]) -> Value:
        carrying = any(isinstance(arg, (Instance, Either)) or (isinstance(arg, Tensor) and arg.rank) for arg in args)
        found = self.function_def(key, carrying)
        if found is None:
            return UNKNOWN
        function, scope = found
        return self.invoke(caller, function, scope, {}, call, args, None)

    def invoke(
        self,
        caller: FunctionFlow,
        function: cst.FunctionDef,
        scope: ModuleScope,
        attributes: dict[str, Value],
        call: cst.Call,
        args: list[Value],
        owner: cst.ClassDef | None,
        deeper: bool = True,
        method: bool | None = None,
    ) -> Value:
        """Run ``function`` with the caller's arguments; what it reports is kept, with the call as
        evidence (in another file, it is reported there). ``deeper=False``: a helper method of the
        caller's own object (``self.score(...)``), part of the method that calls it, which costs a
        callee analysis but no depth (recursion is still refused). ``method``: its first parameter is
        ``self`` (by default, when it has an ``owner``; not so for a function a method defines)."""
        if function in caller.active or not self._spend(caller, deeper):
            return UNKNOWN  # recursion, or the budget is spent
        recording = caller.recording
        callee = FunctionFlow(
            scope,
            attributes,
            recording=recording,
            live_globals=caller.live_globals or caller.env is caller.scope.globals,
            depth=caller.depth + (1 if deeper else 0),
            owner=owner,
            active=caller.active | {function},
            evidence=dict(caller.evidence),
        )
        bound = owner is not None if method is None else method
        callee.run(function, bind(function, call, args, method=bound), passes_all(call))
        if recording:
            here = CalledAt(function.name.value, call)
            there = CalledAt(function.name.value, call, caller.scope.module, normalised_path(caller.scope.path))
            caller.events.extend(
                replace(found, evidence=(*found.evidence, there if found.path != caller.other_file() else here))
                for found in callee.events
            )
        return callee.returned if callee.returned is not None else UNKNOWN

    def invoke_nested(self, caller: FunctionFlow, nested: Nested, call: cst.Call, args: list[Value]) -> Value:
        """Run a function defined inside another, with what its definition sees."""
        return self.invoke(
            caller, nested.function, nested.scope, nested.attributes, call, args, nested.owner, method=False
        )

    def _spend(self, caller: FunctionFlow, deeper: bool = True) -> bool:
        if (deeper and caller.depth >= MAX_DEPTH) or self._calls_left <= 0:
            return False
        self._calls_left -= 1
        return True


def _bound_to_call(module: cst.Module, name: str) -> cst.Call | None:
    """The call a module's top level assigns to ``name`` (``enc = Encoder(...)``), if that is how it binds it."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Call):
            target = small.targets[0].target
            if isinstance(target, cst.Name) and target.value == name:
                return small.value
    return None


def _feeds(where: str, model: str, imported: set[str], project: Project) -> bool:
    if where == model or where in imported or model in project.imported_files(where):
        return True
    # A training script that imports the model and the loader (directly, or through its helpers); the
    # model directly or through the module of a model that wraps it (`Seq2Seq` holding the `Encoder`).
    wrappers = project.importers(model)
    for script in {*wrappers, *(script for wrapper in wrappers for script in project.importers(wrapper))}:
        helpers = project.imported_files(script)
        if where in helpers or any(where in project.imported_files(helper) for helper in helpers):
            return True
    # A loader in a folder above the model (`utils.py` beside `models/`), by its name: a folder above
    # may also hold other, unrelated scripts.
    folder = Path(where).parent
    above = folder != Path(model).parent and folder in Path(model).parents
    return above and bool(_PIPELINE_NAMES.search(Path(where).stem))


_PIPELINE_NAMES = re.compile(r"data|load|util|help|prepro|process|batch|collate|read|vocab|corpus|token", re.I)


def _pipeline_words(found: list[tuple[str, PaddingFacts]]) -> tuple[str, bool | None] | None:
    if not found:
        return None
    path, first = found[0]
    more = f", and {len(found) - 1} more" if len(found) > 1 else ""
    ends = {padding.at_end for _, padding in found}
    at_end = ends.pop() if len(ends) == 1 else None
    return f"the data pipeline pads the batches: {first.what} at {place(path, first.line)}{more}", at_end


def _is_test(path: str) -> bool:
    """A test module or a file in a tests folder: it builds fixtures, not the training pipeline."""
    parts = Path(path).parts
    return Path(path).name.startswith("test_") or any(part in ("test", "tests") for part in parts[:-1])


def bind(function: cst.FunctionDef, call: cst.Call, args: Sequence[Value], method: bool) -> dict[str, Value]:
    """Parameter name -> the value the call passes for it (what ``*args``/``**kwargs`` hide is left out)."""
    positional = [param.name.value for param in (*function.params.posonly_params, *function.params.params)]
    if method:
        positional = positional[1:]
    names = {*positional, *(param.name.value for param in function.params.kwonly_params)}
    bound: dict[str, Value] = {}
    position = 0
    for arg, value in zip(call.args, args):
        if arg.star:
            if arg.star == "*":
                position = len(positional)  # positions after it are not known
            continue
        if arg.keyword is not None:
            if arg.keyword.value in names:
                bound[arg.keyword.value] = value
        elif position < len(positional):
            bound[positional[position]] = value
            position += 1
    return bound


def passes_all(call: cst.Call) -> bool:
    """Whether a call's arguments are all written out (no ``*args``/``**kwargs``): the parameters it
    leaves out then take their defaults."""
    return not any(arg.star for arg in call.args)


def _top_level(body: Sequence[cst.BaseStatement]) -> Iterator[cst.BaseStatement]:
    """Module-level statements, also those inside top-level ``if``/``try`` blocks (as the index reads them)."""
    for statement in body:
        yield statement
        if isinstance(statement, cst.If):
            yield from _top_level(body_of(statement.body))
            if isinstance(statement.orelse, cst.Else):
                yield from _top_level(body_of(statement.orelse.body))
        elif isinstance(statement, cst.Try):
            yield from _top_level(body_of(statement.body))
            for handler in statement.handlers:
                yield from _top_level(body_of(handler.body))


def _class_level(cls: cst.ClassDef, scope: ModuleScope, depth: int) -> dict[str, Value]:
    """What the class body binds (`batch_first = True`): `self.batch_first` reads it until an
    instance sets its own."""
    flow = FunctionFlow(scope, {}, recording=False, depth=depth, owner=cls)
    for statement in body_of(cls.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            if isinstance(target, cst.Name):
                flow.env[target.value] = flow.expression(value, record=False)
    return {name: value for name, value in flow.env.items() if "." not in name}
