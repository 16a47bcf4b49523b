"""The one place where numba's jit options are chosen (following quimb's habit).

Kernels are compiled with ``cache=True`` so that a second process does not pay the
compilation again; ``fastmath`` is off because the solver relies on IEEE semantics.

numba invalidates a cached kernel only when *its own* source file changes, not when a
kernel it calls (in another module) does, so a stale cache could silently run old code.
We therefore key the cache directory on a hash of the whole package's source: any edit
or upgrade starts from a fresh cache. (Set LLGSOT_NUMBA_CACHE to choose the base folder.)
"""
import functools
import hashlib
import os
from pathlib import Path

import numba


def _source_hash() -> str:
    h = hashlib.sha1()
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> str:
    base = os.environ.get("LLGSOT_NUMBA_CACHE")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "llgsot", "numba")
    return os.path.join(base, _source_hash())


if not os.environ.get("NUMBA_CACHE_DIR"):
    numba.config.CACHE_DIR = _cache_dir()

njit = functools.partial(numba.njit, cache=True, fastmath=False, nogil=True)
pnjit = functools.partial(numba.njit, cache=True, fastmath=False, nogil=True, parallel=True)
