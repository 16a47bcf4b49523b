"""Argument validation shared by every public entry point.

Errors name the parameter, the value and the allowed range, as scipy does. A wrong *type*
(a string, a bool or None where a number is expected; a number where a pair is expected) is a
``TypeError``; a value of the right type outside the allowed range is a ``ValueError``.
Messages stay one short line: arrays are summarised (shape, first bad index), never dumped.

Direction vectors (field directions, easy axes, polarizations, current directions, switching
axes) follow one convention across llgsot: any finite nonzero vector is accepted and
normalised (:func:`direction`); only its direction matters. Physical vectors (fields in T,
m0) are taken as given.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

_NUMERIC_KINDS = "iuf"


def _short(value) -> str:
    """repr of ``value`` cut to one short line."""
    if isinstance(value, np.ndarray):
        if value.size > 6:
            return f"array of shape {value.shape}"
        value = value.tolist()
    r = " ".join(repr(value).split())
    return r if len(r) <= 80 else r[:77] + "..."


def _refuse_type(name: str, value, what: str, unit: str = "") -> None:
    raise TypeError(f"`{name}` must be {what}{_u(unit)}, got {type(value).__name__} {_short(value)}")


def finite_scalar(name: str, value, unit: str = "") -> float:
    """Return ``value`` as a float, refusing NaN, inf, bools, strings, arrays and non-numbers."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        _refuse_type(name, value, "a real number", unit)
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            _refuse_type(name, value, "a real number (not an array)", unit)
        value = value[()]
    if isinstance(value, (list, tuple, dict, set)):
        _refuse_type(name, value, "a real number", unit)
    if isinstance(value, complex) or isinstance(value, np.complexfloating):
        _refuse_type(name, value, "a real number", unit)
    try:
        x = float(value)
    except (TypeError, ValueError):
        _refuse_type(name, value, "a real number", unit)
    if not math.isfinite(x):
        raise ValueError(f"`{name}` must be finite{_u(unit)}, got {x!r}")
    return x


def positive(name: str, value, unit: str = "") -> float:
    x = finite_scalar(name, value, unit)
    if x <= 0:
        raise ValueError(f"`{name}` must be > 0{_u(unit)}, got {x!r}")
    return x


def nonnegative(name: str, value, unit: str = "") -> float:
    x = finite_scalar(name, value, unit)
    if x < 0:
        raise ValueError(f"`{name}` must be >= 0{_u(unit)}, got {x!r}")
    return x


def nonzero(name: str, value, unit: str = "") -> float:
    x = finite_scalar(name, value, unit)
    if x == 0:
        raise ValueError(f"`{name}` must be nonzero{_u(unit)}, got {x!r}")
    return x


def in_range(name: str, value, lo: float, hi: float, unit: str = "") -> float:
    x = finite_scalar(name, value, unit)
    if not lo <= x <= hi:
        raise ValueError(f"`{name}` must lie in [{lo:g}, {hi:g}]{_u(unit)}, got {x!r}")
    return x


def count(name: str, value, min: int = 1, max: int | None = None) -> int:  # noqa: A002
    """An integer count in [min, max]: ints and numpy ints; an integral float (2.0) is
    accepted, a fractional one (2.7) refused, never truncated."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, numbers.Real)):
        _refuse_type(name, value, "an integer")
    if isinstance(value, numbers.Integral):
        n = int(value)
    else:
        x = float(value)
        if not math.isfinite(x) or not x.is_integer():
            raise ValueError(f"`{name}` must be an integer, got {value!r}")
        n = int(x)
    if n < min or (max is not None and n > max):
        rng = f">= {min}" if max is None else f"in [{min}, {max}]"
        raise ValueError(f"`{name}` must be an integer {rng}, got {n}")
    return n


def finite_array(name: str, value, unit: str = "") -> np.ndarray:
    """``value`` as a float array of real numbers, all finite (any shape, possibly empty)."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        _refuse_type(name, value, "an array of real numbers", unit)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a regular array of real numbers{_u(unit)}, "
                         f"got {_short(value)}") from None
    if raw.dtype == object:
        try:
            raw = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            _refuse_type(name, value, "an array of real numbers", unit)
    if raw.dtype.kind not in _NUMERIC_KINDS:
        _refuse_type(name, value, f"an array of real numbers (dtype {raw.dtype})", unit)
    a = raw.astype(float)
    bad = ~np.isfinite(a)
    if bad.any():
        idx = np.unravel_index(int(np.flatnonzero(bad)[0]), a.shape) if a.ndim else ()
        where = f" at index {idx[0] if len(idx) == 1 else idx}" if a.ndim else ""
        raise ValueError(f"`{name}` must be finite{_u(unit)}, got {float(a[idx])!r}{where}")
    return a


def nonempty_array(name: str, value, unit: str = "", ndim: int | None = 1) -> np.ndarray:
    """A finite, non-empty float array; a scalar becomes shape (1,) when ``ndim == 1``."""
    a = finite_array(name, value, unit)
    if ndim == 1:
        a = np.atleast_1d(a)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"`{name}` must be a {ndim}-d array{_u(unit)}, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"`{name}` must not be empty{_u(unit)}")
    return a


def vector3(name: str, value, unit: str = "") -> tuple:
    """Three finite numbers (a physical vector, e.g. a field in T), as a tuple of floats."""
    a = finite_array(name, value, unit)
    if a.shape != (3,):
        raise ValueError(f"`{name}` must be 3 numbers{_u(unit)}, got shape {a.shape}: {_short(value)}")
    return tuple(float(x) for x in a)


def direction(name: str, value, dim: int = 3) -> tuple:
    """A direction: ``dim`` finite numbers, not all zero, normalised to unit length."""
    a = finite_array(name, value)
    if a.shape != (dim,):
        raise ValueError(f"`{name}` must be a vector of {dim} numbers, got shape {a.shape}: "
                         f"{_short(value)}")
    n = float(np.linalg.norm(a))
    if n == 0.0 or not math.isfinite(n):
        raise ValueError(f"`{name}` must be a nonzero vector (it is normalised), got {_short(value)}")
    return tuple(float(x) for x in a / n)


def pair(name: str, value, unit: str = "") -> tuple:
    """Two finite numbers ``(lo, hi)``; a scalar or a string is a TypeError."""
    if isinstance(value, (str, bytes, dict, set)) or value is None or np.ndim(value) == 0:
        _refuse_type(name, value, "a pair (lo, hi) of numbers", unit)
    a = finite_array(name, value, unit)
    if a.shape != (2,):
        raise ValueError(f"`{name}` must be a pair (lo, hi){_u(unit)}, got shape {a.shape}")
    return float(a[0]), float(a[1])


def instance(name: str, value, types, what: str, optional: bool = False):
    """``value`` if it is an instance of ``types`` (or None when ``optional``), else TypeError."""
    if (optional and value is None) or isinstance(value, types):
        return value
    raise TypeError(f"`{name}` must be {what}, got {type(value).__name__}")


def optional_positive(name: str, value, unit: str = ""):
    """None (meaning: chosen automatically) or a finite number > 0."""
    return None if value is None else positive(name, value, unit)


def seed(name: str, value):
    """None or a non-negative integer seed."""
    return None if value is None else count(name, value, min=0)


def choice(name: str, value, allowed) -> str:
    if not isinstance(value, str) and all(isinstance(a, str) for a in allowed):
        _refuse_type(name, value, "one of " + ", ".join(map(repr, allowed)))
    if value not in allowed:
        raise ValueError(f"`{name}` must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def _u(unit: str) -> str:
    return f" (in {unit})" if unit else ""


def per_item(name: str, value, n: int, of: str, unit: str = "") -> np.ndarray:
    """A number (the same for every item) or one finite number per item: a float array of
    shape (n,). A length other than 1 or ``n`` is a ValueError naming ``name`` and ``of``
    (never numpy's broadcast message)."""
    a = finite_array(name, value, unit)
    if a.ndim > 1 or (a.ndim == 1 and a.size not in (1, n)):
        raise ValueError(f"`{name}` must be a number or one value per {of} ({n}){_u(unit)}, "
                         f"got shape {a.shape}")
    return np.broadcast_to(a.reshape(-1)[0] if a.size == 1 else a, (n,)).astype(float)


def returned_number(name: str, value, unit: str = "") -> float:
    """A value a user callable returned (``name`` says which, e.g. "current(t=1e-9)"):
    checked like a number the API takes (:func:`finite_scalar`)."""
    return finite_scalar(f"{name} (the value your callable returned)", value, unit)


def count_array(name: str, value, min: int = 0) -> np.ndarray:  # noqa: A002
    """An array of counts (integers >= ``min``, as floats): a fractional entry is refused,
    never truncated; the error names the first bad index."""
    a = finite_array(name, value)
    bad = (a != np.round(a)) | (a < min)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise ValueError(f"`{name}` must hold integers >= {min}, got {float(a.ravel()[i])!r} at index {i}")
    return a


def same_length(**arrays) -> int:
    """The common length of 1-d ``arrays`` (name=array); a mismatch is a ValueError naming
    them with their lengths (never numpy's broadcast message)."""
    lengths = {n: int(np.size(a)) for n, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        got = ", ".join(f"`{n}` has {k}" for n, k in lengths.items())
        raise ValueError(f"{', '.join(f'`{n}`' for n in lengths)} must have the same length: {got}")
    return next(iter(lengths.values()), 0)
