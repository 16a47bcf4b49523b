"""Argument validation shared by every public entry point.

Errors name the parameter, the value and the allowed range, as scipy does.
"""
from __future__ import annotations

import math

import numpy as np


def finite_scalar(name: str, value, unit: str = "") -> float:
    """Return ``value`` as a float, refusing NaN, inf and non-numbers."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a real number{_u(unit)}, got {value!r}") from None
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


def finite_array(name: str, value, unit: str = "") -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be real numbers{_u(unit)}, got {value!r}") from None
    if not np.all(np.isfinite(a)):
        raise ValueError(f"`{name}` must be finite{_u(unit)}, got {value!r}")
    return a


def choice(name: str, value, allowed) -> str:
    if value not in allowed:
        raise ValueError(f"`{name}` must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def _u(unit: str) -> str:
    return f" (in {unit})" if unit else ""
