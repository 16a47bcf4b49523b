"""Constants and the error scale shared by the adaptive table builders: the 1D theta grid
(:mod:`llgsot.tables.build`) and the sphere grid (:mod:`llgsot.tables.sphere.build`), and
the refinement step of one interval both use (:func:`_split`)."""
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


def _split(g, a, b, m, fa, fm, fb, err, scale, tol, jumps=True):
    """Add the midpoint ``m`` of the interval (a, b) to the grid ``g`` (a theta grid here, a
    sphere-table line in :mod:`llgsot.tables.sphere.build`: ``nodes``, ``state``, ``worst``,
    ``unresolved``) and mark the halves: a jump (or a hunt for one) on the side carrying the
    difference, "ok" when the interpolant's error ``err`` at m (of ``scale``) is within
    ACCEPT_FACTOR * tol or the halves are below MIN_WIDTH (then recorded as unresolved);
    else the halves stay pending. fa, fm, fb: the rows (scaled by ``scale``) at a, m, b.
    ``jumps`` False: never a jump (a finite-temperature table: the response is smooth in
    theta, a steep rise is resolved, not stored as a step)."""
    D = float(np.max(np.abs(fb - fa) / scale))
    dl = float(np.max(np.abs(fm - fa) / scale))
    dr = float(np.max(np.abs(fb - fm) / scale))
    g.nodes.append(m)
    hunting = g.state.pop((a, b), None) == "hunt"
    if jumps and (b - a) <= JUMP_DETECT_WIDTH and D > 20 * tol and min(dl, dr) < 0.1 * D or hunting:
        side = (a, m) if dl > dr else (m, b)
        g.state[side] = "jump" if (side[1] - side[0]) <= JUMP_WIDTH else "hunt"
        return
    if err <= ACCEPT_FACTOR * tol:
        g.state[(a, m)] = g.state[(m, b)] = "ok"
        g.worst = max(g.worst, err)
    elif (b - a) / 2 < MIN_WIDTH:
        g.state[(a, m)] = g.state[(m, b)] = "ok"
        g.unresolved.append((a, b, err / ACCEPT_FACTOR))
