"""Lazy names of a package: the one ``__getattr__``/``__dir__`` pair (PEP 562) that the
package ``__init__`` files use, so that ``import llgsot`` (or one light subpackage) does not
import numba, xarray, torch or the solver until a name that needs them is used.

Usage, in a package's ``__init__.py``::

    _LAZY = {"TorqueTable": "interpolate", ...}   # name -> module (relative to the package,
                                                  # or absolute "llgsot.x.y")
    __getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
"""
from __future__ import annotations

from importlib import import_module


def lazy_names(package: str, table: dict, namespace: dict):
    """(``__getattr__``, ``__dir__``) of the package ``package`` for the names of ``table``.

    ``table`` maps each name to the module that defines it: absolute (``"llgsot.x.y"``) or
    relative to ``package`` (``"store"``). The first access imports the module and stores the
    value in ``namespace`` (the package's ``globals()``), so later accesses are plain lookups.
    A module that does not exist yet (an optional part) gives an AttributeError saying so.
    ``__dir__`` lists the package's globals and the lazy names.
    """

    def __getattr__(name):
        target = table.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        modname = target if target.startswith("llgsot.") else f"{package}.{target}"
        try:
            module = import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name == modname:
                raise AttributeError(f"{package}.{name} is not available ({modname} missing)") from None
            raise
        value = getattr(module, name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(table))

    return __getattr__, __dir__
