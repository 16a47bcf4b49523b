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

The cutoff: every momentum integral runs over |k| < k_c (docs/physics.md sec. 1), so all occupied
states must lie inside the disc. :func:`check_cutoff` refuses, before any work, a Fermi
energy at which the circle |k| = k_c is occupied and a cutoff whose disc misses a band minimum.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..model import band_critical_energies, band_minima

#: |eps - edge| <= EDGE_RTOL * s counts as "at the edge" (well above the ~1e-15 accuracy of
#: the edge energies, well below any physical energy; the solver is regular at 1e-12)
EDGE_RTOL = 1e-10
#: relative offsets d of the one-sided evaluation; the first gives the value
EDGE_OFFSETS = (1e-10, 1e-9, 1e-8, 1e-7, 1e-6)
#: error of an edge value = quadrature error + SPREAD_FACTOR * max |value(d) - value(d0)|
SPREAD_FACTOR = 2.0


def energy_scale(p) -> float:
    """Energy scale s (meV) of the model: max(Delta_xc, alpha^2/(4c), c k_c^2 * 1e-3)."""
    return max(p.delta, p.alpha * p.alpha / (4.0 * p.c), 1e-3 * p.c * p.kc * p.kc)


def exchange(p, theta: float) -> tuple:
    """(Delta_x, Delta_z) in meV at azimuth 0."""
    return p.delta * math.sin(theta), p.delta * math.cos(theta)


def circle_minimum(p, theta: float) -> float:
    """min over |k| = k_c of the lower band (meV): c k_c^2 - sqrt((|alpha| k_c + |Dx|)^2 + Dz^2)."""
    dx, dz = exchange(p, theta)
    return p.c * p.kc * p.kc - math.hypot(abs(p.alpha) * p.kc + abs(dx), dz)


def cutoff_needed(p, eps: float, theta: float) -> float:
    """Smallest k_c (nm^-1) whose circle lies above eps in both bands (bisection)."""
    dx, dz = exchange(p, theta)

    def emin(k):
        return p.c * k * k - math.hypot(abs(p.alpha) * k + abs(dx), dz)

    lo, hi = 0.0, max(p.kc, 1e-3)
    while emin(hi) <= eps or hi < abs(p.alpha) / p.c:
        hi *= 2.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if emin(mid) > eps and mid >= abs(p.alpha) / p.c:
            hi = mid
        else:
            lo = mid
    return hi


def check_inputs(model, p, eps: float, thetas, n_requested: int) -> None:
    """Refuse, before any work, a Fermi energy below the band or beyond the cutoff disc.

    eps in meV; thetas every angle that will be solved, the first ``n_requested`` of them
    the user's (the others are pole stencils, where an empty band gives a zero response).
    Raises ValueError naming ``fermi_energy`` (no Fermi surface) or ``cutoff`` (contour
    reaches |k| = k_c, or a band minimum outside the disc).
    """
    s = energy_scale(p)
    for i, th in enumerate(thetas):
        th = float(th)
        dx, dz = exchange(p, th)
        lo, ky_lo, up, ky_up = band_minima(p.c, p.alpha, dx, dz)
        if eps < lo - EDGE_RTOL * s and i < n_requested:
            raise ValueError(
                f"`fermi_energy` = {eps * 1e-3:.6g} eV has no Fermi surface at theta={th:.6g}: it "
                f"must lie at or above the bottom of the lower band, {lo * 1e-3:.10g} eV")
        if abs(ky_lo) >= p.kc or (eps > up and abs(ky_up) >= p.kc):
            which, ky = ("lower", ky_lo) if abs(ky_lo) >= p.kc else ("upper", ky_up)
            raise ValueError(
                f"`cutoff` = {model.cutoff!r} nm^-1 is too small for the bands: the {which}-band "
                f"minimum at theta={th:.6g} lies at |k| = {abs(ky):.6g} nm^-1, outside the cutoff "
                f"disc; use cutoff > {cutoff_needed(p, eps, th):.6g} nm^-1")
        cmin = circle_minimum(p, th)
        if eps >= cmin - EDGE_RTOL * s:
            raise ValueError(
                f"`cutoff` = {model.cutoff!r} nm^-1 is too small for fermi_energy="
                f"{eps * 1e-3:.6g} eV: at theta={th:.6g} the Fermi contour reaches |k| = k_c "
                f"(allowed: fermi_energy < {cmin * 1e-3:.6g} eV at this cutoff, or cutoff > "
                f"{cutoff_needed(p, eps, th):.6g} nm^-1)")


def nearest_edge(p, eps: float, theta: float):
    """The band edge (meV) within EDGE_RTOL * s of eps at theta, or None.

    Edges are the band energies at every critical point on the k_y axis
    (:func:`llgsot.model.band_critical_energies`): the bottoms of both bands, the top of the
    lower band's Mexican hat (where the hole of an annular Fermi sea closes at the polar
    centre) and the band-touching point."""
    dx, dz = exchange(p, theta)
    crit = band_critical_energies(p.c, p.alpha, dx, dz)
    s = energy_scale(p)
    i = int(np.argmin(np.abs(crit - eps)))
    return float(crit[i]) if abs(eps - crit[i]) <= EDGE_RTOL * s else None


def one_sided(solve_at, edge: float, s: float):
    """Solve at edge + d s for d in EDGE_OFFSETS (from above).

    ``solve_at(eps)`` returns (K, K_err, S, S_err, diag). Returns the same tuple: the value
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
            warnings.warn(f"{w.message} (band edge at {edge * 1e-3:.10g} eV, solved "
                          f"{EDGE_OFFSETS[0]:g}..{EDGE_OFFSETS[-1]:g} s above it)",
                          w.category, stacklevel=4)
    K, Ke, S, Se, diag = res[0]
    # the samples are a decade apart and the response need not be monotonic between them
    # (ln d from Re g0 against the sqrt(d) growth of the new pocket): twice the largest
    # deviation covers the interleaved points of tests/test_band_edges.py (worst: 1.05x)
    dK = SPREAD_FACTOR * np.max([np.abs(r[0] - K) for r in res[1:]], axis=0)
    dS = SPREAD_FACTOR * np.max([np.abs(r[2] - S) for r in res[1:]], axis=0)
    diag = dict(diag)
    diag["edge_offset"] = EDGE_OFFSETS[0] * s * 1e-3
    return K, Ke + dK, S, Se + dS, diag


def below_lower_band(p, eps: float, theta: float) -> bool:
    """True if eps lies below the bottom of the lower band at theta (no Fermi surface)."""
    dx, dz = exchange(p, theta)
    return eps < band_minima(p.c, p.alpha, dx, dz)[0] - EDGE_RTOL * energy_scale(p)
