"""The one place where numba's jit options are chosen (following quimb's habit).

Kernels are compiled with ``cache=True`` so that a second process does not pay the
compilation again; ``fastmath`` is off because the solver relies on IEEE semantics
(signed zeros, exact cancellations in partial fractions).
"""
import functools

import numba

njit = functools.partial(numba.njit, cache=True, fastmath=False, nogil=True)
pnjit = functools.partial(numba.njit, cache=True, fastmath=False, nogil=True, parallel=True)
