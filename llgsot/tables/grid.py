"""Constants and the error scale shared by the adaptive table builders: the 1D theta grid
(:mod:`llgsot.tables.build`) and the sphere grid (:mod:`llgsot.tables.sphere.build`)."""
from __future__ import annotations

import numpy as np

from . import schema

JUMP_DETECT_WIDTH = 0.02  # rad: below this an interval is tested for a jump
JUMP_WIDTH = 1e-4  # rad: bracket width of a stored jump
MIN_WIDTH = 1e-5  # rad: narrowest interval refined for accuracy
#: An interval is accepted when the interpolant built *without* its midpoint misses the
#: solved midpoint by <= ACCEPT_FACTOR * tol. The midpoint then becomes a node, and halving
#: the spacing divides the O(h^3) Hermite error by 8, so the final error is ~tol/2 where the
#: data are smooth (measured against direct solves: docs/tables.md).
ACCEPT_FACTOR = 4.0


def _scales(vals):
    """Per-component magnitude scale for relative errors (floor: 1e-3 of the block max)."""
    s = np.abs(vals).max(axis=0)
    for block in (schema.K_COLUMNS, schema.SIGMA_COLUMNS):
        s[block] = np.maximum(s[block], 1e-3 * s[block].max() + 1e-300)
    return s
