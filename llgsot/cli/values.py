"""The value kinds of config keys (:data:`llgsot.cli.schema.KINDS`): one parser per kind.

Errors are one line and name the key (``config: magnet.Ms must be a number, got 'big'``).
"""
from __future__ import annotations

import math


def parse_value(where: str, key, val):
    """``val`` checked against ``key.kind`` (and ``key.choices``); one-line errors name ``where``."""
    k = key.kind
    if k in ("number", "integer"):
        out = number(where, val, integer=(k == "integer"))
    elif k in ("string", "path"):
        if not isinstance(val, str):
            raise ValueError(f"config: {where} must be a string, got {val!r}")
        out = val
    elif k == "boolean":
        if not isinstance(val, bool):
            raise ValueError(f"config: {where} must be true or false, got {val!r}")
        out = val
    elif k == "strings":
        items = val if isinstance(val, list) else [val]
        if not items or not all(isinstance(x, str) for x in items):
            raise ValueError(f"config: {where} must be a string or a non-empty list of strings, "
                             f"got {val!r}")
        out = val
    elif k == "list":
        if not isinstance(val, list):
            raise ValueError(f"config: {where} must be a list of numbers, got {val!r}")
        out = tuple(float(number(where, x)) for x in val)
    elif k in ("vector3", "direction3"):
        out = vector(where, val, 3)
    elif k == "direction2":
        out = vector(where, val, (2, 3))
    elif k == "pair":
        out = vector(where, val, 2)
    elif k == "numbers":
        out = [number(where, x) for x in val] if isinstance(val, list) else number(where, val)
        if isinstance(out, list) and not out:
            raise ValueError(f"config: {where} must not be an empty list")
    elif k == "count_or_numbers":
        if isinstance(val, list):
            out = vector(where, val, None)
        else:
            out = number(where, val, integer=True)
    elif k == "grid":
        out = grid_values(where, val)
    else:  # pragma: no cover
        raise AssertionError(k)
    if key.choices and out not in key.choices:
        raise ValueError(f"config: {where} must be one of {', '.join(map(repr, key.choices))}, "
                         f"got {out!r}")
    return out


def number(where, val, integer=False):
    """A finite TOML number (an integer if ``integer``: 2.5 and 2.0 are refused, never cut)."""
    if isinstance(val, bool) or not isinstance(val, (int, float)):
        raise ValueError(f"config: {where} must be {'an integer' if integer else 'a number'}, got {val!r}")
    if integer and not isinstance(val, int):
        raise ValueError(f"config: {where} must be an integer, got {val!r}")
    if not math.isfinite(val):
        raise ValueError(f"config: {where} must be finite, got {val!r}")
    return val


def vector(where, val, n) -> tuple:
    """The one vector parser: a list of ``n`` finite numbers (n an int, a tuple of allowed
    lengths, or None for any non-zero length) -> tuple of floats."""
    ok = n is None or (len(val) in n if isinstance(n, tuple) else len(val) == n) \
        if isinstance(val, list) else False
    if not ok or (n is None and not val):
        want = ("a non-empty list" if n is None else
                f"a list of {' or '.join(map(str, n)) if isinstance(n, tuple) else n}")
        raise ValueError(f"config: {where} must be {want} numbers, got {val!r}")
    return tuple(float(number(where, x)) for x in val)


def grid_values(name, val):
    """A list of numbers, or a table {start, stop, num}."""
    import numpy as np

    if isinstance(val, dict):
        if set(val) != {"start", "stop", "num"}:
            raise ValueError(f"config: {name} must be a list or {{start, stop, num}}, got keys "
                             f"{sorted(val)}")
        num = number(f"{name}.num", val["num"], integer=True)
        if num < 1:
            raise ValueError(f"config: {name}.num must be >= 1, got {num}")
        return np.linspace(number(f"{name}.start", val["start"]),
                           number(f"{name}.stop", val["stop"]), num)
    if isinstance(val, list):
        return np.asarray(vector(name, val, None), float)
    raise ValueError(f"config: {name} must be a list of numbers or {{start, stop, num}}, got {val!r}")
