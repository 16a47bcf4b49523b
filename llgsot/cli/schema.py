"""The config schema: :class:`Key`, :class:`Section`, the value kinds, and :func:`from_library`,
which derives keys (names, defaults, descriptions) from a library object.

A section may have a *discriminator* key (``[torque] kind``): each other key then says, in
``Key.when``, the discriminator values it applies to, and the reader
(:func:`llgsot.cli.reading.section`) refuses a key that does not apply to the chosen value and
asks for a required one only where it applies. Adding a kind is one ``when`` entry per key.
"""
from __future__ import annotations

import dataclasses
import inspect

from .numpydoc import param_docs

REQUIRED = object()  # marker: the key has no default
AUTO = "automatic"  # shown for library defaults of None that mean "chosen for you"

#: value kinds a key may have; the parser (llgsot.cli.values) and docs/cli.md both read this
KINDS = {
    "number": "number",
    "integer": "integer",
    "string": "string",
    "boolean": "true or false",
    "strings": "string or non-empty list of strings",
    "path": "string (a file path, relative to the config file)",
    "vector3": "list of 3 numbers",
    "direction3": "list of 3 numbers (a direction: any nonzero vector, normalised)",
    "direction2": "list of 2 numbers (an in-plane direction, normalised)",
    "pair": "list of 2 numbers [lo, hi]",
    "numbers": "number or list of numbers",
    "list": "list of numbers (may be empty)",
    "count_or_numbers": "integer (a count) or list of numbers",
    "grid": "list of numbers, or a table {start, stop, num}",
}


@dataclasses.dataclass(frozen=True)
class Key:
    """One key: its value kind (:data:`KINDS`), default (:data:`REQUIRED` if none), help,
    allowed values, and the discriminator values it applies to (``()``: all)."""

    name: str
    kind: str
    default: object = REQUIRED
    help: str = ""
    choices: tuple = ()
    when: tuple = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def applies(self, kind) -> bool:
        return not self.when or kind in self.when


@dataclasses.dataclass(frozen=True)
class Section:
    """One ``[name]`` table of a config: its keys and where they come from."""

    name: str
    source: str  # the library object it configures, for the docs
    doc: str
    keys: dict
    discriminator: str | None = None  # e.g. "kind": selects which keys apply

    def __contains__(self, key):
        return key in self.keys

    def keys_for(self, kind) -> set:
        """Names of the keys that apply to discriminator value ``kind``."""
        return {n for n, k in self.keys.items() if k.applies(kind)}


def only_for(kind_value: str, keys: dict, discriminator: str = "kind", required=()) -> dict:
    """``keys`` marked as applying to ``discriminator = kind_value`` only (their help says so);
    those named in ``required`` are required there."""
    out = {}
    for n, k in keys.items():
        out[n] = dataclasses.replace(
            k, when=k.when + (kind_value,), default=REQUIRED if n in required else k.default,
            help=f'{discriminator} = "{kind_value}"' + (" (required there)" if n in required else "")
                 + ": " + k.help)
    return out


def library_defaults(obj) -> dict:
    """{name: default or REQUIRED} from dataclass fields or the call signature."""
    if dataclasses.is_dataclass(obj):
        out = {}
        for f in dataclasses.fields(obj):
            if f.default is not dataclasses.MISSING:
                out[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:  # pragma: no cover
                out[f.name] = f.default_factory()
            else:
                out[f.name] = REQUIRED
        return out
    sig = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
    return {n: (REQUIRED if p.default is inspect.Parameter.empty else p.default)
            for n, p in sig.parameters.items()
            if n != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def kind_of(default) -> str:
    """The value kind a library default reveals (a float is a number, a 3-tuple a vector)."""
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    if isinstance(default, float):
        return "number"
    if isinstance(default, str):
        return "string"
    if isinstance(default, tuple):
        return {3: "vector3", 2: "pair"}.get(len(default), "list")
    return "number"


def from_library(obj, names=None, kinds=None, overrides=None, choices=None, docs=None,
                 exclude=()) -> dict:
    """Keys ``names`` of the library object ``obj``, with defaults and descriptions from it.

    ``names=None``: every parameter (field) of ``obj`` but those in ``exclude`` (objects
    built from other sections, callbacks), so a parameter added to the library becomes a
    key without an edit here. ``kinds`` fixes value kinds the defaults do not reveal
    (vectors, None defaults); ``overrides`` replaces a default where the command line
    differs on purpose (documented in the key's help).
    """
    defaults = library_defaults(obj)
    if names is None:
        names = [n for n in defaults if n not in exclude]
    helps = param_docs(obj)
    kinds, overrides, choices, docs = kinds or {}, overrides or {}, choices or {}, docs or {}
    keys = {}
    for n in names:
        if n not in defaults:
            raise KeyError(f"{getattr(obj, '__qualname__', obj)} has no parameter {n!r}")
        default = overrides.get(n, defaults[n])
        kind = kinds.get(n) or kind_of(default)
        keys[n] = Key(n, kind, default, docs.get(n, helps.get(n, "")), tuple(choices.get(n, ())))
    return keys
