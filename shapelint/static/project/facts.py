"""What the cheap pass records of each file: small, picklable values, no syntax trees.

A literal argument is kept as its value; anything else as what it names, so that the project
can tell later whether it means a module constant, a command-line option or nothing it knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unread:
    """An argument whose value the cheap pass cannot read (an expression, a local of unknown value)."""

    text: str = ""


@dataclass(frozen=True)
class OptionRef:
    """``args.bidirectional``: the value of a command-line option, by its destination name
    (``bool(args.bidirectional)``: ``converted`` to a bool)."""

    dest: str
    converted: bool = False


@dataclass(frozen=True)
class ConstantRef:
    """A module constant imported from another module of the project: ``HIDDEN`` after ``from config
    import HIDDEN``, ``config.HIDDEN``, or an entry of a dict constant (``CONFIG['batch_first']``)."""

    module: str
    level: int
    name: str


@dataclass(frozen=True)
class PassedOn:
    """A parameter of the ``__init__`` that makes the construction, passed on as it is: its value is
    whatever the project builds that class with (``Wrapper(bidirectional=True)`` -> ``Encoder(...)``)."""

    name: str


Constant = int | bool | float | str | None
ArgValue = Constant | Unread | OptionRef | PassedOn | ConstantRef
UNREAD = Unread()


@dataclass(frozen=True)
class Parameter:
    name: str
    default: ArgValue = UNREAD
    has_default: bool = False
    keyword_only: bool = False


@dataclass(frozen=True)
class Signature:
    """A function's parameters (``self`` dropped for methods); ``rest``: it takes ``*args``/``**kwargs``."""

    parameters: tuple[Parameter, ...]
    line: int
    rest: bool = False

    def parameter(self, name: str) -> Parameter | None:
        return next((parameter for parameter in self.parameters if parameter.name == name), None)


@dataclass(frozen=True)
class ClassFacts:
    """``relevant``: its code names something the layout inference follows (an RNN, a view, a factory)."""

    name: str
    line: int
    bases: tuple[str, ...]  # dotted names as written
    init: Signature | None
    relevant: bool = True
    recurrent: bool = True  # it names an RNN, packing, an embedding or a hidden state
    runs_rnn: bool = True  # it names an RNN or packing


@dataclass(frozen=True)
class CallFacts:
    """A call whose callee may be a class of the project: ``Encoder(256, bidirectional=True)``.

    ``callee`` is the dotted name as written, or ``super`` for ``super().__init__(...)`` inside
    ``in_class``. ``star``: the call passes ``*args`` or ``**kwargs``, so its arguments are not all known.
    """

    callee: str
    line: int
    positional: tuple[ArgValue, ...]
    keywords: tuple[tuple[str, ArgValue], ...]
    star: bool = False
    in_class: str | None = None


@dataclass(frozen=True)
class OptionFacts:
    """``parser.add_argument("--bidirectional", action="store_true")``: the values the option can take.

    ``values`` is None when any value of its type may be given and the default is the only one known.
    ``switched`` is the value a switch (``store_true``/``store_false``) gives when the flag is passed.
    """

    dest: str
    flag: str
    line: int
    default: Constant | Unread
    values: frozenset[Constant] | None
    switched: bool | None = None


@dataclass(frozen=True)
class PaddingFacts:
    """Code that pads token sequences to one length: ``what`` it is, and whether the padding goes at
    the end of each sequence (``None``: not known). ``field_batch_first``: for torchtext's ``Field``,
    the layout of its batches (its ``batch_first``, False by default; None when not a literal)."""

    what: str
    line: int
    at_end: bool | None
    field_batch_first: bool | None = None
    # Keras' `pad_sequences` taken for such by a name no import of the file binds: unless a star
    # import brings the project's own function of that name (the index decides).
    unless_defined: str | None = None


@dataclass(frozen=True)
class ImportFacts:
    """A name the module binds by an import: ``from .model import Encoder as E`` gives
    ``local="E", module="model", name="Encoder", level=1``; ``import models`` gives ``name=None``."""

    local: str
    module: str
    name: str | None
    level: int = 0
    nested: bool = False  # inside a function or class: it binds the name there only


@dataclass(frozen=True)
class StarImport:
    """``from .encoder import *``: every public name of the module (those its ``__all__`` lists, if it
    has one) is bound in the importer."""

    module: str
    level: int = 0


@dataclass(frozen=True)
class Binding:
    """How a module binds a name at module level, for a name it binds more than once (in source order):
    ``kind`` is ``class``, ``function``, ``import`` (``imported`` says what) or ``other`` (an assignment,
    a loop, a ``with``); ``conditional``: inside an ``if``, ``try``, loop or ``with``."""

    kind: str
    conditional: bool
    imported: ImportFacts | None = None


@dataclass(frozen=True)
class Outline:
    """Where a definition lies: its lines (decorators included); for a top-level class, its methods and
    nested classes, the last line of its header, and whether its body holds other statements."""

    name: str
    first: int
    last: int
    members: tuple[Outline, ...] = ()
    header_end: int = 0
    other_statements: bool = False


@dataclass(frozen=True)
class FileOutline:
    """A file's top-level definitions, and the lines of its other top-level statements (a script's
    code, imports, constants), for the linter to blank what cannot hold a finding without parsing
    the file again. ``size``: the length of the text it was read from. ``depth``: how deeply its
    syntax tree nests, where the scan walked all of it."""

    definitions: tuple[Outline, ...]
    statements: tuple[tuple[int, int], ...]
    size: int
    depth: int | None = None


@dataclass(frozen=True)
class ModuleFacts:
    path: str
    imports: tuple[ImportFacts, ...] = ()
    classes: tuple[ClassFacts, ...] = ()
    functions: tuple[str, ...] = ()  # top-level function names
    relevant_functions: frozenset[str] = frozenset()  # those whose code names what the inference follows
    recurrent_functions: frozenset[str] = frozenset()  # those that name an RNN, packing, an embedding, a state
    rnn_functions: frozenset[str] = frozenset()  # those that name an RNN or packing
    relevant_top_level: bool = True  # the code outside functions and classes names it too
    calls: tuple[CallFacts, ...] = ()
    options: tuple[OptionFacts, ...] = ()
    paddings: tuple[PaddingFacts, ...] = ()
    constants: dict[str, Constant] = field(default_factory=dict)
    star_imports: tuple[StarImport, ...] = ()
    exports: frozenset[str] | None = None  # `__all__`, where it is a literal list of names
    rebound: dict[str, tuple[Binding, ...]] = field(default_factory=dict)  # names bound more than once
    outline: FileOutline | None = None
