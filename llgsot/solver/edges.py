"""Band edges and the cutoff disc: the input checks and the one-sided edge rule of the solver.

A Fermi energy at the bottom of a band (the lower band: the Fermi sea is a point; the upper
band: its pocket is born, off-centre once Delta_x != 0) makes a root of the ray quartic
coincide with the polar centre, and the exact radial integrals divide by zero. Such a point
is solved as the one-sided value FROM ABOVE (the band occupied) at a few offsets
eps = edge + d s, d in :data:`EDGE_OFFSETS` (s the energy scale of :func:`energy_scale`);
the value is the one at the smallest offset, its error estimate adds the spread over all of
them (docs/physics.md sec. 6, docs/theory.md "Band edges").

Why not Richardson extrapolation in d: at the bottom of the upper band the real part of the
clean g0 diverges like (1/(4 pi c')) ln d (a 2D band edge), so in the tmatrix approximation
(and in the finite regime) the response approaches its mathematical limit only as 1/ln d.
An extrapolation in powers of d would return a number with a small, false error bar; the
spread over four decades of d is what the data can honestly support.

The cutoff: every momentum integral runs over |k| < k_c (docs/physics.md sec. 1), so every
Fermi contour must lie inside the disc. :func:`check_inputs` asks the model
(:meth:`llgsot.models.base.TwoBandModel.check_fermi_energy`) before any work. Everything
model-specific (band critical energies, band minima, the cutoff circle) is the model's.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..constants import MEV_TO_EV
from ..models.base import EDGE_RTOL  # noqa: F401  (re-exported: the solver's edge tolerance)

#: relative offsets d of the one-sided evaluation; the first gives the value
EDGE_OFFSETS = (1e-10, 1e-9, 1e-8, 1e-7, 1e-6)
#: error of an edge value = quadrature error + SPREAD_FACTOR * max |value(d) - value(d0)|
SPREAD_FACTOR = 2.0


def check_inputs(model, eps_meV: float, thetas, n_requested: int, phi: float = 0.0) -> None:
    """Refuse, before any work, a Fermi energy below the band or beyond the cutoff disc.

    eps_meV in meV; thetas every angle that will be solved, the first ``n_requested`` of
    them the user's (the others are pole stencils, where an empty band gives a zero
    response). The model raises ValueError naming ``fermi_energy`` (no Fermi surface) or
    ``cutoff`` (contour reaches |k| = k_c, or a band minimum outside the disc).
    """
    for i, th in enumerate(thetas):
        model.check_fermi_energy(eps_meV, float(th), phi, requested=i < n_requested)


def nearest_edge(model, eps_meV: float, theta: float, phi: float = 0.0, crit=None):
    """The band edge (meV) within EDGE_RTOL * s of eps_meV at (theta, phi), or None
    (``crit``: the model's critical energies there, meV, if the caller has them).

    Edges are the model's band critical energies
    (:meth:`llgsot.models.base.TwoBandModel.critical_energies_meV`): the bottoms of both
    bands, the top of the lower band's Mexican hat (where the hole of an annular Fermi sea
    closes at the polar centre), band-touching points, saddles."""
    if crit is None:
        crit = model.critical_energies_meV(theta, phi)
    s = model.energy_scale_meV()
    i = int(np.argmin(np.abs(crit - eps_meV)))
    return float(crit[i]) if abs(eps_meV - crit[i]) <= EDGE_RTOL * s else None


def one_sided(solve_at, edge: float, s: float):
    """Solve at edge + d s for d in EDGE_OFFSETS (from above).

    ``solve_at(eps_meV)`` returns (K, K_err, S, S_err, diag). Returns the same tuple: the value
    at the smallest offset, errors = its quadrature errors + the largest deviation of the
    other offsets from it (K, S and every entry of diag kept from the smallest offset).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = [solve_at(edge + d * s) for d in EDGE_OFFSETS]
    seen = set()
    for w in caught:  # one warning of each kind, not one per offset
        key = (w.category, str(w.message)[:20])
        if key not in seen:
            seen.add(key)
            warnings.warn(f"{w.message} (band edge at {edge * MEV_TO_EV:.10g} eV, solved "
                          f"{EDGE_OFFSETS[0]:g}..{EDGE_OFFSETS[-1]:g} s above it)",
                          w.category, stacklevel=4)
    K, Ke, S, Se, diag = res[0]
    # the samples are a decade apart and the response need not be monotonic between them
    # (ln d from Re g0 against the sqrt(d) growth of the new pocket): twice the largest
    # deviation covers the interleaved points of tests/test_band_edges.py (worst: 1.05x)
    dK = SPREAD_FACTOR * np.max([np.abs(r[0] - K) for r in res[1:]], axis=0)
    dS = SPREAD_FACTOR * np.max([np.abs(r[2] - S) for r in res[1:]], axis=0)
    diag = dict(diag)
    diag["edge_offset"] = EDGE_OFFSETS[0] * s * MEV_TO_EV
    return K, Ke + dK, S, Se + dS, diag
