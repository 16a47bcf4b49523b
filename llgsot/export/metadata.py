"""Metadata into exports as data, never code: one function makes every value inert.

A table file is data from anywhere. Its attributes travel into CSV headers, mumax3 comments
and Python scripts; a newline or a quote in an attribute must not become a statement there.
:func:`inert` turns any value into one line of printable ASCII (escapes as Python's
``unicode_escape``: a newline becomes the two characters backslash and n), and
:func:`provenance` applies it to every attribute of a table that is not a finite number.
"""
from __future__ import annotations

import math

import numpy as np

MAX_LENGTH = 400


def inert(value, max_length: int = MAX_LENGTH) -> str:
    """``value`` as one line of printable ASCII: control characters, quotes' escapes and
    non-ASCII characters escaped (``\\n``, ``\\x1b``, ``\\u00e9``), cut to ``max_length``."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).encode("unicode_escape").decode("ascii")
    text = "".join(ch if 32 <= ord(ch) < 127 else f"\\x{ord(ch):02x}" for ch in text)
    if len(text) > max_length:
        text = text[: max_length - 3] + "..."
    return text


def number_or_none(value):
    """A finite real number as float, anything else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        x = float(value)
        return x if math.isfinite(x) else None
    return None


def provenance(attrs: dict) -> dict:
    """Every attribute as a finite number (int/float) or an inert string; keys inert too."""
    out = {}
    for key, value in attrs.items():
        if hasattr(value, "item") and np.ndim(value) == 0:
            value = value.item()
        x = number_or_none(value)
        if x is not None:
            out[inert(key, 80)] = int(value) if isinstance(value, (int, np.integer)) else x
        else:
            out[inert(key, 80)] = inert(value)
    return out
