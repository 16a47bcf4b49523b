"""The one place where numba's jit options are chosen (following quimb's habit).

Kernels are compiled with ``cache=True`` so that a second process does not pay the
compilation again; ``fastmath`` is off because the solver relies on IEEE semantics.

numba invalidates a cached kernel only when *its own* source file changes, not when a
kernel it calls (in another module) does, so a stale cache could silently run old code.
We therefore key each kernel's cache directory on a hash of every source file of its
subpackage (kernels only call kernels of their own subpackage), of this file and of the
convention modules whose constants kernels compile in (``tables/schema.py``): any edit
or upgrade of that subpackage starts from a fresh cache. LLGSOT_NUMBA_CACHE sets the base
folder (default ~/.cache/llgsot/numba); NUMBA_CACHE_DIR, if set, is respected as is.
"""
import hashlib
import os
from pathlib import Path

import numba

_HASHES = {}
#: modules whose constants the kernels compile in (the table column layout): part of every key
_SHARED_CONVENTIONS = [Path(__file__).parent / "tables" / "schema.py"]


def _folder_hash(folder: Path) -> str:
    key = str(folder)
    if key not in _HASHES:
        h = hashlib.sha1(Path(__file__).read_bytes())
        for path in [*sorted(folder.glob("*.py")), *_SHARED_CONVENTIONS]:
            h.update(path.name.encode())
            h.update(path.read_bytes())
        _HASHES[key] = h.hexdigest()[:16]
    return _HASHES[key]


def _base() -> str:
    base = os.environ.get("LLGSOT_NUMBA_CACHE")
    if base:
        return base
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "llgsot", "numba")


def _jit(options, func=None):
    if func is None:
        return lambda f: _jit(options, f)
    if os.environ.get("NUMBA_CACHE_DIR"):
        return numba.njit(**options)(func)
    folder = Path(func.__code__.co_filename).resolve().parent
    old = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = os.path.join(_base(), f"{folder.name}-{_folder_hash(folder)}")
    try:
        return numba.njit(**options)(func)  # the cache locator is chosen here
    finally:
        numba.config.CACHE_DIR = old


_OPTS = dict(cache=True, fastmath=False, nogil=True)


def njit(func=None, **options):
    """``@njit`` or ``@njit(inline="always", ...)``: llgsot's options plus any numba option."""
    return _jit({**_OPTS, **options}, func)


def inline(func):
    """:func:`njit` with numba-IR inlining (``inline="always"``), for the small helpers of the
    dynamics kernels: without it numba compiles each helper as a separate call and an RK4
    step runs ~3x slower."""
    return njit(inline="always")(func)


def pnjit(func=None, **options):
    """As :func:`njit` with ``parallel=True`` (prange)."""
    return _jit({**_OPTS, "parallel": True, **options}, func)
