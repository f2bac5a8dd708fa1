"""The project index: every file of a run as the cheap pass saw it, and how its names connect.

Built once per run from :mod:`scan`; it answers which class a name in some file means (through
imports, relative imports, package re-exports and star imports) and where the project
constructs each class. Everything in it is plain data, so worker processes get a copy.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shapelint.static.notebooks import NOTEBOOK_SUFFIX, is_notebook
from shapelint.static.project.facts import (
    Binding,
    CallFacts,
    ClassFacts,
    ImportFacts,
    ModuleFacts,
    OptionFacts,
    PaddingFacts,
)
from shapelint.static.project.scan import scan
from shapelint.static.reading import decoded_text

# Re-exports and imports are followed this deep; a cycle ends there as unknown.
MAX_HOPS = 8


@dataclass(frozen=True, order=True)
class ClassKey:
    """A class of the project: the file that defines it and its name there."""

    path: str
    name: str


@dataclass(frozen=True, order=True)
class FunctionKey:
    """A top-level function of the project."""

    path: str
    name: str


@dataclass(frozen=True)
class Construction:
    """A call that constructs a class of the project (``super().__init__(...)`` of a subclass too)."""

    path: str
    call: CallFacts


@dataclass
class Project:
    """The files of a run, indexed by path, with their module names and constructions."""

    modules: dict[str, ModuleFacts] = field(default_factory=dict)
    _by_module_name: dict[str, list[str]] = field(default_factory=dict)
    _constructions: dict[ClassKey, list[Construction]] | None = None
    _options: dict[str, list[tuple[str, OptionFacts]]] | None = None
    _paddings: list[tuple[str, PaddingFacts]] | None = None
    _importers: dict[str, list[str]] | None = None
    _imported: dict[str, set[str]] = field(default_factory=dict)
    _module_files: dict[tuple[str, str, int], str | None] = field(default_factory=dict)
    _builders: dict[FunctionKey, bool] = field(default_factory=dict)
    # What a name means in a file, as asked (the path as given): the index answers the same question for
    # each construction, each script's imports and each file linted, for every file of the run.
    _meaning: dict[tuple[str, str], ClassKey | FunctionKey | None] = field(default_factory=dict)
    _classes: dict[ClassKey, ClassFacts] | None = None

    @classmethod
    def from_sources(cls, sources: Iterable[tuple[str, str]]) -> Project:
        """From (path, text) pairs; files that do not parse are left out."""
        project = cls()
        for path, text in sources:
            facts = scan(text, path)
            if facts is not None:
                project.add(facts)
        return project

    @classmethod
    def from_files(cls, files: Sequence[Path]) -> Project:
        return cls.from_sources(_read(files))

    def add(self, facts: ModuleFacts) -> None:
        key = normalised_path(facts.path)
        if key not in self.modules and not is_notebook(key):  # a notebook is run, never imported
            for name in _module_names(key):
                self._by_module_name.setdefault(name, []).append(key)
        self.modules[key] = facts
        self._constructions = None
        self._options = None
        self._paddings = None
        self._importers = None
        self._imported.clear()
        self._module_files.clear()
        self._builders.clear()
        self._meaning.clear()
        self._classes = None

    def facts(self, path: str) -> ModuleFacts | None:
        return self.modules.get(normalised_path(path))

    # ---------------------------------------------------------------- names

    def class_facts(self, key: ClassKey) -> ClassFacts | None:
        if self._classes is None:
            # The first class of a name in a file, as a search in order would find it.
            self._classes = {}
            for path, module in self.modules.items():
                for cls in module.classes:
                    self._classes.setdefault(ClassKey(path, cls.name), cls)
        return self._classes.get(key)

    def relevant(self, key: ClassKey | FunctionKey, recurrent: bool = False) -> bool:
        """Whether the definition's code names anything the layout inference follows (``recurrent``:
        an RNN, packing, an embedding or a hidden state, the stricter test)."""
        module = self.modules.get(key.path)
        if module is None:
            return False
        if isinstance(key, FunctionKey):
            named = module.recurrent_functions if recurrent else module.relevant_functions
            return key.name in named or self.builds_model(key)
        facts = self.class_facts(key)
        return facts is not None and (facts.recurrent if recurrent else facts.relevant)

    def builds_model(self, key: FunctionKey) -> bool:
        """Whether a function constructs a class of the project that runs an RNN: a factory
        (`return Encoder(...), Decoder(...)`) gives its callers the models, whatever words it uses."""
        if key not in self._builders:
            module = self.modules[key.path]
            outline = module.outline
            lines = next(
                (
                    (definition.first, definition.last)
                    for definition in (outline.definitions if outline is not None else ())
                    if definition.name == key.name
                ),
                None,
            )
            built = [
                found
                for call in module.calls
                if lines is not None and lines[0] <= call.line <= lines[1] and call.in_class is None
                if (found := self.resolve_class(key.path, call.callee)) is not None
            ]
            self._builders[key] = any(self.runs_rnn(cls) for cls in built) or (
                bool(built) and self._builds_models_at_top_level(key.path, module)
            )
        return self._builders[key]

    def _builds_models_at_top_level(self, path: str, module: ModuleFacts) -> bool:
        """Whether a module's code outside its definitions constructs a class that runs an RNN: a factory
        there that wraps them (``return Seq2Seq(enc, dec)`` after ``enc = Encoder(...)``) builds a model."""
        outline = module.outline
        spans = [(definition.first, definition.last) for definition in (outline.definitions if outline else ())]
        return any(
            call.in_class is None
            and not any(first <= call.line <= last for first, last in spans)
            and (found := self.resolve_class(path, call.callee)) is not None
            and self.runs_rnn(found)
            for call in module.calls
        )

    def runs_rnn(self, key: ClassKey | FunctionKey) -> bool:
        """Whether the definition's code names an RNN or packing, or builds a model that does."""
        module = self.modules.get(key.path)
        if module is None:
            return False
        if isinstance(key, FunctionKey):
            return key.name in module.rnn_functions or self.builds_model(key)
        facts = self.class_facts(key)
        return facts is not None and facts.runs_rnn

    def rnn_names(self, path: str) -> frozenset[str]:
        """The names by which file ``path`` imports or constructs the project's code that runs an RNN:
        a training script that drives a model defined elsewhere holds the model's inputs and outputs
        without naming an RNN itself."""
        module = self.modules.get(normalised_path(path))
        if module is None:
            return frozenset()
        candidates = {binding.local for binding in module.imports if binding.name is not None}
        candidates.update(call.callee for call in module.calls if call.callee != "super")
        found = set()
        for name in candidates:
            key = self.resolve(path, name)
            if key is not None and key.path != normalised_path(path) and self.runs_rnn(key):
                found.add(name.rpartition(".")[2])
        # `from model import build` ... `build.load_model()`: what such a module defines is called by
        # its attribute's name.
        here = normalised_path(path)
        for binding in module.imports:
            other = self._module_bound_to(here, module, binding.local)
            facts = self.modules.get(other) if other is not None else None
            if other is None or facts is None or other == here:
                continue
            found.update(name for name in facts.functions if self.runs_rnn(FunctionKey(other, name)))
            found.update(cls.name for cls in facts.classes if cls.runs_rnn)
        return frozenset(found)

    def resolve_class(self, path: str, name: str) -> ClassKey | None:
        """The class that the dotted ``name`` means in file ``path``, if it is one of the project's."""
        found = self.resolve(path, name)
        return found if isinstance(found, ClassKey) else None

    def resolve(self, path: str, name: str) -> ClassKey | FunctionKey | None:
        """The project's class or top-level function that the dotted ``name`` means in file ``path``."""
        key = (path, name)
        if key not in self._meaning:
            self._meaning[key] = self._resolve(normalised_path(path), name, ())
        return self._meaning[key]

    def _resolve(self, path: str, name: str, trail: tuple[tuple[str, str], ...]) -> ClassKey | FunctionKey | None:
        """``trail``: the (file, name) pairs being resolved, outermost first: an import that leads back
        to one of them (a module importing from itself) says nothing new."""
        module = self.modules.get(path)
        if module is None or len(trail) > MAX_HOPS:
            return None
        head, _, rest = name.partition(".")
        if not rest:
            return next(iter(self._meanings(path, module, head, trail)), None)
        target = self._module_bound_to(path, module, head)
        return None if target is None else self._resolve(target, rest, (*trail, (path, name)))

    def _meanings(
        self, path: str, module: ModuleFacts, name: str, trail: tuple[tuple[str, str], ...]
    ) -> set[ClassKey | FunctionKey | None]:
        """What ``name`` may mean in ``module``: one meaning (None: not the project's), nothing where the
        module does not bind it, or None where its bindings disagree.

        A name bound again at module level means its last binding; where one of them is conditional
        (`try`/`except ImportError`, an `if`), each of them must mean the same definition, as the wrong
        one would judge code by another model's facts. Imports inside functions count where the module
        binds the name nowhere else, star imports (of the names ``__all__`` lists, or the public ones)
        where nothing else binds it.
        """
        trail = (*trail, (path, name))
        rebound = module.rebound.get(name)
        if rebound is not None:
            chosen = rebound if any(binding.conditional for binding in rebound) else rebound[-1:]
            found = set().union(*(self._meaning_of(path, name, binding, trail) for binding in chosen))
        else:
            found = set()
            if self.class_facts(ClassKey(path, name)) is not None:
                found.add(ClassKey(path, name))
            if name in module.functions:
                found.add(FunctionKey(path, name))
            for nested in (False, True):
                if not found:
                    for binding in module.imports:
                        if binding.local == name and binding.nested == nested:
                            found |= self._import_meanings(path, binding, trail)
        # Which of a star import and an explicit binding comes last is not recorded: a star import that
        # binds the name to another of the project's definitions makes it unknown.
        starred = self._star_meanings(path, module, name, trail)
        if found and starred - {None} - found:
            return {None}
        found = found or starred
        return {None} if len(found) > 1 else found

    def _star_meanings(
        self, path: str, module: ModuleFacts, name: str, trail: tuple[tuple[str, str], ...]
    ) -> set[ClassKey | FunctionKey | None]:
        found: set[ClassKey | FunctionKey | None] = set()
        if len(trail) <= MAX_HOPS:
            for star in module.star_imports:
                target = self.resolve_module(path, star.module, star.level)
                if target is not None and target != path and _exports(self.modules[target], name):
                    found |= self._meanings(target, self.modules[target], name, trail)
        return found

    def _meaning_of(
        self, path: str, name: str, binding: Binding, trail: tuple[tuple[str, str], ...]
    ) -> set[ClassKey | FunctionKey | None]:
        if binding.kind == "class":
            return {ClassKey(path, name)}
        if binding.kind == "function":
            return {FunctionKey(path, name)}
        if binding.imported is not None:
            return self._import_meanings(path, binding.imported, trail)
        return {None}

    def _import_meanings(
        self, path: str, binding: ImportFacts, trail: tuple[tuple[str, str], ...]
    ) -> set[ClassKey | FunctionKey | None]:
        """What an import binds: the definition it names, or None (a module, or not the project's);
        nothing where it leads back into ``trail``."""
        if binding.name is None:
            return {None}
        target = self.resolve_module(path, binding.module, binding.level)
        if target is None:
            return {None}
        if (target, binding.name) in trail:
            return set()
        return {self._resolve(target, binding.name, trail)}

    def module_named(self, path: str, local: str) -> str | None:
        """The project file of the module that ``local`` names in file ``path`` (``from model import layers``)."""
        module = self.facts(path)
        return None if module is None else self._module_bound_to(normalised_path(path), module, local)

    def _module_bound_to(self, path: str, module: ModuleFacts, local: str) -> str | None:
        """The file of the module that ``local`` names in ``module`` (``import models``, ``from . import models``)."""
        binding = _binding(module, local)
        return None if binding is None else self._module_file(path, binding)

    def _module_file(self, path: str, binding: ImportFacts) -> str | None:
        """The file of the module an import binds: ``import models`` or ``from pkg import models``."""
        if binding.name is None:
            return self.resolve_module(path, binding.module, binding.level)
        return self.resolve_module(path, _joined(binding.module, binding.name), binding.level)

    def resolve_module(self, importer: str, module: str, level: int) -> str | None:
        """The file of ``module`` imported from file ``importer`` of the index (``level`` dots for a relative
        import)."""
        key = (os.path.dirname(importer), module, level)
        if key not in self._module_files:
            self._module_files[key] = self._find_module(*key)
        return self._module_files[key]

    def _find_module(self, folder: str, module: str, level: int) -> str | None:
        if level:
            for _ in range(level - 1):
                folder = os.path.dirname(folder)
            return self._file_in(folder, module)
        # A script's own folder comes first on `sys.path`: `python main.py` run in its folder imports the
        # `model.py` beside it, whatever other folders of the project hold one. Not so in a package,
        # whose modules are imported by a script elsewhere.
        own = self._file_in(folder, module)
        if own is not None and not self._is_package(folder):
            return own
        candidates = self._by_module_name.get(module, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        # Several files answer to the name: the one at that path under the nearest folder above that is
        # no package (where a script is run from, the project's root); where a package's own folder
        # holds one too, it depends on how it is run.
        above, parent = folder, os.path.dirname(folder)
        while parent != above:
            above, parent = parent, os.path.dirname(parent)
            if not self._is_package(above):
                found = self._file_in(above, module)
                if found is not None:
                    return None if own is not None else found
        # Scripts folders, copies: the nearest one, if it is clear.
        closeness = sorted(((_shared_prefix(folder, c), c) for c in candidates), reverse=True)
        if closeness[0][0] == closeness[1][0]:
            return None
        return closeness[0][1]

    def _is_package(self, folder: str) -> bool:
        return os.path.join(folder, "__init__.py") in self.modules

    def _file_in(self, folder: str, module: str) -> str | None:
        """The project file of the dotted ``module`` (a ``.py`` file or a package) under ``folder``."""
        place = os.path.join(folder, *module.split(".")) if module else folder
        candidates = (
            (place + ".py", os.path.join(place, "__init__.py")) if module else (os.path.join(place, "__init__.py"),)
        )
        return next((candidate for candidate in candidates if candidate in self.modules), None)

    # ---------------------------------------------------------------- constructions

    def constructions(self, key: ClassKey) -> list[Construction]:
        """Every call in the project that constructs ``key`` (or a subclass that inherits its ``__init__``)."""
        if self._constructions is None:
            self._constructions = self._find_constructions()
        return self._constructions.get(key, [])

    def _find_constructions(self) -> dict[ClassKey, list[Construction]]:
        found: dict[ClassKey, list[Construction]] = {}
        for path in sorted(self.modules):
            module = self.modules[path]
            for call in module.calls:
                if call.callee == "super":
                    target = self._first_base(ClassKey(path, call.in_class or ""))
                else:
                    target = self.resolve_class(path, call.callee)
                target = self._initialiser(target)
                if target is not None:
                    found.setdefault(target, []).append(Construction(path, call))
        return found

    def _first_base(self, key: ClassKey) -> ClassKey | None:
        facts = self.class_facts(key)
        if facts is None:
            return None
        return next((base for base in (self.resolve_class(key.path, b) for b in facts.bases) if base), None)

    def _initialiser(self, key: ClassKey | None) -> ClassKey | None:
        """The class whose ``__init__`` a construction of ``key`` runs: its own, or the nearest base's."""
        for _ in range(MAX_HOPS):
            if key is None:
                return None
            facts = self.class_facts(key)
            if facts is None:
                return None
            if facts.init is not None:
                return key
            key = self._first_base(key)
        return None

    def bases(self, key: ClassKey) -> Iterator[ClassKey]:
        """The project's classes that ``key`` derives from, nearest first."""
        seen = {key}
        current = self._first_base(key)
        while current is not None and current not in seen and len(seen) <= MAX_HOPS:
            seen.add(current)
            yield current
            current = self._first_base(current)

    # ---------------------------------------------------------------- options

    def options(self, dest: str) -> list[OptionFacts]:
        """Every ``add_argument`` in the project whose destination is ``dest``."""
        return [option for _, option in self._all_options().get(dest, [])]

    def option_path(self, option: OptionFacts) -> str:
        return next(path for path, found in self._all_options()[option.dest] if found is option)

    def _all_options(self) -> dict[str, list[tuple[str, OptionFacts]]]:
        if self._options is None:
            self._options = {}
            for path in sorted(self.modules):
                for option in self.modules[path].options:
                    self._options.setdefault(option.dest, []).append((path, option))
        return self._options

    def paddings(self) -> list[tuple[str, PaddingFacts]]:
        """Every place the project pads token sequences to one length, in path and line order."""
        if self._paddings is None:
            self._paddings = [
                (path, padding)
                for path in sorted(self.modules)
                for padding in self.modules[path].paddings
                # keras' by its name, unless a star import brings the project's own function of that name
                if padding.unless_defined is None or self.resolve(path, padding.unless_defined) is None
            ]
        return self._paddings

    def imported_files(self, path: str) -> set[str]:
        """The project files that file ``path`` imports (a module, or a name from one): for a name a
        package re-exports, also the module that defines it; for a star import of a package, the
        modules the package imports."""
        key = normalised_path(path)
        module = self.modules.get(key)
        if module is None:
            return set()
        if key not in self._imported:
            found = self._modules_imported(key, module)
            for binding in module.imports:
                found.update(meaning.path for meaning in self._import_meanings(key, binding, ()) if meaning)
            for star in module.star_imports:
                target = self.resolve_module(key, star.module, star.level)
                if target is not None:
                    found.add(target)
                    if Path(target).name == "__init__.py":
                        found |= self._modules_imported(target, self.modules[target])
            found.discard(key)  # a module of the package that star-imports the package
            self._imported[key] = found
        return self._imported[key]

    def _modules_imported(self, key: str, module: ModuleFacts) -> set[str]:
        """The files of the modules that ``module``'s imports name (``import m``, ``from m import x``)."""
        targets = (
            self._module_file(key, binding) or self.resolve_module(key, binding.module, binding.level)
            for binding in module.imports
        )
        return {target for target in targets if target is not None}

    def importers(self, path: str) -> list[str]:
        """The project files that import file ``path``."""
        if self._importers is None:
            self._importers = {}
            for other in self.modules:
                for target in self.imported_files(other):
                    self._importers.setdefault(target, []).append(other)
        return self._importers.get(normalised_path(path), [])


def _exports(module: ModuleFacts, name: str) -> bool:
    """Whether ``from module import *`` binds ``name``: its ``__all__`` lists it, or it is public."""
    return name in module.exports if module.exports is not None else not name.startswith("_")


def _binding(module: ModuleFacts, local: str) -> ImportFacts | None:
    return next((binding for binding in module.imports if binding.local == local), None)


def _joined(module: str, name: str) -> str:
    return f"{module}.{name}" if module else name


def normalised_path(path: str) -> str:
    """The key of a file in the index: absolute, without `..`."""
    return os.path.normpath(os.path.abspath(path))


def _module_names(path: str) -> Iterator[str]:
    """Every dotted name a file may be imported by: ``a/b/c.py`` is ``c``, ``b.c`` and ``a.b.c``."""
    parts = list(Path(path).with_suffix("").parts[1:])
    if parts and parts[-1] == "__init__":
        parts.pop()
    for start in range(len(parts) - 1, -1, -1):
        if not all(part.isidentifier() for part in parts[start:]):
            break
        yield ".".join(parts[start:])


def _shared_prefix(first: str, second: str) -> int:
    return len(os.path.commonpath([first, second]))


def _read(files: Sequence[Path]) -> Iterator[tuple[str, str]]:
    for file in files:
        if file.suffix not in (".py", NOTEBOOK_SUFFIX):
            continue
        text = decoded_text(file)
        if text is not None:
            yield str(file), text
